"""Hostile report text is ingested (store consistent) or refused cleanly (store unchanged)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.backup import parse_nquads, restore_quads
from kg.errors import InputError
from kg.ids import DEFAULT_BASE_IRI
from kg.models import Report
from kg.pipeline import ensure_ontology, ingest_report, list_reports
from kg.store.oxigraph_store import OxigraphStore
from tests.reliability.helpers import quad_set, run_kg

if TYPE_CHECKING:
    from kg.pipeline import Extractor

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SENTENCE = "Hamas said it was studying an Egyptian ceasefire proposal. Israel rejected it."
HOSTILE = {
    "control": "Hamas\x07 said\x1b[31m it was\x0b studying\x0c an Egyptian\x01 ceasefire\x7f "
    "proposal.\u200b\u2028Israel\u0085 rejected it.\r\n\ttabs\x1f.",
    "rtl": "\u202eHamas said \u05d7\u05de\u05d0\u05e1 \u0642\u0627\u0644\u062a \u062d\u0645\u0627"
    "\u0633 it was studying an Egyptian ceasefire proposal.\u202c Israel rejected it \u200f.",
    "emoji": "Hamas 🚀💥 said it was studying an Egyptian 🇪🇬 ceasefire proposal 👨‍👩‍👧. "
    "Israel rejected it 😡.",
    "html": "<html><script>alert('x')</script><p>Hamas said it was <b>studying</b> an "
    'Egyptian ceasefire proposal &amp; Israel rejected it.</p><!-- --> ]]> "q" \\ </html>',
    "combining": "Hamas said it was studying an Egyptian ceasefire pro\u0301\u0302\u0303posal "
    "\ufffd\U0010fffd. Israel rejected it.",
}
LONG_SENTENCE = "Israeli forces " + "struck targets and " * 52_632 + "withdrew."


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_is_ingested_consistently(
    kind: str, memory_store: OxigraphStore, extractor: Extractor
) -> None:
    ensure_ontology(memory_store, base_iri=DEFAULT_BASE_IRI)
    report = Report(id=f"hostile-{kind}", text=HOSTILE[kind], source=f"{kind}.txt")
    result = ingest_report(
        report, extractor=extractor, store=memory_store, base_iri=DEFAULT_BASE_IRI, now=NOW
    )
    assert result.sentences >= 1 and result.quads > 0
    listed = list_reports(memory_store, base_iri=DEFAULT_BASE_IRI)
    assert [d["id"] for d in listed] == [report.id]
    # The store dumps and restores to the same quads (escaping holds).
    copy = OxigraphStore(":memory:")
    restore_quads(copy, parse_nquads(memory_store.dump("nquads"), source="dump"), replace=False)
    assert set(copy.quads()) == set(memory_store.quads())
    copy.close()
    again = ingest_report(
        report, extractor=extractor, store=memory_store, base_iri=DEFAULT_BASE_IRI, now=NOW
    )
    assert again.unchanged


def test_hostile_text_long_sentence_is_refused_before_parsing(
    memory_store: OxigraphStore, extractor: Extractor
) -> None:
    assert len(LONG_SENTENCE) >= 1_000_000
    report = Report(id="long", text=LONG_SENTENCE, source="long.txt")
    with pytest.raises(InputError, match=r"^long\.txt: .*more than 20,000 characters"):
        ingest_report(
            report, extractor=extractor, store=memory_store, base_iri=DEFAULT_BASE_IRI, now=NOW
        )
    assert len(memory_store) == 0


def test_hostile_text_many_token_sentence_is_refused(extractor: Extractor) -> None:
    text = "Forces " + "hit, " * 2_500 + "then left."
    with pytest.raises(InputError, match="tokens, more than the limit"):
        extractor.extract(Report(id="many", text=text, source="many.txt"))


@pytest.mark.slow
def test_hostile_text_cli_ingests_or_refuses_with_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for kind, text in HOSTILE.items():
        (tmp_path / f"{kind}.txt").write_text(text, encoding="utf-8")
    ok = run_kg("ingest", *(str(tmp_path / f"{k}.txt") for k in HOSTILE), "--store", str(store))
    assert ok.returncode == 0, ok.stderr
    before = quad_set(store, ignore_run_times=False)

    long_file = tmp_path / "long.txt"
    long_file.write_text(LONG_SENTENCE, encoding="utf-8")
    refused = run_kg("ingest", str(long_file), "--store", str(store), timeout=120)
    assert refused.returncode == 1
    assert refused.stderr.strip().startswith(f"error: {long_file}: ")
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr
    assert quad_set(store, ignore_run_times=False) == before
