"""The analyst queries in examples/queries/ give their reviewed results on the example reports.

Each ``examples/queries/<name>.rq`` has ``<name>.expected.tsv``: the TSV that
``kg ingest examples/`` followed by ``kg query @<name>.rq --format tsv`` prints on a fresh
store. Every query has an ORDER BY, so results are compared line by line, in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.pipeline import ensure_ontology, ingest_report
from kg.reports import read_reports
from kg.store.oxigraph_store import OxigraphStore

if TYPE_CHECKING:
    from kg.pipeline import Extractor

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
QUERIES = sorted((EXAMPLES / "queries").glob("*.rq"))
BASE = "https://w3id.org/conflict-kg/id/"
NOW = dt.datetime(2024, 11, 1, 12, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.model


def _lines(tsv: str) -> list[str]:
    """TSV result lines; the CLI ends its output with a newline, the store may not."""
    return tsv.rstrip("\n").split("\n")


def _expected(query: Path) -> list[str]:
    return _lines(query.with_name(f"{query.stem}.expected.tsv").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def examples_store(extractor: Extractor) -> Iterator[OxigraphStore]:
    """An in-memory store holding the ontology and every example report."""
    store = OxigraphStore(":memory:")
    ensure_ontology(store, base_iri=BASE)
    reports = list(read_reports([EXAMPLES], max_bytes=5_000_000))
    assert reports, "no example reports found"
    for report in reports:
        ingest_report(report, extractor=extractor, store=store, base_iri=BASE, now=NOW)
    yield store
    store.close()


def test_there_are_example_queries() -> None:
    assert 8 <= len(QUERIES) <= 10


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_query_file_is_documented_and_ordered(query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    assert text.startswith("# "), "the first line must say the question in plain words"
    assert "PREFIX" in text
    assert "ORDER BY" in text.upper(), "results must be deterministic"


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_expected_file_has_the_projected_header_and_rows(query: Path) -> None:
    expected_file = query.with_name(f"{query.stem}.expected.tsv")
    assert expected_file.is_file(), f"missing {expected_file.name}"
    expected = _expected(query)
    assert len(expected) >= 2, "the expected result needs at least one data row"
    # The header is what the query projects: run it on an empty store to read it.
    empty = OxigraphStore(":memory:")
    try:
        result = empty.query(query.read_text(encoding="utf-8"), result_format="tsv")
    finally:
        empty.close()
    header = _lines(result.body.decode())[0]
    assert expected[0] == header


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_query_gives_expected_result(
    examples_store: OxigraphStore, query: Path, request: pytest.FixtureRequest
) -> None:
    result = examples_store.query(query.read_text(encoding="utf-8"), result_format="tsv")
    if request.config.getoption("--update-golden"):
        query.with_suffix(".expected.tsv").write_text(
            "\n".join(_lines(result.body.decode())) + "\n", encoding="utf-8"
        )
    assert _lines(result.body.decode()) == _expected(query)
