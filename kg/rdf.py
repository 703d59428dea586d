"""Models -> RDF (pure): one named graph per sentence, plus per-report entity and provenance graphs.

Graphs of report ``D`` (all IRIs deterministic, no blank nodes):
- ``graph/D-s<n>``: the events, open-relation statements, direct relation edges and mention
  phrases read from sentence ``n``;
- ``graph/D-entities``: the entities the report mentions (labels, aliases, types, Wikidata links,
  role titles) and the open-relation properties it uses;
- ``graph/D-provenance``: the report (``schema:NewsArticle`` + ``nif:Context`` with the text),
  its sentences (``nif:Sentence`` with offsets), the run (``prov:Activity``) and, for each
  sentence graph, ``prov:wasDerivedFrom`` its sentence and ``ck:confidence``.
Keeping every graph per report makes re-ingesting and deleting a report exact.

Quads are built directly as N-Triples term strings (the store's input), which is several times
faster than going through an rdflib store; :func:`build_dataset` gives the same quads as an
rdflib ``Dataset`` for validation and serialisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from kg import ids
from kg.models import Entity, Event, Extraction, Relation
from kg.store.base import Quad

EXTRACTOR_NAME = "conflict-kg"
CK = "https://w3id.org/conflict-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
SCHEMA = "https://schema.org/"
A = f"<{RDF}type>"


def iri(value: str) -> str:
    """An IRI as an N-Triples term.

    >>> iri("https://example.org/x")
    '<https://example.org/x>'
    """
    return f"<{value}>"


def literal(value: str, datatype: str | None = None) -> str:
    """A literal as an N-Triples term (escaped; plain strings carry no datatype).

    >>> literal('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    >>> literal("3", XSD + "integer")
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'


def _dec(value: float) -> str:
    return literal(f"{round(value, 3):.3f}".rstrip("0").rstrip(".") or "0", XSD + "decimal")


def _int(value: int) -> str:
    return literal(str(value), XSD + "nonNegativeInteger")


class _Builder:
    def __init__(self, extraction: Extraction, base: str, now: dt.datetime) -> None:
        self.x = extraction
        self.base = base
        self.now = now
        self.doc_id = extraction.report.id
        self.out: set[Quad] = set()
        self.doc = iri(ids.mint_doc_iri(base, self.doc_id))
        self.prov = ids.doc_graph_iri(base, self.doc_id, "provenance")
        self.ents = ids.doc_graph_iri(base, self.doc_id, "entities")
        digest = extraction.run_digest or "0" * 12
        self.run = iri(ids.mint_run_iri(base, self.doc_id, digest))
        self.used_graphs: set[int] = set()

    def add(self, graph: str, s: str, p: str, o: str) -> None:
        self.out.add(Quad(s, p, o, graph))

    def ent(self, key: str) -> str:
        return iri(ids.mint_entity_iri(self.base, key))

    def event_iri(self, sentence: int, number: int) -> str:
        return iri(ids.mint_event_iri(self.base, self.doc_id, sentence, number))

    def sentence_graph(self, index: int) -> str:
        self.used_graphs.add(index)
        return ids.sentence_graph_iri(self.base, self.doc_id, index)

    def phrase(self, graph: str, start: int, end: int, ident: str, kind: str | None = None) -> str:
        node = iri(ids.mint_sentence_iri(self.base, self.doc_id, start, end))
        self.add(graph, node, A, iri(NIF + "Phrase"))
        self.add(graph, node, iri(NIF + "beginIndex"), _int(start))
        self.add(graph, node, iri(NIF + "endIndex"), _int(end))
        self.add(graph, node, iri(NIF + "anchorOf"), literal(self.x.report.text[start:end]))
        self.add(graph, node, iri(NIF + "referenceContext"), self.doc)
        self.add(graph, node, iri(ITSRDF + "taIdentRef"), ident)
        if kind:
            self.add(graph, node, iri(CK + "mentionType"), literal(kind))
        return node

    def build(self) -> list[Quad]:
        self._provenance()
        self._entities()
        scores: dict[int, list[float]] = {}
        for mention in self.x.mentions:
            g = self.sentence_graph(mention.sentence_index)
            entity = self.ent(mention.entity_key)
            phrase = self.phrase(g, mention.start, mention.end, entity, mention.kind)
            self.add(g, entity, iri(CK + "mentionedIn"), phrase)
        for event in self.x.events:
            self._event(event)
            scores.setdefault(event.sentence_index, []).append(event.confidence)
        numbers: dict[int, int] = {}
        for relation in self.x.relations:
            numbers[relation.sentence_index] = numbers.get(relation.sentence_index, 0) + 1
            self._relation(relation, numbers[relation.sentence_index])
            scores.setdefault(relation.sentence_index, []).append(relation.confidence)
        for sentence in self.x.sentences:
            if sentence.index not in self.used_graphs:
                continue
            graph = iri(ids.sentence_graph_iri(self.base, self.doc_id, sentence.index))
            sent = iri(ids.mint_sentence_iri(self.base, self.doc_id, sentence.start, sentence.end))
            values = scores.get(sentence.index) or [0.5]
            self.add(self.prov, graph, A, iri(PROV + "Entity"))
            self.add(self.prov, graph, iri(PROV + "wasDerivedFrom"), sent)
            self.add(self.prov, graph, iri(PROV + "wasGeneratedBy"), self.run)
            self.add(self.prov, graph, iri(CK + "confidence"), _dec(sum(values) / len(values)))
        return sorted(self.out, key=lambda q: (q.graph or "", q.subject, q.predicate, q.object))

    def _provenance(self) -> None:
        report, g, doc = self.x.report, self.prov, self.doc
        self.add(g, doc, A, iri(SCHEMA + "NewsArticle"))
        self.add(g, doc, A, iri(NIF + "Context"))
        self.add(g, doc, iri(NIF + "isString"), literal(report.text))
        self.add(g, doc, iri(NIF + "beginIndex"), _int(0))
        self.add(g, doc, iri(NIF + "endIndex"), _int(len(report.text)))
        self.add(g, doc, iri(SCHEMA + "identifier"), literal(report.id))
        if report.title:
            self.add(g, doc, iri(SCHEMA + "headline"), literal(report.title))
        if report.published:
            self.add(
                g,
                doc,
                iri(SCHEMA + "datePublished"),
                literal(report.published.isoformat(), XSD + "date"),
            )
        if report.url:
            url = (
                iri(report.url)
                if "://" in report.url and " " not in report.url
                else (literal(report.url))
            )
            self.add(g, doc, iri(SCHEMA + "url"), url)
        for sentence in self.x.sentences:
            s = iri(ids.mint_sentence_iri(self.base, self.doc_id, sentence.start, sentence.end))
            self.add(g, s, A, iri(NIF + "Sentence"))
            self.add(g, s, iri(NIF + "beginIndex"), _int(sentence.start))
            self.add(g, s, iri(NIF + "endIndex"), _int(sentence.end))
            self.add(g, s, iri(NIF + "anchorOf"), literal(sentence.text))
            self.add(g, s, iri(NIF + "referenceContext"), doc)
            self.add(g, s, iri(CK + "sentenceIndex"), literal(str(sentence.index), XSD + "integer"))
        agent = iri(f"{self.base}agent/{EXTRACTOR_NAME}-{self.x.extractor_version}")
        self.add(g, self.run, A, iri(PROV + "Activity"))
        self.add(
            g,
            self.run,
            iri(PROV + "startedAtTime"),
            literal(self.now.isoformat(), XSD + "dateTime"),
        )
        self.add(g, self.run, iri(PROV + "used"), doc)
        self.add(g, self.run, iri(PROV + "wasAssociatedWith"), agent)
        self.add(g, self.run, iri(CK + "contentDigest"), literal(self.x.run_digest))
        self.add(g, agent, A, iri(PROV + "SoftwareAgent"))
        self.add(
            g, agent, iri(RDFS + "label"), literal(f"{EXTRACTOR_NAME} {self.x.extractor_version}")
        )
        self.add(g, agent, iri(SCHEMA + "softwareVersion"), literal(self.x.extractor_version))
        if self.x.model:
            self.add(g, agent, iri(CK + "spacyModel"), literal(self.x.model))
        ents = iri(self.ents)
        self.add(g, ents, A, iri(PROV + "Entity"))
        self.add(g, ents, iri(PROV + "wasDerivedFrom"), doc)
        self.add(g, ents, iri(PROV + "wasGeneratedBy"), self.run)

    def _entities(self) -> None:
        for entity in self.x.entities:
            self._entity(entity)
        for relation in self.x.relations:
            prop = iri(ids.mint_relation_iri(self.base, relation.lemma))
            self.add(self.ents, prop, A, iri(OWL + "ObjectProperty"))
            self.add(self.ents, prop, A, iri(CK + "OpenRelation"))
            self.add(self.ents, prop, iri(RDFS + "label"), literal(relation.lemma))
            self.add(self.ents, prop, iri(RDFS + "subPropertyOf"), iri(CK + "relatedTo"))

    def _entity(self, entity: Entity) -> None:
        g, node = self.ents, self.ent(entity.key)
        for cls in entity.types:
            self.add(g, node, A, iri(CK + cls))
        self.add(g, node, iri(RDFS + "label"), literal(entity.label))
        for alias in entity.aliases:
            self.add(g, node, iri(SKOS + "altLabel"), literal(alias))
        for same in entity.same_as:
            self.add(g, node, iri(OWL + "sameAs"), iri(same))
        for title in entity.role_titles:
            self.add(g, node, iri(CK + "roleTitle"), literal(title))
        if entity.country and entity.country != entity.key:
            self.add(g, node, iri(CK + "country"), self.ent(entity.country))
        if entity.member_of:
            self.add(g, node, iri(CK + "memberOf"), self.ent(entity.member_of))
        if entity.cameo_code:
            self.add(g, node, iri(CK + "cameoActorCode"), literal(entity.cameo_code))

    def _event(self, event: Event) -> None:
        g = self.sentence_graph(event.sentence_index)
        node = self.event_iri(event.sentence_index, event.number)
        s = event.sentence_index
        self.add(g, node, A, iri(CK + event.event_class))
        for role, key in event.roles:
            self.add(g, node, iri(CK + role), self.ent(key))
        self.add(g, node, iri(CK + "modality"), iri(CK + event.modality.value))
        self.add(g, node, iri(CK + "confidence"), _dec(event.confidence))
        self.add(g, node, iri(CK + "trigger"), literal(event.trigger))
        if event.cameo:
            self.add(g, node, iri(CK + "cameoCode"), literal(event.cameo))
        if event.plover:
            self.add(g, node, iri(CK + "ploverType"), literal(event.plover))
        if event.start_date:
            self.add(g, node, iri(CK + "startDate"), literal(event.start_date, XSD + "date"))
        if event.end_date:
            self.add(g, node, iri(CK + "endDate"), literal(event.end_date, XSD + "date"))
        if event.time_precision:
            self.add(g, node, iri(CK + "timePrecision"), literal(event.time_precision))
        if event.about is not None:
            self.add(g, node, iri(CK + "about"), self.event_iri(s, event.about))
        for number in event.provisions:
            self.add(g, node, iri(CK + "hasProvision"), self.event_iri(s, number))
        if event.in_exchange_for is not None:
            self.add(g, node, iri(CK + "inExchangeFor"), self.event_iri(s, event.in_exchange_for))
        if event.part_of is not None:
            self.add(g, node, iri(CK + "partOf"), self.event_iri(s, event.part_of))
        if event.coreferent_with is not None:
            self.add(g, node, iri(CK + "coreferentWith"), self.event_iri(*event.coreferent_with))
        self.add(g, node, iri(CK + "mentionedIn"), self.phrase(g, event.start, event.end, node))

    def _relation(self, relation: Relation, number: int) -> None:
        g = self.sentence_graph(relation.sentence_index)
        node = iri(ids.mint_statement_iri(self.base, self.doc_id, relation.sentence_index, number))
        prop = iri(ids.mint_relation_iri(self.base, relation.lemma))
        subj_key = relation.subject.entity_key
        subj = self.ent(subj_key) if subj_key else literal(relation.subject.text)
        obj_key = relation.object.entity_key if relation.object else None
        if relation.object is None:
            obj = literal("")
        else:
            obj = self.ent(obj_key) if obj_key else literal(relation.object.text)
        self.add(g, node, A, iri(RDF + "Statement"))
        self.add(g, node, iri(RDF + "subject"), subj)
        self.add(g, node, iri(RDF + "predicate"), prop)
        self.add(g, node, iri(RDF + "object"), obj)
        self.add(g, node, iri(CK + "relationText"), literal(relation.relation))
        self.add(g, node, iri(CK + "subjectText"), literal(relation.subject.text))
        if relation.object is not None:
            self.add(g, node, iri(CK + "objectText"), literal(relation.object.text))
        for arg in relation.extra_args:
            self.add(g, node, iri(CK + "extraArgument"), literal(arg.text))
        self.add(g, node, iri(CK + "modality"), iri(CK + relation.modality.value))
        self.add(g, node, iri(CK + "confidence"), _dec(relation.confidence))
        self.add(g, node, iri(CK + "extractionRule"), literal(relation.rule))
        self.add(
            g, node, iri(CK + "mentionedIn"), self.phrase(g, relation.start, relation.end, node)
        )
        if subj_key and obj_key and subj_key != obj_key:
            self.add(g, subj, prop, obj)


def build_quads(extraction: Extraction, *, base_iri: str, now: dt.datetime) -> list[Quad]:
    """The quads of one report's extraction, sorted, as N-Triples terms.

    Args:
        extraction: What was read from the report.
        base_iri: Base of instance IRIs.
        now: Time of the run (recorded as ``prov:startedAtTime``).

    Returns:
        Every quad of the report's graphs (none in the default graph).
    """
    return _Builder(extraction, base_iri, now).build()


def build_dataset(extraction: Extraction, *, base_iri: str, now: dt.datetime) -> Dataset:
    """The same quads as :func:`build_quads`, as an rdflib Dataset (for validation, export)."""
    by_graph: dict[str, list[str]] = {}
    for q in build_quads(extraction, base_iri=base_iri, now=now):
        by_graph.setdefault(q.graph or "", []).append(f"{q.subject} {q.predicate} {q.object} .\n")
    ds = Dataset()
    for graph, lines in by_graph.items():
        ds.graph(URIRef(graph)).parse(data="".join(lines), format="nt")
    return ds


def term_nt(term: Node) -> str:
    """An rdflib term as an N-Triples term string."""
    if isinstance(term, URIRef):
        return iri(str(term))
    if isinstance(term, Literal):
        if term.language:
            return f"{literal(str(term))}@{term.language}"
        if term.datatype and str(term.datatype) != XSD + "string":
            return literal(str(term), str(term.datatype))
        return literal(str(term))
    raise ValueError(f"blank nodes are not used in conflict-kg graphs: {term!r}")


def dataset_quads(ds: Dataset) -> list[Quad]:
    """The quads of an rdflib dataset as store quads (N-Triples terms), sorted."""
    out: set[Quad] = set()
    for s, p, o, g in ds.quads((None, None, None, None)):
        graph = None if g is None else str(getattr(g, "identifier", g))
        if graph is not None and graph.startswith("urn:x-rdflib:default"):
            graph = None
        out.add(Quad(term_nt(s), term_nt(p), term_nt(o), graph))
    return sorted(out, key=lambda q: (q.graph or "", q.subject, q.predicate, q.object))


def emitted_terms(quads: Iterable[Quad]) -> set[str]:
    """Every ``ck:`` IRI used in quads (for the ontology check)."""
    found: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object):
            if term.startswith(f"<{CK}"):
                found.add(term[1:-1])
    return found
