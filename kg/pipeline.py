"""The one place that chains the stages: text -> Doc -> extraction -> RDF -> store.

(Interface fixed first; bodies are being written.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.models import Extraction, Report
from kg.store.base import Store

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What ingesting one report did.

    Attributes:
        doc_id: The report id.
        sentences: Sentences read.
        relations: Open relations extracted.
        events: Typed events extracted.
        quads: Quads now stored for the report.
        unchanged: True when the same report (same text, metadata and extractor) was already
            stored, so nothing was written.
    """

    doc_id: str
    sentences: int
    relations: int
    events: int
    quads: int
    unchanged: bool


class Extractor:
    """Holds the loaded spaCy pipeline and the gazetteer; turns reports into extractions."""

    def __init__(self, *, nlp: Language, gazetteer: Any) -> None:
        self.nlp = nlp
        self.gazetteer = gazetteer

    @classmethod
    def load(cls, *, model: str, patterns_dir: Path | None = None) -> Extractor:
        """Load the spaCy model and gazetteer. Raises PipelineError with the install command."""
        raise NotImplementedError

    def extract(self, report: Report) -> Extraction:
        """Run every extraction stage on a report (no I/O)."""
        raise NotImplementedError

    def extract_sentences(self, sentences: list[str], *, doc_id: str = "stdin") -> list[Extraction]:
        """Extract from independent one-line sentences (``kg extract --per-line``)."""
        raise NotImplementedError


def relation_records(extraction: Extraction, *, base_iri: str) -> list[dict[str, Any]]:
    """The ``kg extract`` JSON objects of an extraction (one per relation)."""
    raise NotImplementedError


def ingest_report(
    report: Report, *, extractor: Extractor, store: Store, base_iri: str, now: dt.datetime
) -> IngestResult:
    """Extract a report and atomically replace its graphs in the store."""
    raise NotImplementedError


def delete_report(doc_id: str, *, store: Store, base_iri: str) -> int:
    """Remove a report and everything derived only from it; return quads removed.

    Raises:
        EntityNotFound: No report with that id is stored.
    """
    raise NotImplementedError


def ensure_ontology(store: Store, *, base_iri: str, ontology_path: Path | None = None) -> None:
    """Load the ontology into its graph if it is missing or changed."""
    raise NotImplementedError


def list_reports(store: Store, *, base_iri: str) -> list[dict[str, Any]]:
    """Stored reports: id, title, published, url, sentences, quads."""
    raise NotImplementedError
