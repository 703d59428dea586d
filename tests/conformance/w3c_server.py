"""A real ``kg serve`` for the W3C conformance runners (a helper module, not a conftest)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx

from tests.conftest import free_port

#: The W3C SPARQL 1.1 test data, next to the repository (``shared/data/sparql11-tests``).
TESTS_DIR: Final = Path(__file__).resolve().parents[3] / "shared" / "data" / "sparql11-tests"


def run_kg_server(work: Path) -> Iterator[str]:
    """``kg serve`` on a free port, on-disk store, anonymous updates; yields its base URL."""
    port = free_port()
    env = {**os.environ, "KG_QUERY_TIMEOUT": "20"}
    command = [sys.executable, "-m", "kg", "serve", "--store", str(work / "store")]
    command += ["--port", str(port), "--enable-update", "--allow-anonymous-update"]
    log_path = work / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = log_path.read_text(errors="replace")
                raise RuntimeError(f"kg serve did not start: {log_text[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"kg serve log: {log_path}")
