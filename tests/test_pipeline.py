"""Ingest, re-ingest and delete through the real pipeline and an on-disk Oxigraph store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.errors import EntityNotFound, InputError
from kg.models import Report
from kg.pipeline import Extractor, delete_report, ensure_ontology, ingest_report, list_reports
from kg.store.oxigraph_store import OxigraphStore

BASE = "https://w3id.org/conflict-kg/id/"
NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.model

REPORT_A = Report(
    id="report-a",
    text=(
        "Qatar's prime minister met Hamas leaders in Doha on Monday. "
        "He urged them to accept a ceasefire in exchange for the release of hostages."
    ),
    published=dt.date(2024, 5, 6),
)
REPORT_B = Report(
    id="report-b",
    text=(
        "Russian forces shelled Kharkiv on Tuesday, killing four civilians. "
        "Ukraine's foreign minister condemned the attack."
    ),
    published=dt.date(2024, 5, 8),
)


def _quads(store: OxigraphStore) -> set[tuple[str, str, str, str | None]]:
    return {(q.subject, q.predicate, q.object, q.graph) for q in store.quads()}


@pytest.fixture
def store(tmp_path: Path) -> OxigraphStore:
    s = OxigraphStore(tmp_path / "store")
    ensure_ontology(s, base_iri=BASE)
    return s


def test_pipeline_reingest_same_report_leaves_quads_unchanged(
    extractor: Extractor, store: OxigraphStore
) -> None:
    first = ingest_report(REPORT_A, extractor=extractor, store=store, base_iri=BASE, now=NOW)
    before = _quads(store)
    later = NOW + dt.timedelta(hours=3)
    second = ingest_report(REPORT_A, extractor=extractor, store=store, base_iri=BASE, now=later)
    assert not first.unchanged and second.unchanged
    assert _quads(store) == before


def test_pipeline_changed_report_replaces_its_graphs_exactly(
    extractor: Extractor, store: OxigraphStore, tmp_path: Path
) -> None:
    ingest_report(REPORT_A, extractor=extractor, store=store, base_iri=BASE, now=NOW)
    edited = Report(id=REPORT_A.id, text=REPORT_B.text, published=REPORT_B.published)
    ingest_report(edited, extractor=extractor, store=store, base_iri=BASE, now=NOW)
    fresh = OxigraphStore(tmp_path / "fresh")
    ensure_ontology(fresh, base_iri=BASE)
    ingest_report(edited, extractor=extractor, store=fresh, base_iri=BASE, now=NOW)
    assert _quads(store) == _quads(fresh)


def test_pipeline_delete_removes_exactly_one_report(
    extractor: Extractor, store: OxigraphStore, tmp_path: Path
) -> None:
    ingest_report(REPORT_B, extractor=extractor, store=store, base_iri=BASE, now=NOW)
    only_b = _quads(store)
    ingest_report(REPORT_A, extractor=extractor, store=store, base_iri=BASE, now=NOW)
    assert _quads(store) > only_b
    removed = delete_report(REPORT_A.id, store=store, base_iri=BASE)
    assert removed > 0
    assert _quads(store) == only_b
    assert [r["id"] for r in list_reports(store, base_iri=BASE)] == [REPORT_B.id]


def test_pipeline_delete_unknown_report_raises(store: OxigraphStore) -> None:
    with pytest.raises(EntityNotFound, match="no report"):
        delete_report("nope", store=store, base_iri=BASE)


def test_pipeline_rejects_unusable_id(extractor: Extractor, store: OxigraphStore) -> None:
    bad = Report(id="a b", text="Hamas attacked Israel.")
    with pytest.raises(InputError):
        ingest_report(bad, extractor=extractor, store=store, base_iri=BASE, now=NOW)
    assert len(store.named_graphs()) == 1  # only the ontology


def test_pipeline_list_reports_counts(extractor: Extractor, store: OxigraphStore) -> None:
    ingest_report(REPORT_A, extractor=extractor, store=store, base_iri=BASE, now=NOW)
    [row] = list_reports(store, base_iri=BASE)
    assert row["id"] == "report-a"
    assert row["sentences"] == 2
    assert row["published"] == "2024-05-06"
    assert row["quads"] > 50
