"""Models -> RDF (pure): one named graph per sentence, plus per-report entity and provenance graphs.

Graphs of report ``D`` (all IRIs deterministic):
- ``graph/D-s<n>``: the events, open-relation statements, direct relation edges and mention
  phrases read from sentence ``n``;
- ``graph/D-entities``: the entities the report mentions (labels, aliases, types, Wikidata links,
  role titles) and the open-relation properties it uses;
- ``graph/D-provenance``: the report (``schema:NewsArticle`` + ``nif:Context`` with the text),
  its sentences (``nif:Sentence`` with offsets), the run (``prov:Activity``) and, for each
  sentence graph, ``prov:wasDerivedFrom`` its sentence and ``ck:confidence``.
Keeping every graph per report makes re-ingesting and deleting a report exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg import ids
from kg.models import Entity, Event, Extraction, Relation
from kg.ontology import CK, ITSRDF, NIF, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from kg.store.base import Quad

EXTRACTOR_NAME = "conflict-kg"


def report_graph_iris(base: str, doc_id: str, sentence_count: int) -> list[str]:
    """Every graph IRI a report of ``sentence_count`` sentences may own."""
    graphs = [ids.sentence_graph_iri(base, doc_id, n) for n in range(sentence_count)]
    graphs += [
        ids.doc_graph_iri(base, doc_id, "entities"),
        ids.doc_graph_iri(base, doc_id, "provenance"),
    ]
    return graphs


def _dec(value: float) -> Literal:
    return Literal(Decimal(str(round(value, 3))), datatype=XSD.decimal)


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


class _Builder:
    def __init__(self, extraction: Extraction, base: str, now: dt.datetime) -> None:
        self.x = extraction
        self.base = base
        self.now = now
        self.doc_id = extraction.report.id
        self.ds = Dataset()
        self.doc = URIRef(ids.mint_doc_iri(base, self.doc_id))
        self.prov = self.ds.graph(URIRef(ids.doc_graph_iri(base, self.doc_id, "provenance")))
        self.ents = self.ds.graph(URIRef(ids.doc_graph_iri(base, self.doc_id, "entities")))
        digest = extraction.run_digest or "0" * 12
        self.run = URIRef(ids.mint_run_iri(base, self.doc_id, digest))

    def ent(self, key: str) -> URIRef:
        return URIRef(ids.mint_entity_iri(self.base, key))

    def event_iri(self, sentence: int, number: int) -> URIRef:
        return URIRef(ids.mint_event_iri(self.base, self.doc_id, sentence, number))

    def phrase(
        self, graph: Graph, start: int, end: int, ident: URIRef | None, kind: str | None = None
    ) -> URIRef:
        iri = URIRef(ids.mint_sentence_iri(self.base, self.doc_id, start, end))
        graph.add((iri, RDF.type, NIF.Phrase))
        graph.add((iri, NIF.beginIndex, _int(start)))
        graph.add((iri, NIF.endIndex, _int(end)))
        graph.add((iri, NIF.anchorOf, Literal(self.x.report.text[start:end])))
        graph.add((iri, NIF.referenceContext, self.doc))
        if ident is not None:
            graph.add((iri, ITSRDF.taIdentRef, ident))
        if kind:
            graph.add((iri, CK.mentionType, Literal(kind)))
        return iri

    def build(self) -> Dataset:
        self._provenance()
        self._entities()
        per_sentence: dict[int, list[float]] = {}
        for mention in self.x.mentions:
            g = self._sentence_graph(mention.sentence_index)
            phrase = self.phrase(
                g, mention.start, mention.end, self.ent(mention.entity_key), mention.kind
            )
            g.add((self.ent(mention.entity_key), CK.mentionedIn, phrase))
        for event in self.x.events:
            self._event(event)
            per_sentence.setdefault(event.sentence_index, []).append(event.confidence)
        numbers: dict[int, int] = {}
        for relation in self.x.relations:
            numbers[relation.sentence_index] = numbers.get(relation.sentence_index, 0) + 1
            self._relation(relation, numbers[relation.sentence_index])
            per_sentence.setdefault(relation.sentence_index, []).append(relation.confidence)
        for sentence in self.x.sentences:
            graph_iri = URIRef(ids.sentence_graph_iri(self.base, self.doc_id, sentence.index))
            if len(self.ds.graph(graph_iri)) == 0:
                self.ds.remove_graph(self.ds.graph(graph_iri))
                continue
            scores = per_sentence.get(sentence.index) or [0.5]
            sent_iri = URIRef(
                ids.mint_sentence_iri(self.base, self.doc_id, sentence.start, sentence.end)
            )
            self.prov.add((graph_iri, RDF.type, PROV.Entity))
            self.prov.add((graph_iri, PROV.wasDerivedFrom, sent_iri))
            self.prov.add((graph_iri, PROV.wasGeneratedBy, self.run))
            self.prov.add((graph_iri, CK.confidence, _dec(sum(scores) / len(scores))))
        return self.ds

    def _sentence_graph(self, index: int) -> Graph:
        return self.ds.graph(URIRef(ids.sentence_graph_iri(self.base, self.doc_id, index)))

    def _provenance(self) -> None:
        report = self.x.report
        g = self.prov
        g.add((self.doc, RDF.type, SCHEMA.NewsArticle))
        g.add((self.doc, RDF.type, NIF.Context))
        g.add((self.doc, NIF.isString, Literal(report.text)))
        g.add((self.doc, NIF.beginIndex, _int(0)))
        g.add((self.doc, NIF.endIndex, _int(len(report.text))))
        g.add((self.doc, SCHEMA.identifier, Literal(report.id)))
        if report.title:
            g.add((self.doc, SCHEMA.headline, Literal(report.title)))
        if report.published:
            g.add(
                (
                    self.doc,
                    SCHEMA.datePublished,
                    Literal(report.published.isoformat(), datatype=XSD.date),
                )
            )
        if report.url:
            g.add(
                (
                    self.doc,
                    SCHEMA.url,
                    URIRef(report.url) if "://" in report.url else Literal(report.url),
                )
            )
        for sentence in self.x.sentences:
            s = URIRef(ids.mint_sentence_iri(self.base, self.doc_id, sentence.start, sentence.end))
            g.add((s, RDF.type, NIF.Sentence))
            g.add((s, NIF.beginIndex, _int(sentence.start)))
            g.add((s, NIF.endIndex, _int(sentence.end)))
            g.add((s, NIF.anchorOf, Literal(sentence.text)))
            g.add((s, NIF.referenceContext, self.doc))
            g.add((s, CK.sentenceIndex, Literal(sentence.index, datatype=XSD.integer)))
        agent = URIRef(f"{self.base}agent/{EXTRACTOR_NAME}-{self.x.extractor_version}")
        g.add((self.run, RDF.type, PROV.Activity))
        g.add((self.run, PROV.startedAtTime, Literal(self.now.isoformat(), datatype=XSD.dateTime)))
        g.add((self.run, PROV.used, self.doc))
        g.add((self.run, PROV.wasAssociatedWith, agent))
        g.add((self.run, CK.contentDigest, Literal(self.x.run_digest)))
        g.add((agent, RDF.type, PROV.SoftwareAgent))
        g.add((agent, RDFS.label, Literal(f"{EXTRACTOR_NAME} {self.x.extractor_version}")))
        g.add((agent, SCHEMA.softwareVersion, Literal(self.x.extractor_version)))
        if self.x.model:
            g.add((agent, CK.spacyModel, Literal(self.x.model)))
        ents_iri = URIRef(ids.doc_graph_iri(self.base, self.doc_id, "entities"))
        g.add((ents_iri, RDF.type, PROV.Entity))
        g.add((ents_iri, PROV.wasDerivedFrom, self.doc))
        g.add((ents_iri, PROV.wasGeneratedBy, self.run))

    def _entities(self) -> None:
        g = self.ents
        for entity in self.x.entities:
            self._entity(g, entity)
        seen: set[str] = set()
        for relation in self.x.relations:
            prop = ids.mint_relation_iri(self.base, relation.lemma)
            if prop in seen:
                continue
            seen.add(prop)
            p = URIRef(prop)
            g.add((p, RDF.type, OWL.ObjectProperty))
            g.add((p, RDF.type, CK.OpenRelation))
            g.add((p, RDFS.label, Literal(relation.lemma)))
            g.add((p, RDFS.subPropertyOf, CK.relatedTo))

    def _entity(self, g: Graph, entity: Entity) -> None:
        iri = self.ent(entity.key)
        for cls in entity.types:
            g.add((iri, RDF.type, CK[cls]))
        g.add((iri, RDFS.label, Literal(entity.label)))
        for alias in entity.aliases:
            g.add((iri, SKOS.altLabel, Literal(alias)))
        for same in entity.same_as:
            g.add((iri, OWL.sameAs, URIRef(same)))
        for title in entity.role_titles:
            g.add((iri, CK.roleTitle, Literal(title)))
        if entity.country and entity.country != entity.key:
            g.add((iri, CK.country, self.ent(entity.country)))
        if entity.member_of:
            g.add((iri, CK.memberOf, self.ent(entity.member_of)))
        if entity.cameo_code:
            g.add((iri, CK.cameoActorCode, Literal(entity.cameo_code)))

    def _event(self, event: Event) -> None:
        g = self._sentence_graph(event.sentence_index)
        iri = self.event_iri(event.sentence_index, event.number)
        g.add((iri, RDF.type, CK[event.event_class]))
        for role, key in event.roles:
            g.add((iri, CK[role], self.ent(key)))
        g.add((iri, CK.modality, CK[event.modality.value]))
        g.add((iri, CK.confidence, _dec(event.confidence)))
        g.add((iri, CK.trigger, Literal(event.trigger)))
        if event.cameo:
            g.add((iri, CK.cameoCode, Literal(event.cameo)))
        if event.plover:
            g.add((iri, CK.ploverType, Literal(event.plover)))
        if event.start_date:
            g.add((iri, CK.startDate, Literal(event.start_date, datatype=XSD.date)))
        if event.end_date:
            g.add((iri, CK.endDate, Literal(event.end_date, datatype=XSD.date)))
        if event.time_precision:
            g.add((iri, CK.timePrecision, Literal(event.time_precision)))
        s = event.sentence_index
        if event.about is not None:
            g.add((iri, CK.about, self.event_iri(s, event.about)))
        for number in event.provisions:
            g.add((iri, CK.hasProvision, self.event_iri(s, number)))
        if event.in_exchange_for is not None:
            g.add((iri, CK.inExchangeFor, self.event_iri(s, event.in_exchange_for)))
        if event.part_of is not None:
            g.add((iri, CK.partOf, self.event_iri(s, event.part_of)))
        if event.coreferent_with is not None:
            g.add((iri, CK.coreferentWith, self.event_iri(*event.coreferent_with)))
        phrase = self.phrase(g, event.start, event.end, iri)
        g.add((iri, CK.mentionedIn, phrase))

    def _relation(self, relation: Relation, number: int) -> None:
        g = self._sentence_graph(relation.sentence_index)
        iri = URIRef(
            ids.mint_statement_iri(self.base, self.doc_id, relation.sentence_index, number)
        )
        prop = URIRef(ids.mint_relation_iri(self.base, relation.lemma))
        subj: Node = (
            self.ent(relation.subject.entity_key)
            if relation.subject.entity_key
            else Literal(relation.subject.text)
        )
        obj: Node | None = None
        if relation.object is not None:
            obj = (
                self.ent(relation.object.entity_key)
                if relation.object.entity_key
                else Literal(relation.object.text)
            )
        g.add((iri, RDF.type, RDF.Statement))
        g.add((iri, RDF.subject, subj))
        g.add((iri, RDF.predicate, prop))
        g.add((iri, RDF.object, obj if obj is not None else Literal("")))
        g.add((iri, CK.relationText, Literal(relation.relation)))
        g.add((iri, CK.subjectText, Literal(relation.subject.text)))
        if relation.object is not None:
            g.add((iri, CK.objectText, Literal(relation.object.text)))
        for arg in relation.extra_args:
            g.add((iri, CK.extraArgument, Literal(arg.text)))
        g.add((iri, CK.modality, CK[relation.modality.value]))
        g.add((iri, CK.confidence, _dec(relation.confidence)))
        g.add((iri, CK.extractionRule, Literal(relation.rule)))
        g.add((iri, CK.mentionedIn, self.phrase(g, relation.start, relation.end, iri)))
        if isinstance(subj, URIRef) and isinstance(obj, URIRef) and subj != obj:
            g.add((subj, prop, obj))


def build_dataset(extraction: Extraction, *, base_iri: str, now: dt.datetime) -> Dataset:
    """The RDF of one report's extraction, as an rdflib Dataset of named graphs.

    Args:
        extraction: What was read from the report.
        base_iri: Base of instance IRIs.
        now: Time of the run (recorded as ``prov:startedAtTime``).

    Returns:
        The dataset (no triples in its default graph).
    """
    return _Builder(extraction, base_iri, now).build()


def term_nt(term: Node) -> str:
    """An rdflib term as an N-Triples term string."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype and str(term.datatype) != str(XSD.string):
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    raise ValueError(f"blank nodes are not used in conflict-kg graphs: {term!r}")


def dataset_quads(ds: Dataset) -> list[Quad]:
    """The quads of a dataset as store quads (N-Triples terms), sorted."""
    out: list[Quad] = []
    for s, p, o, g in ds.quads((None, None, None, None)):
        graph = None if g is None else str(g.identifier if hasattr(g, "identifier") else g)
        if graph is not None and graph.startswith("urn:x-rdflib:default"):
            graph = None
        out.append(Quad(term_nt(s), term_nt(p), term_nt(o), graph))
    return sorted(set(out), key=lambda q: (q.graph or "", q.subject, q.predicate, q.object))


def emitted_terms(quads: Iterable[Quad]) -> set[str]:
    """Every ``ck:`` IRI used in quads (for the ontology check)."""
    prefix = str(CK)
    found: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object):
            if term.startswith(f"<{prefix}"):
                found.add(term[1:-1])
    return found
