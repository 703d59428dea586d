"""``kg serve`` options, and commands that meet a store held by a running ``kg serve``.

The server is the real command line in a subprocess, on an on-disk store.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store.base import Quad
from kg.store.oxigraph_store import OxigraphStore
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
INTERFACES = ROOT.parent / "shared" / "design" / "INTERFACES.md"
#: The ``kg serve`` options that docs/INTERFACES.md names (checked against it when present).
DOCUMENTED_SERVE_OPTIONS = (
    "--host",
    "--port",
    "--query-timeout",
    "--enable-update",
    "--update-token",
    "--allow-anonymous-update",
    "--store",
    "--memory",
)
KG = [sys.executable, "-m", "kg"]
EX = "http://example.org/"
REPORT = ROOT / "examples" / "blinken-ceasefire-talks.txt"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def _children(pid: int) -> list[str]:
    """Command lines of the live child processes of ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    store: Path
    log: Path


@pytest.fixture(scope="module")
def served_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``kg serve --query-workers 1`` on an on-disk store holding two quads."""
    root = tmp_path_factory.mktemp("served")
    path = root / "store"
    store = OxigraphStore(path)
    store.replace_graphs(
        remove=[],
        quads=[
            Quad(f"<{EX}a>", f"<{EX}name>", '"Alice"', f"{EX}g"),
            Quad(f"<{EX}b>", f"<{EX}name>", '"Bob"', f"{EX}g"),
        ],
    )
    store.close()
    port = free_port()
    log = (root / "server.log").open("wb")
    command = [*KG, "serve", "--store", str(path), "--port", str(port), "--query-workers", "1"]
    process = subprocess.Popen(command, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.close()
                text = (root / "server.log").read_text(errors="replace")
                pytest.fail(f"kg serve did not start: {text[-2000:]}")
            time.sleep(0.1)
        yield Server(process=process, url=url, store=path, log=root / "server.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_cli_serve_help_lists_documented_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    documented = set(DOCUMENTED_SERVE_OPTIONS)
    if INTERFACES.is_file():  # the design notes sit next to the repository in development
        row = next(line for line in INTERFACES.read_text().splitlines() if "`kg serve" in line)
        documented |= set(re.findall(r"--[a-z][a-z-]+", row))
    for option in sorted(documented | {"--query-workers"}):
        assert option in result.stdout, option


def test_cli_serve_query_workers_must_be_positive() -> None:
    result = CliRunner().invoke(app, ["serve", "--memory", "--query-workers", "0"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --query-workers must be at least 1")
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.integration
def test_cli_serve_query_workers_one_answers_queries(served_store: Server) -> None:
    query = f"SELECT ?n WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?n"
    request = urllib.request.Request(
        f"{served_store.url}/sparql?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    assert [row["n"]["value"] for row in rows] == ["Alice", "Bob"]
    if Path("/proc/self/stat").exists():
        workers = [c for c in _children(served_store.process.pid) if "query_worker" in c]
        assert len(workers) == 1, workers  # the setting's default would start 2


@pytest.mark.integration
def test_cli_ingest_into_served_store_fails_fast(served_store: Server) -> None:
    # Loading the small model alone takes about 3 s on the 2-core reference machine; checking
    # the store first answers in about 0.5 s.
    started = time.monotonic()
    proc = subprocess.run(
        [*KG, "ingest", str(REPORT), "--store", str(served_store.store)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: cannot open the store at {served_store.store}")
    assert "kg serve" in lines[0]
    assert elapsed < 2.0, f"took {elapsed:.2f} s: the model was loaded before the store check"
    # The same answer with a model that does not exist: the store is checked before the model.
    no_model = subprocess.run(
        [*KG, "ingest", str(REPORT), "--store", str(served_store.store)],
        capture_output=True,
        text=True,
        env=_env(KG_SPACY_MODEL="no_such_model"),
        timeout=120,
        check=False,
    )
    assert no_model.returncode == 1
    assert no_model.stderr.strip() == lines[0]


@pytest.mark.integration
def test_cli_serve_access_log_is_opt_in(served_store: Server, tmp_path: Path) -> None:
    with urllib.request.urlopen(f"{served_store.url}/health", timeout=10) as response:
        assert response.status == 200
    assert "GET /health" not in served_store.log.read_text(errors="replace")  # off by default
    port = free_port()
    log_path = tmp_path / "access.log"
    with log_path.open("wb") as log:
        command = [*KG, "serve", "--memory", "--port", str(port), "--access-log"]
        process = subprocess.Popen(command, env=_env(), stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while "GET /health" not in log_path.read_text(errors="replace"):
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).close()
                assert process.poll() is None and time.monotonic() < deadline, "no access line"
                time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert '"GET /health HTTP/1.1" 200' in log_path.read_text(errors="replace")
