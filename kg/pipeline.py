"""The one place that chains the stages: text -> Doc -> extraction -> RDF -> store."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__, ids
from kg.errors import EntityNotFound, ExtractionError, InputError
from kg.extract.events import extract_events
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.mentions import find_mentions
from kg.extract.name_spans import build_name_matcher
from kg.extract.relations import extract_relations
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.models import Argument, Extraction, Report, Sentence
from kg.nlp import load_pipeline, model_label
from kg.rdf import build_quads
from kg.resolve import entity_from_entry, resolve_mentions
from kg.store.base import Quad, Store
from kg.text_limits import check_sentence_chars, check_sentence_tokens

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

PROV = "http://www.w3.org/ns/prov#"
CK = "https://w3id.org/conflict-kg/ontology#"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What ingesting one report did.

    Attributes:
        doc_id: The report id.
        sentences: Sentences read.
        relations: Open relations extracted.
        events: Typed events extracted.
        quads: Quads written for the report.
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
    """Holds the loaded spaCy pipeline, gazetteer and lexicon; turns reports into extractions.

    Args:
        nlp: A loaded spaCy pipeline with a parser and NER.
        gazetteer: The entity gazetteer.
        lexicon: Extraction word lists (defaults to the packaged ones).
    """

    def __init__(self, *, nlp: Language, gazetteer: Gazetteer, lexicon: Lexicon | None = None):
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.lexicon = lexicon or load_lexicon()
        self._matcher: PhraseMatcher | None = None
        self._capitals: dict[str, str] | None = None
        self.model = model_label(nlp)

    @classmethod
    def load(cls, *, model: str, patterns_dir: Path | None = None) -> Extractor:
        """Load the spaCy model, gazetteer and lexicon.

        Raises:
            PipelineError: The model is missing (the message gives the install command) or the
                pattern data is malformed.
        """
        gaz_path = patterns_dir / "gazetteer.jsonl" if patterns_dir else None
        return cls(
            nlp=load_pipeline(model),
            gazetteer=load_gazetteer(gaz_path),
            lexicon=load_lexicon(patterns_dir),
        )

    @property
    def capitals(self) -> dict[str, str]:
        """Capital city key -> state key, from the gazetteer."""
        if self._capitals is None:
            self._capitals = {
                entry.capital: entry.key
                for entry in self.gazetteer
                if entry.capital and "State" in entry.types
            }
        return self._capitals

    @property
    def matcher(self) -> PhraseMatcher:
        """The gazetteer name matcher (built on first use)."""
        if self._matcher is None:
            self._matcher = build_name_matcher(self.nlp, self.gazetteer)
        return self._matcher

    def digest(self, report: Report) -> str:
        """Content hash of a report and the extractor that reads it."""
        payload = json.dumps(
            [
                report.id,
                report.text,
                report.title,
                str(report.published),
                report.url,
                __version__,
                self.model,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def extract(self, report: Report) -> Extraction:
        """Run every extraction stage on a report (no I/O).

        Raises:
            InputError: A sentence is too long to extract from in reasonable time.
            ExtractionError: The report could not be processed.
        """
        check_sentence_chars(report)
        try:
            doc = self.nlp(report.text)
        except (ValueError, RuntimeError) as exc:
            raise ExtractionError(f"report {report.id!r}: spaCy failed: {exc}") from exc
        return self.extract_doc(report, doc)

    def extract_doc(self, report: Report, doc: Doc) -> Extraction:
        """Run the extraction stages on an already parsed report.

        Raises:
            InputError: A sentence is too long to extract from in reasonable time.
        """
        check_sentence_tokens(report, (len(sent) for sent in doc.sents))
        sentences = _sentences(doc)
        candidates = find_mentions(
            doc, matcher=self.matcher, gazetteer=self.gazetteer, lexicon=self.lexicon
        )
        resolution = resolve_mentions(
            candidates,
            gazetteer=self.gazetteer,
            military_nouns=self.lexicon.military_nouns,
            definite_groups=self.lexicon.definite_groups,
        )
        capitals = self.capitals
        entities = dict(resolution.entities)
        for key in list(entities):
            state = capitals.get(key)
            entry = self.gazetteer.get(state) if state else None
            if state and entry is not None and state not in entities:
                entities[state] = entity_from_entry(entry)
        events = extract_events(
            doc,
            token_entity=resolution.token_entity,
            entities=entities,
            lexicon=self.lexicon,
            published=report.published,
            capitals=capitals,
        )
        titles: dict[int, list[tuple[Argument, str]]] = {}
        for mention in resolution.mentions:
            if mention.role_title:
                arg = Argument(mention.text, mention.start, mention.end, mention.entity_key)
                for title in mention.role_title.split("|"):
                    titles.setdefault(mention.sentence_index, []).append((arg, title))
        relations = []
        for index, sent in enumerate(doc.sents):
            relations.extend(
                extract_relations(
                    sent,
                    index,
                    token_entity=resolution.token_entity,
                    lexicon=self.lexicon,
                    titles=titles.get(index),
                )
            )
        used = {m.entity_key for m in resolution.mentions}
        for event in events:
            used.update(key for _role, key in event.roles)
        for key in list(used):
            entity = entities.get(key)
            if entity is not None:
                used.update(k for k in (entity.country, entity.member_of) if k)
        return Extraction(
            report=report,
            sentences=tuple(sentences),
            mentions=resolution.mentions,
            entities=tuple(entities[k] for k in sorted(used) if k in entities),
            relations=tuple(relations),
            events=tuple(events),
            extractor="conflict-kg",
            extractor_version=__version__,
            model=self.model,
            run_digest=self.digest(report),
        )

    def extract_sentences(
        self, sentences: Sequence[str], *, doc_id: str = "stdin", published: dt.date | None = None
    ) -> list[Extraction]:
        """Extract from independent one-line sentences (``kg extract --per-line``)."""
        out: list[Extraction] = []
        for n, (text, doc) in enumerate(
            zip(sentences, self.nlp.pipe(sentences, batch_size=64), strict=True)
        ):
            report = Report(id=f"{doc_id}-{n}", text=text, published=published)
            out.append(self.extract_doc(report, doc))
        return out


def _sentences(doc: Doc) -> list[Sentence]:
    out: list[Sentence] = []
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space]
        if not tokens:
            continue
        start = tokens[0].idx
        end = tokens[-1].idx + len(tokens[-1].text)
        out.append(Sentence(index=len(out), start=start, end=end, text=doc.text[start:end]))
    return out


def relation_records(
    extraction: Extraction, *, base_iri: str, per_line: bool = False
) -> list[dict[str, Any]]:
    """The ``kg extract`` JSON objects of an extraction (one per relation).

    Args:
        extraction: The extraction.
        base_iri: Base of entity IRIs.
        per_line: The report is one input line: echo it whole as ``sentence``.
    """
    records: list[dict[str, Any]] = []
    sentences = {s.index: s for s in extraction.sentences}
    for rel in extraction.relations:
        sentence = sentences.get(rel.sentence_index)
        event = next(
            (
                e
                for e in extraction.events
                if e.sentence_index == rel.sentence_index
                and rel.subject.end <= e.start
                and (
                    rel.object is None
                    or e.end <= max(rel.object.start, rel.subject.end) + 1
                    or e.start < rel.object.start
                )
                and rel.start <= e.start < rel.end
            ),
            None,
        )
        records.append(
            {
                "doc_id": extraction.report.id,
                "sentence": extraction.report.text
                if per_line
                else (sentence.text if sentence else ""),
                "sentence_index": rel.sentence_index,
                "subject": rel.subject.text,
                "relation": rel.relation,
                "object": rel.object.text if rel.object else None,
                "extra_args": [a.text for a in rel.extra_args],
                "confidence": rel.confidence,
                "modality": rel.modality.label,
                "subject_iri": ids.mint_entity_iri(base_iri, rel.subject.entity_key)
                if rel.subject.entity_key
                else None,
                "object_iri": ids.mint_entity_iri(base_iri, rel.object.entity_key)
                if rel.object and rel.object.entity_key
                else None,
                "event_type": event.event_class if event else None,
                "cameo": event.cameo if event else None,
                "rule": rel.rule,
                "start": rel.start,
                "end": rel.end,
            }
        )
    return records


def _report_graphs(store: Store, base_iri: str, doc_id: str) -> list[str]:
    prov = ids.doc_graph_iri(base_iri, doc_id, "provenance")
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH <{prov}> {{ ?g <{PROV}wasGeneratedBy> ?run }} }}"
    )
    graphs = {row["g"].value for row in rows if "g" in row}
    if prov in store.named_graphs() or graphs:
        graphs.add(prov)
    return sorted(graphs)


def ingest_report(
    report: Report,
    *,
    extractor: Extractor,
    store: Store,
    base_iri: str,
    now: dt.datetime,
    extraction: Extraction | None = None,
) -> IngestResult:
    """Extract a report and atomically replace its graphs in the store.

    Re-ingesting an unchanged report (same text, metadata and extractor) writes nothing.
    ``extraction`` is the report's extraction when it was already made (``kg.parallel``).

    Raises:
        InputError: The report id cannot be used in IRIs.
        StoreError: The write failed (the store is unchanged).
    """
    if not ids.is_valid_doc_id(report.id):
        raise InputError(
            f"report id {report.id!r} is not usable; use letters, digits, . _ -", path=report.source
        )
    digest = extractor.digest(report)
    run = ids.mint_run_iri(base_iri, report.id, digest)
    prov = ids.doc_graph_iri(base_iri, report.id, "provenance")
    if store.ask(f'ASK {{ GRAPH <{prov}> {{ <{run}> <{CK}contentDigest> "{digest}" }} }}'):
        counts = store.select(
            f"SELECT (COUNT(?s) AS ?n) WHERE {{ GRAPH <{prov}> {{ ?s a <http://persistence.uni-"
            "leipzig.org/nlp2rdf/ontologies/nif-core#Sentence> } }"
        )
        n = int(counts[0]["n"].value) if counts and "n" in counts[0] else 0
        return IngestResult(report.id, n, 0, 0, 0, unchanged=True)
    if extraction is None:
        extraction = extractor.extract(report)
    quads = build_quads(extraction, base_iri=base_iri, now=now)
    remove = _report_graphs(store, base_iri, report.id)
    store.replace_graphs(remove=remove, quads=quads)
    return IngestResult(
        doc_id=report.id,
        sentences=len(extraction.sentences),
        relations=len(extraction.relations),
        events=len(extraction.events),
        quads=len(quads),
        unchanged=False,
    )


def delete_report(doc_id: str, *, store: Store, base_iri: str) -> int:
    """Remove a report and everything derived only from it; return quads removed.

    Raises:
        EntityNotFound: No report with that id is stored.
    """
    graphs = _report_graphs(store, base_iri, doc_id)
    if not graphs:
        raise EntityNotFound(f"no report with id {doc_id!r} is stored; `kg stats` lists them")
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    removed = int(rows[0]["n"].value) if rows and "n" in rows[0] else 0
    store.replace_graphs(remove=graphs, quads=[])
    return removed


def ensure_ontology(store: Store, *, base_iri: str, ontology_path: Path | None = None) -> None:
    """Load the ontology into its graph when it is missing or differs from the file."""
    from kg.ontology import load_ontology

    graph_iri = ids.ontology_graph_iri(base_iri)
    ontology = load_ontology(ontology_path)
    quads = [Quad(_term_nt(s), _term_nt(p), _term_nt(o), graph_iri) for s, p, o in ontology]
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
    stored = int(rows[0]["n"].value) if rows and "n" in rows[0] else 0
    if stored == len(quads):
        return
    store.replace_graphs(remove=[graph_iri], quads=quads)


def _term_nt(term: Any) -> str:
    from kg.rdf import term_nt

    return term_nt(term)


def list_reports(store: Store, *, base_iri: str) -> list[dict[str, Any]]:
    """Stored reports: id, title, published, url, sentences, quads."""
    rows = store.select(
        "PREFIX schema: <https://schema.org/> "
        "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> "
        "SELECT ?doc ?id ?title ?published ?url (COUNT(DISTINCT ?s) AS ?sentences) WHERE { "
        "GRAPH ?g { ?doc a schema:NewsArticle ; schema:identifier ?id . "
        "OPTIONAL { ?doc schema:headline ?title } "
        "OPTIONAL { ?doc schema:datePublished ?published } "
        "OPTIONAL { ?doc schema:url ?url } "
        "OPTIONAL { ?s nif:referenceContext ?doc ; a nif:Sentence } } "
        "} GROUP BY ?doc ?id ?title ?published ?url ORDER BY ?id"
    )
    out: list[dict[str, Any]] = []
    for row in rows:
        doc_id = row["id"].value
        graphs = _report_graphs(store, base_iri, doc_id)
        values = " ".join(f"<{g}>" for g in graphs)
        count = store.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        out.append(
            {
                "id": doc_id,
                "iri": row["doc"].value,
                "title": row["title"].value if "title" in row else None,
                "published": row["published"].value if "published" in row else None,
                "url": row["url"].value if "url" in row else None,
                "sentences": int(row["sentences"].value) if "sentences" in row else 0,
                "quads": int(count[0]["n"].value) if count and "n" in count[0] else 0,
            }
        )
    return out
