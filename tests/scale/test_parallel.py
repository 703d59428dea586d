"""``kg ingest --workers N``: parallel parsing writes exactly what one process writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.ids import DEFAULT_BASE_IRI
from kg.models import Report
from kg.parallel import ingest_reports
from kg.pipeline import Extractor, ensure_ontology
from kg.reports import read_reports
from kg.store.oxigraph_store import OxigraphStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
pytestmark = pytest.mark.model

Quads = set[tuple[str, str, str, str | None]]


def _reports() -> list[Report]:
    return list(read_reports([EXAMPLES], max_bytes=10_000_000))


def _ingest(
    reports: list[Report], extractor: Extractor, *, workers: int
) -> tuple[Quads, list[str]]:
    store = OxigraphStore(":memory:")
    try:
        ensure_ontology(store, base_iri=DEFAULT_BASE_IRI)
        results = list(
            ingest_reports(
                reports,
                extractor=extractor,
                store=store,
                base_iri=DEFAULT_BASE_IRI,
                workers=workers,
                clock=lambda: NOW,
            )
        )
        quads = {(q.subject, q.predicate, q.object, q.graph) for q in store.quads()}
        return quads, [r.doc_id for r in results]
    finally:
        store.close()


def test_parallel_two_workers_write_the_same_quads_as_one(extractor: Extractor) -> None:
    reports = _reports()
    serial, serial_order = _ingest(reports, extractor, workers=1)
    parallel, parallel_order = _ingest(reports, extractor, workers=2)
    assert parallel_order == serial_order == [r.id for r in reports]
    assert len(serial) > 1000
    assert parallel == serial


def test_parallel_skips_unchanged_reports(extractor: Extractor) -> None:
    reports = _reports()[:2]
    store = OxigraphStore(":memory:")
    try:
        first, again = (
            list(
                ingest_reports(
                    reports, extractor=extractor, store=store, base_iri=DEFAULT_BASE_IRI, workers=2
                )
            )
            for _ in range(2)
        )
    finally:
        store.close()
    assert not any(r.unchanged for r in first)
    assert all(r.unchanged for r in again)


def test_parallel_cli_workers_option(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    store_dir = tmp_path / "store"
    result = CliRunner().invoke(
        app, ["ingest", "--workers", "2", "--store", str(store_dir), str(EXAMPLES)]
    )
    assert result.exit_code == 0, result.output
    store = OxigraphStore(store_dir)
    try:
        ids_stored = {
            row["id"].value
            for row in store.select(
                "SELECT ?id WHERE { GRAPH ?g { ?d <https://schema.org/identifier> ?id } }"
            )
        }
    finally:
        store.close()
    assert ids_stored >= {r.id for r in _reports()}
