"""Concurrency: the server answers queries while ``POST /documents`` and a CLI ingest write.

The embedded on-disk store has a single writer (the process holding its RocksDB lock, here the
server). Other writers go through the server: ``POST /documents``, or ``kg ingest --store
http://HOST:PORT/sparql`` with the update token. Each report is one transaction, so a reader
sees a report whole or not at all.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.main import create_app
from kg.settings import Settings
from tests.conftest import LiveServer, run_live_server
from tests.reliability.helpers import EXAMPLES_DIR, KG, kg_env, run_kg

TOKEN = "concurrency-test-token"
GRAPHS = "https://w3id.org/conflict-kg/id/graph/"
COUNT_QUERY = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER(STRSTARTS(STR(?g), "{GRAPHS}conc-")) }} GROUP BY ?g'
)
DOC_OF_GRAPH = re.compile(re.escape(GRAPHS) + r"(conc-(?:http|api)-\d+)-")


@pytest.fixture
def disk_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A live server on an on-disk store with updates enabled behind a token."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, store=str(tmp_path / "store"), enable_update=True, update_token=TOKEN
    )
    yield from run_live_server(create_app(settings))


def _texts(count: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES_DIR.glob("*.txt"))]
    return ["\n".join(texts[n % len(texts)].split("\n")[:2]) for n in range(count)]


def _quads_per_doc(client: httpx.Client, url: str) -> dict[str, int]:
    response = client.post(
        f"{url}/sparql",
        data={"query": COUNT_QUERY},
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    totals: dict[str, int] = defaultdict(int)
    for row in response.json()["results"]["bindings"]:
        match = DOC_OF_GRAPH.match(row["g"]["value"])
        assert match, row["g"]["value"]
        totals[match.group(1)] += int(row["n"]["value"])
    return dict(totals)


@pytest.mark.slow
def test_concurrency_readers_see_whole_reports_while_api_and_cli_write(
    disk_server: LiveServer, tmp_path: Path
) -> None:
    url = disk_server.url
    api_texts = _texts(6)
    batch = tmp_path / "cli.jsonl"
    with batch.open("w", encoding="utf-8") as out:
        for n, text in enumerate(_texts(4)):
            out.write(json.dumps({"id": f"conc-http-{n}", "text": text}) + "\n")

    stop = threading.Event()
    errors: list[str] = []
    observations: list[dict[str, int]] = []

    def read() -> None:
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                try:
                    observations.append(_quads_per_doc(client, url))
                except (httpx.HTTPError, AssertionError, KeyError) as exc:
                    errors.append(f"reader: {exc!r}")

    def write_api() -> None:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(timeout=120) as client:
            for n, text in enumerate(api_texts):
                body = {"id": f"conc-api-{n}", "text": text}
                response = client.post(f"{url}/documents", json=body, headers=headers)
                if response.status_code != 201:
                    errors.append(f"writer: {response.status_code} {response.text[:200]}")

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    cli = subprocess.Popen(
        [*KG, "ingest", str(batch), "--store", f"{url}/sparql"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**kg_env(), "KG_UPDATE_TOKEN": TOKEN},
    )
    writer = threading.Thread(target=write_api)
    writer.start()
    writer.join(timeout=150)
    _, cli_err = cli.communicate(timeout=150)
    stop.set()
    for thread in readers:
        thread.join(timeout=60)

    assert cli.returncode == 0, cli_err
    assert not errors, errors[:5]
    with httpx.Client(timeout=60) as client:
        final = _quads_per_doc(client, url)
    assert len(final) == 10
    assert len(observations) > 10
    torn = [
        (doc, seen, final[doc])
        for snapshot in observations
        for doc, seen in snapshot.items()
        if seen != final[doc]
    ]
    assert not torn, torn[:5]
    # Some reads happened in the middle of the writes.
    assert any(0 < len(snapshot) < len(final) for snapshot in observations)


def test_concurrency_cli_locked_out_by_server_names_the_fix(
    disk_server: LiveServer, tmp_path: Path
) -> None:
    result = run_kg("query", "ASK { ?s ?p ?o }", "--store", str(tmp_path / "store"), timeout=60)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "kg serve" in result.stderr and "http://" in result.stderr
