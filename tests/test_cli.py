"""The ``kg`` command line: commands, output formats, and one-line errors on bad input.

Tests marked ``model`` load the spaCy model and run the real pipeline; the others need only the
store (or nothing), so bad-input handling is checked even without a model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kg.cli import app
from kg.store.base import Quad
from kg.store.oxigraph_store import OxigraphStore

GOOD_REPORT = (
    "US Secretary of State Antony Blinken arrived in Israel on Tuesday for talks with Prime "
    "Minister Benjamin Netanyahu. Hamas said it was studying an Egyptian ceasefire proposal.\n"
)
EX = "http://example.org/"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _kg(runner: CliRunner, *args: str | Path, stdin: str | None = None) -> Result:
    return runner.invoke(app, [str(arg) for arg in args], input=stdin)


def _assert_one_line_error(stdout: str, stderr: str, *needles: str) -> str:
    """The error is exactly one ``error: ...`` line on stderr naming ``needles``; no traceback."""
    assert "Traceback" not in stdout + stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    [line] = lines
    assert line.startswith("error: "), line
    for needle in needles:
        assert needle in line, line
    return line


def _quad_set(store_dir: Path) -> set[Quad]:
    store = OxigraphStore(store_dir)
    try:
        return set(store.quads())
    finally:
        store.close()


# --- bad input files ----------------------------------------------------------------------------

BadInput = Callable[[Path], tuple[list[str], list[str]]]


def _empty(tmp: Path) -> tuple[list[str], list[str]]:
    path = tmp / "empty.txt"
    path.write_bytes(b"   \n")
    return [str(path)], ["empty.txt", "empty"]


def _binary(tmp: Path) -> tuple[list[str], list[str]]:
    path = tmp / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    return [str(path)], ["photo.txt", "binary"]


def _latin1(tmp: Path) -> tuple[list[str], list[str]]:
    path = tmp / "latin1.txt"
    path.write_bytes("Talks in Caf\u00e9 du Nil.".encode("latin-1"))
    return [str(path)], ["latin1.txt:1", "UTF-8", "byte offset 12"]


def _huge(tmp: Path) -> tuple[list[str], list[str]]:
    path = tmp / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)  # sparse: created instantly
    return [str(path)], ["huge.txt", "larger than the limit"]


def _malformed_jsonl(tmp: Path) -> tuple[list[str], list[str]]:
    path = tmp / "batch.jsonl"
    path.write_text(
        '{"id": "fine", "text": "A fine report."}\n{"id": "broken", "text": "no end}\n',
        encoding="utf-8",
    )
    return [str(path)], ["batch.jsonl:2", "malformed JSON Lines record"]


def _bad_published(tmp: Path) -> tuple[list[str], list[str]]:
    path = tmp / "fine.txt"
    path.write_text("A fine report.", encoding="utf-8")
    return [str(path), "--published", "30/04/2024"], ["--published", "30/04/2024", "YYYY-MM-DD"]


def _good_then_bad(tmp: Path) -> tuple[list[str], list[str]]:
    good = tmp / "good-first.txt"
    good.write_text("A fine report.", encoding="utf-8")
    bad = tmp / "zz-bad.txt"
    bad.write_bytes(b"")
    return [str(good), str(bad)], ["zz-bad.txt", "empty"]


BAD_INPUTS: dict[str, BadInput] = {
    "empty": _empty,
    "binary": _binary,
    "invalid-utf8": _latin1,
    "too-large": _huge,
    "malformed-jsonl": _malformed_jsonl,
    "bad-published": _bad_published,
    "good-then-bad": _good_then_bad,
}


@pytest.mark.parametrize("make_input", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_cli_bad_input_one_line_error(
    runner: CliRunner, tmp_path: Path, make_input: BadInput
) -> None:
    args, needles = make_input(tmp_path)
    store = tmp_path / "store"
    result = _kg(runner, "ingest", *args, "--store", store)
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, *needles)
    assert not store.exists(), "the store must not even be opened for bad input"


def test_cli_bad_input_in_subprocess(tmp_path: Path) -> None:
    args, needles = _latin1(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "ingest", *args, "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    _assert_one_line_error(proc.stdout, proc.stderr, *needles)


def test_cli_console_script_usage_error(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("kg")
    if not script.exists():
        pytest.skip("console script not installed next to the interpreter")
    proc = subprocess.run(
        [str(script), "query", "ASK {}", "--format", "yaml", "--memory"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr


# --- options and commands that need no model --------------------------------------------------


def test_cli_help_lists_commands(runner: CliRunner) -> None:
    result = _kg(runner, "--help")
    assert result.exit_code == 0
    for command in ("ingest", "extract", "query", "export", "serve", "stats", "delete"):
        assert command in result.stdout


def test_cli_version(runner: CliRunner) -> None:
    result = _kg(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("kg ")


def test_cli_store_and_memory_conflict(runner: CliRunner, tmp_path: Path) -> None:
    result = _kg(runner, "query", "ASK {}", "--memory", "--store", tmp_path / "s")
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, "--memory")


def test_cli_query_missing_store(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "nowhere"
    result = _kg(runner, "query", "ASK {}", "--store", store)
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, "no store at", str(store))
    assert not store.exists()


def test_cli_query_ask_memory(runner: CliRunner) -> None:
    result = _kg(runner, "query", "ASK { ?s ?p ?o }", "--memory")
    assert result.exit_code == 0
    assert result.stdout == "false\n"
    result = _kg(runner, "query", "ASK { ?s ?p ?o }", "--memory", "--format", "json")
    assert json.loads(result.stdout) == {"head": {}, "boolean": False}


def test_cli_query_syntax_error(runner: CliRunner) -> None:
    result = _kg(runner, "query", "SELECT * WHERE { ?s ?p ", "--memory")
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, "parse")


def test_cli_query_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = _kg(runner, "query", f"@{tmp_path / 'missing.rq'}", "--memory")
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, "missing.rq")


def test_cli_query_bad_format_is_usage_error(runner: CliRunner) -> None:
    result = _kg(runner, "query", "ASK {}", "--format", "yaml", "--memory")
    assert result.exit_code == 2


@pytest.fixture
def filled_store(tmp_path: Path) -> Path:
    """A disk store with two labelled resources in two named graphs (no pipeline needed)."""
    path = tmp_path / "filled"
    store = OxigraphStore(path)
    try:
        store.replace_graphs(
            remove=[],
            quads=[
                Quad(f"<{EX}a>", RDFS_LABEL, '"Alpha"@en', f"{EX}g1"),
                Quad(f"<{EX}b>", RDFS_LABEL, '"Beta"', f"{EX}g2"),
            ],
        )
    finally:
        store.close()
    return path


def test_cli_query_formats(runner: CliRunner, tmp_path: Path, filled_store: Path) -> None:
    select = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    query_file = tmp_path / "q.rq"
    query_file.write_text(select, encoding="utf-8")

    table = _kg(runner, "query", f"@{query_file}", "--store", filled_store)
    assert table.exit_code == 0, table.stderr
    assert "Alpha" in table.stdout and "Beta" in table.stdout
    assert "2 rows" in table.stderr

    as_json = _kg(runner, "query", select, "--format", "json", "--store", filled_store)
    data = json.loads(as_json.stdout)
    assert data["head"]["vars"] == ["s", "label"]
    assert {b["label"]["value"] for b in data["results"]["bindings"]} == {"Alpha", "Beta"}

    csv = _kg(runner, "query", select, "--format", "csv", "--store", filled_store)
    assert csv.stdout.splitlines()[0] == "s,label"

    ask = _kg(runner, "query", f"ASK {{ <{EX}a> ?p ?o }}", "--store", filled_store)
    assert ask.stdout == "true\n"

    construct = f"CONSTRUCT {{ ?s <{EX}name> ?o }} WHERE {{ ?s {RDFS_LABEL} ?o }}"
    turtle = _kg(runner, "query", construct, "--store", filled_store)
    assert turtle.exit_code == 0, turtle.stderr
    assert f"<{EX}name>" in turtle.stdout or "name" in turtle.stdout
    ntriples = _kg(runner, "query", construct, "-f", "ntriples", "--store", filled_store)
    assert len(ntriples.stdout.strip().splitlines()) == 2

    mismatch = _kg(runner, "query", construct, "-f", "csv", "--store", filled_store)
    assert mismatch.exit_code == 1
    _assert_one_line_error(mismatch.stdout, mismatch.stderr)


def test_cli_export_nquads(runner: CliRunner, tmp_path: Path, filled_store: Path) -> None:
    out = tmp_path / "out.nq"
    result = _kg(runner, "export", "--format", "nquads", "-o", out, "--store", filled_store)
    assert result.exit_code == 0, result.stderr
    lines = out.read_text(encoding="utf-8").strip().splitlines()
    assert len(lines) == 2
    assert all(line.endswith(f"<{EX}g1> .") or line.endswith(f"<{EX}g2> .") for line in lines)
    to_stdout = _kg(runner, "export", "-f", "trig", "--store", filled_store)
    assert "Alpha" in to_stdout.stdout


def test_cli_export_unwritable_output(
    runner: CliRunner, tmp_path: Path, filled_store: Path
) -> None:
    out = tmp_path / "no-such-dir" / "out.nq"
    result = _kg(runner, "export", "-f", "nquads", "-o", out, "--store", filled_store)
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, "out.nq")


def test_cli_export_dynamic_needs_gexf(runner: CliRunner) -> None:
    result = _kg(runner, "export", "-f", "trig", "--dynamic", "--memory")
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, "--dynamic")


def test_cli_delete_invalid_id(runner: CliRunner) -> None:
    result = _kg(runner, "delete", "not an id", "--memory")
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, "invalid report id")


def test_cli_serve_update_needs_token(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_UPDATE_TOKEN", raising=False)
    result = _kg(runner, "serve", "--enable-update", "--memory")
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, "--update-token")


@pytest.mark.integration
def test_cli_serve_runs_a_real_server(tmp_path: Path) -> None:
    import socket
    import subprocess
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "serve",
            "--port",
            str(port),
            "--memory",
            "--query-timeout",
            "2.5",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.3)
        assert b'"status":"ok"' in body.replace(b" ", b"")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# --- with the model and the pipeline ------------------------------------------------------------


@pytest.fixture(scope="module")
def ingested_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A disk store holding one ingested report (built once per module)."""
    root = tmp_path_factory.mktemp("ingested")
    report = root / "blinken-visit.txt"
    report.write_text(GOOD_REPORT, encoding="utf-8")
    store = root / "store"
    result = CliRunner().invoke(
        app, ["ingest", str(report), "--published", "2024-04-30", "--store", str(store)]
    )
    assert result.exit_code == 0, result.stderr
    return store


@pytest.fixture
def store_copy(ingested_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(ingested_store, copy)
    return copy


@pytest.mark.model
@pytest.mark.parametrize("make_input", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_cli_bad_input_leaves_store_unchanged(
    runner: CliRunner, tmp_path: Path, store_copy: Path, make_input: BadInput
) -> None:
    before = _quad_set(store_copy)
    assert before
    args, needles = make_input(tmp_path)
    result = _kg(runner, "ingest", *args, "--store", store_copy)
    assert result.exit_code == 1
    _assert_one_line_error(result.stdout, result.stderr, *needles)
    assert _quad_set(store_copy) == before


@pytest.mark.model
def test_cli_bad_input_subprocess_leaves_store_unchanged(tmp_path: Path, store_copy: Path) -> None:
    before = _quad_set(store_copy)
    args, needles = _huge(tmp_path)
    script = Path(sys.executable).with_name("kg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kg"]
    proc = subprocess.run(
        [*command, "ingest", *args, "--store", str(store_copy)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "KG_STORE": str(tmp_path / "unused")},
        timeout=300,
        check=False,
    )
    assert proc.returncode == 1
    _assert_one_line_error(proc.stdout, proc.stderr, *needles)
    assert _quad_set(store_copy) == before


@pytest.mark.model
def test_cli_ingest_summary_and_reingest_unchanged(
    runner: CliRunner, tmp_path: Path, store_copy: Path
) -> None:
    report = tmp_path / "blinken-visit.txt"
    report.write_text(GOOD_REPORT, encoding="utf-8")
    before = _quad_set(store_copy)
    result = _kg(runner, "ingest", report, "--published", "2024-04-30", "--store", store_copy)
    assert result.exit_code == 0, result.stderr
    for column in ("reports", "unchanged", "sentences", "relations", "events", "quads"):
        assert column in result.stdout
    assert _quad_set(store_copy) == before


@pytest.mark.model
def test_cli_query_after_ingest(runner: CliRunner, store_copy: Path) -> None:
    ask = "ASK { GRAPH ?g { ?s ?p ?o } }"
    result = _kg(runner, "query", ask, "--format", "json", "--store", store_copy)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["boolean"] is True


@pytest.mark.model
def test_cli_stats_after_ingest(runner: CliRunner, store_copy: Path) -> None:
    result = _kg(runner, "stats", "--json", "--store", store_copy)
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["quads"] > 0
    assert stats["graphs"]["sentence"]["graphs"] >= 2
    assert [doc["id"] for doc in stats["documents"]] == ["blinken-visit"]
    tables = _kg(runner, "stats", "--store", store_copy)
    assert tables.exit_code == 0, tables.stderr
    assert "blinken-visit" in tables.stdout


@pytest.mark.model
def test_cli_delete_report(runner: CliRunner, store_copy: Path) -> None:
    result = _kg(runner, "delete", "blinken-visit", "--store", store_copy)
    assert result.exit_code == 0, result.stderr
    assert "deleted blinken-visit" in result.stdout
    again = _kg(runner, "delete", "blinken-visit", "--store", store_copy)
    assert again.exit_code == 1
    _assert_one_line_error(again.stdout, again.stderr, "blinken-visit")


@pytest.mark.model
def test_cli_extract_per_line_echoes_lines(runner: CliRunner) -> None:
    lines = [
        "Antony Blinken met Benjamin Netanyahu in Jerusalem.",
        "  Hamas rejected the Egyptian proposal on Monday.  ",
    ]
    stdin = lines[0] + "\r\n\n" + lines[1] + "\n"
    result = _kg(runner, "extract", "-", "--per-line", stdin=stdin)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    assert {record["sentence"] for record in records} <= set(lines)
    for record in records:
        assert {"subject", "relation", "object", "confidence"} <= record.keys()


@pytest.mark.model
def test_cli_extract_report_file(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "blinken-visit.txt"
    report.write_text(GOOD_REPORT, encoding="utf-8")
    result = _kg(runner, "extract", report)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    assert {record["doc_id"] for record in records} == {"blinken-visit"}
    for record in records:
        assert GOOD_REPORT[record["start"] : record["end"]]
