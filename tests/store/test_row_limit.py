"""The remote store's row limit: results are cut while they are read, without reading the rest.

The contract suite (``test_contract_max_rows_*``) checks that every backend cuts the same rows;
here the reader is fed documents far larger than it may hold, made on the fly.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator

import pytest
import rdflib

from api.main import create_app
from kg.errors import StoreError
from kg.settings import Settings
from kg.store.base import Quad
from kg.store.row_limit import limit_solutions, limit_triples
from kg.store.sparql_store import SparqlStore
from tests.conftest import run_live_server

ROWS = 1_000_000
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


class Generated(io.RawIOBase):
    """A byte stream made on the fly from ``parts``; counts the bytes handed out."""

    def __init__(self, parts: Iterator[bytes]) -> None:
        self._parts = parts
        self._pending = b""
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            part = next(self._parts, None)
            if part is None:
                return 0
            self._pending = part
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.produced += size
        return size


def _document(head: bytes, row: Callable[[int], bytes], tail: bytes, rows: int) -> Iterator[bytes]:
    yield head
    for n in range(rows):
        yield (b"," if n and head.startswith(b"{") else b"") + row(n)
    yield tail


DOCUMENTS: dict[str, tuple[bytes, Callable[[int], bytes], bytes]] = {
    "application/sparql-results+json": (
        b'{"head":{"vars":["s","n"]},"results":{"bindings":[',
        lambda n: (
            b'{"s":{"type":"uri","value":"http://ex/%d"},"n":{"type":"literal","value":"'
            b'%d"}}' % (n, n)
        ),
        b"]}}",
    ),
    "application/sparql-results+xml": (
        f'<?xml version="1.0"?><sparql xmlns="{RESULTS_NS}"><head><variable name="s"/>'
        '<variable name="n"/></head><results>'.encode(),
        lambda n: (
            b'<result><binding name="s"><uri>http://ex/%d</uri></binding>'
            b'<binding name="n"><literal xml:lang="en">%d</literal></binding></result>' % (n, n)
        ),
        b"</results></sparql>",
    ),
    "text/csv": (b"s,n\r\n", lambda n: b'http://ex/%d,"line\r\n%d"\r\n' % (n, n), b""),
    "text/tab-separated-values": (
        b"?s\t?n\n",
        lambda n: b'<http://ex/%d>\t"%d"\n' % (n, n),
        b"",
    ),
}


def _rows(body: bytes, media_type: str) -> list[tuple[str, ...]]:
    fmt = {"json": "json", "xml": "xml", "csv": "csv", "tab-separated-values": "tsv"}
    result = rdflib.query.Result.parse(
        io.BytesIO(body), format=fmt[media_type.rsplit("+", 1)[-1].rsplit("/", 1)[-1]]
    )
    return [tuple(str(term) for term in row) for row in result]


@pytest.mark.parametrize("media_type", DOCUMENTS)
def test_row_limit_reads_only_what_it_keeps(media_type: str) -> None:
    head, row, tail = DOCUMENTS[media_type]
    stream = Generated(_document(head, row, tail, ROWS))
    body, truncated = limit_solutions(io.BufferedReader(stream), media_type=media_type, max_rows=3)
    assert truncated
    rows = _rows(body, media_type)
    assert [r[0] for r in rows] == ["http://ex/0", "http://ex/1", "http://ex/2"]
    assert stream.produced < 300_000  # of a document of 60 MB or more


@pytest.mark.parametrize("media_type", DOCUMENTS)
def test_row_limit_keeps_a_whole_result_within_the_limit(media_type: str) -> None:
    head, row, tail = DOCUMENTS[media_type]
    stream = io.BufferedReader(Generated(_document(head, row, tail, 3000)))
    body, truncated = limit_solutions(stream, media_type=media_type, max_rows=3000)
    assert not truncated
    rows = _rows(body, media_type)
    assert len(rows) == 3000 and rows[-1][0] == "http://ex/2999"
    assert "\n" in rows[0][1] or media_type != "text/csv"  # quoted line breaks kept in CSV


def test_row_limit_triples_read_only_what_they_keep() -> None:
    line = b'<http://ex/%d> <http://ex/p> "%d" .\n'
    stream = Generated(_document(b"# triples\n", lambda n: line % (n, n), b"", ROWS))
    body, truncated = limit_triples(
        io.BufferedReader(stream),
        media_type="application/n-triples",
        result_format="turtle",
        max_rows=2,
    )
    assert truncated
    assert len(rdflib.Graph().parse(data=body, format="turtle")) == 2
    assert stream.produced < 300_000


def test_row_limit_json_head_after_results_and_big_values() -> None:
    big = "x" * 3_000_000  # one value over many read buffers
    document = {
        "results": {"bindings": [{"v": {"type": "literal", "value": big}}] * 4},
        "head": {"vars": ["v"]},
    }
    data = json.dumps(document).encode()
    body, truncated = limit_solutions(
        io.BytesIO(data), media_type="application/sparql-results+json", max_rows=2
    )
    assert truncated
    kept = json.loads(body)
    assert kept["head"] == {"vars": ["v"]}
    assert [b["v"]["value"] for b in kept["results"]["bindings"]] == [big, big]


@pytest.mark.parametrize(
    ("media_type", "data"),
    [
        ("application/sparql-results+json", b'{"head":{"vars":["x"]},"results":{"bindings":[{'),
        ("application/sparql-results+json", b'{"head": 1 "results": {}}'),
        ("application/sparql-results+xml", b"<sparql><head></sparql>"),
        ("text/turtle", b""),
    ],
)
def test_row_limit_malformed_answers_are_store_errors(media_type: str, data: bytes) -> None:
    with pytest.raises(StoreError):
        limit_solutions(io.BytesIO(data), media_type=media_type, max_rows=5)


@pytest.mark.integration
def test_row_limit_remote_kg_server_reports_its_own_cut() -> None:
    """A conflict-kg server that cut a result at its own limit says so (X-KG-Truncated)."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        store=":memory:",
        enable_update=True,
        allow_anonymous_update=True,
        max_result_rows=2,
    )
    server = run_live_server(create_app(settings))
    live = next(server)
    try:
        remote = SparqlStore(f"{live.url}/sparql", timeout=20)
        quads = [Quad(f"<http://ex/{n}>", "<http://ex/p>", f'"{n}"', "http://ex/g") for n in "abc"]
        remote.replace_graphs(remove=[], quads=quads)
        sparql = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"
        unlimited = remote.query(sparql)
        assert unlimited.truncated
        assert len(json.loads(unlimited.body)["results"]["bindings"]) == 2
        limited = remote.query(sparql, max_rows=10, result_format="csv")
        assert limited.truncated and limited.body.count(b"\n") == 3
    finally:
        server.close()
