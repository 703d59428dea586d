"""Tests of the ontology (ontologies/conflict.ttl), the SHACL shapes and kg.ontology."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

import kg.ontology as ontology_module
from kg.errors import OntologyError
from kg.models import ENTITY_TYPES, Modality
from kg.ontology import (
    CK,
    CK_IRI,
    CKSHAPE,
    ITSRDF,
    NIF,
    ONTOLOGY_IRI,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    check_terms,
    load_ontology,
    load_shapes,
    ontology_path,
    ontology_terms,
    shapes_path,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_QUERIES = Path(__file__).resolve().parents[3] / "shared" / "acceptance" / "seed"
NO_SHARED = f"shared acceptance queries not found at {SEED_QUERIES} (not a full workspace checkout)"

ENT = Namespace("https://w3id.org/conflict-kg/id/entity/")
EV = Namespace("https://w3id.org/conflict-kg/id/event/")
REL = Namespace("https://w3id.org/conflict-kg/id/rel/")
DOC = Namespace("https://w3id.org/conflict-kg/id/doc/")
GR = Namespace("https://w3id.org/conflict-kg/id/graph/")
STMT = URIRef("https://w3id.org/conflict-kg/id/stmt/a1-s3-r1")
SENTENCE = DOC["a1-s3"]
PHRASE = DOC["a1-s3-m1"]
RUN = URIRef("https://w3id.org/conflict-kg/id/run/r1")
EXTRACTOR = URIRef("https://w3id.org/conflict-kg/id/agent/conflict-kg")

PLOVER_CATEGORIES = frozenset(
    {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "DEMAND", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
        "ASSAULT",
    }
)  # fmt: skip

# Terms the pipeline emits beyond the design sketch; the RDF stage relies on every one.
PIPELINE_TERMS = (
    "Organization", "OpenRelation", "relatedTo", "relationText", "subjectText", "objectText",
    "extraArgument", "extractionRule", "trigger", "sentenceIndex", "mentionType",
    "contentDigest", "spacyModel", "sector", "ploverMode", "ploverContext", "intensity",
    "fatalities", "injured", "personCount", "mentionedIn", "confidence", "cameoRoot",
    "ploverCategory",
)  # fmt: skip

SENTENCE_TEXT = (
    "Negotiators from Egypt, Qatar, the US, and Hamas are in Cairo considering "
    "a new framework proposed by Egypt."
)

# A hand-built graph of the seed article as ONTOLOGY.md models it: it conforms to the shapes and
# answers the acceptance queries. Loaded as one sentence graph (gr:a1-s3) in the store tests.
SEED_GRAPH = """
@prefix ck: <https://w3id.org/conflict-kg/ontology#> .
@prefix ent: <https://w3id.org/conflict-kg/id/entity/> .
@prefix ev: <https://w3id.org/conflict-kg/id/event/> .
@prefix rel: <https://w3id.org/conflict-kg/id/rel/> .
@prefix doc: <https://w3id.org/conflict-kg/id/doc/> .
@prefix gr: <https://w3id.org/conflict-kg/id/graph/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
@prefix schema: <https://schema.org/> .
@prefix wd: <http://www.wikidata.org/entity/> .

ent:antony-blinken a ck:Person ; rdfs:label "Antony Blinken" ; skos:altLabel "Blinken" ;
    ck:roleTitle "Secretary of State" ; ck:country ent:united-states .
ent:benjamin-netanyahu a ck:Person ; rdfs:label "Benjamin Netanyahu" ; skos:altLabel "Netanyahu" ;
    ck:roleTitle "Prime Minister" ; ck:country ent:israel .
ent:united-states a ck:State , ck:Location ; rdfs:label "United States" ;
    skos:altLabel "US" , "the US" ; owl:sameAs wd:Q30 .
ent:israel a ck:State , ck:Location ; rdfs:label "Israel" ; owl:sameAs wd:Q801 .
ent:egypt a ck:State , ck:Location ; rdfs:label "Egypt" ; owl:sameAs wd:Q79 .
ent:qatar a ck:State , ck:Location ; rdfs:label "Qatar" ; owl:sameAs wd:Q846 .
ent:saudi-arabia a ck:State , ck:Location ; rdfs:label "Saudi Arabia" .
ent:jordan a ck:State , ck:Location ; rdfs:label "Jordan" .
ent:hamas a ck:ArmedGroup ; rdfs:label "Hamas" .
ent:us-officials a ck:GovernmentBody ; rdfs:label "US officials" ; ck:country ent:united-states .
ent:cairo a ck:Location ; rdfs:label "Cairo" ; ck:country ent:egypt .
ent:gaza a ck:Location ; rdfs:label "Gaza" .
ent:rafah a ck:Location ; rdfs:label "Rafah" .

ev:v1 a ck:DiplomaticVisit ; ck:agent ent:antony-blinken ; ck:location ent:israel ;
    ck:modality ck:Asserted ; ck:cameoCode "042" ; ck:confidence 0.9 .
ev:v2 a ck:DiplomaticVisit ; ck:agent ent:antony-blinken ; ck:location ent:saudi-arabia ;
    ck:modality ck:Asserted ; ck:cameoCode "042" ; ck:confidence 0.8 .
ev:v3 a ck:DiplomaticVisit ; ck:agent ent:antony-blinken ; ck:location ent:jordan ;
    ck:modality ck:Asserted ; ck:cameoCode "042" ; ck:confidence 0.8 .
ev:n1 a ck:Negotiation ;
    ck:participant ent:egypt , ent:qatar , ent:united-states , ent:hamas ;
    ck:location ent:cairo ; ck:modality ck:Asserted ; ck:cameoCode "046" ;
    ck:ploverType "CONSULT" ; ck:confidence 0.9 ; ck:trigger "Negotiators" ;
    ck:extractionRule "negotiation-noun" ; ck:startDate "2024-04-30"^^xsd:date ;
    ck:timePrecision "document-date" .
ev:p1 a ck:Proposal ; ck:agent ent:egypt ; ck:partOf ev:n1 ; ck:hasProvision ev:r1 , ev:c1 ;
    ck:modality ck:Asserted ; ck:confidence 0.8 .
ev:r1 a ck:HostageRelease ; ck:agent ent:hamas ; ck:inExchangeFor ev:c1 ;
    ck:modality ck:Proposed ; ck:cameoCode "0841" ; ck:confidence 0.7 .
ev:c1 a ck:Ceasefire ; ck:modality ck:Proposed ; ck:confidence 0.7 .
ev:m1 a ck:Meeting ; ck:participant ent:antony-blinken , ent:benjamin-netanyahu ;
    ck:modality ck:Future ; ck:confidence 0.8 .
ev:t1 a ck:Threat ; ck:agent ent:benjamin-netanyahu ; ck:about ev:o1 ;
    ck:modality ck:Asserted ; ck:cameoCode "138" ; ck:ploverType "THREATEN" ; ck:confidence 0.8 .
ev:o1 a ck:Offensive ; ck:agent ent:israel ; ck:modality ck:Threatened ;
    ck:accordingTo ent:benjamin-netanyahu ; ck:confidence 0.7 .
ev:d1 a ck:Demand ; ck:agent ent:antony-blinken ; ck:about ev:o2 ;
    ck:modality ck:Asserted ; ck:cameoCode "1056" ; ck:confidence "0.8"^^xsd:decimal .
ev:o2 a ck:Offensive ; ck:location ent:rafah ; ck:modality ck:WarnedAgainst ;
    ck:accordingTo ent:antony-blinken ; ck:confidence 0.7 .
ev:s1 a ck:Statement ; ck:agent ent:us-officials ; ck:about ev:o3 ;
    ck:modality ck:Asserted ; ck:confidence 0.8 .
ev:o3 a ck:Offensive ; ck:modality ck:Negated ; ck:accordingTo ent:us-officials ;
    ck:coreferentWith ev:o1 ; ck:confidence 0.6 .
ev:h1 a ck:HumanitarianCrisis ; ck:location ent:gaza ; ck:modality ck:Asserted ;
    ck:confidence 0.7 .
ev:a1 a ck:AidDelivery ; ck:location ent:gaza ; ck:modality ck:Asserted ; ck:confidence 0.7 .
ev:d2 a ck:Demand ; ck:agent ent:united-states ; ck:target ent:hamas ;
    ck:modality ck:Asserted ; ck:confidence 0.8 .
ev:k1 a ck:Attack ; ck:agent ent:hamas ; ck:startDate "2023-10-07"^^xsd:date ;
    ck:timePrecision "day" ; ck:modality ck:Asserted ; ck:confidence 0.9 .

rel:urge a owl:ObjectProperty , ck:OpenRelation ; rdfs:label "urge" ;
    rdfs:subPropertyOf ck:relatedTo .
ent:united-states rel:urge ent:hamas .
<https://w3id.org/conflict-kg/id/stmt/a1-s3-r1> a rdf:Statement ;
    rdf:subject ent:united-states ; rdf:predicate rel:urge ; rdf:object ent:hamas ;
    ck:modality ck:Asserted ; ck:confidence 0.75 ; ck:relationText "is urging" ;
    ck:subjectText "The US" ; ck:objectText "Hamas" ; ck:extraArgument "to accept the deal" ;
    ck:extractionRule "svo" ; ck:mentionedIn doc:a1-s3 .

doc:a1 a nif:Context , schema:NewsArticle ; nif:isString "SENTENCE_TEXT" ;
    schema:headline "Blinken in Israel" ; schema:datePublished "2024-04-30"^^xsd:date .
doc:a1-s3 a nif:Sentence ; nif:beginIndex "0"^^xsd:nonNegativeInteger ;
    nif:endIndex "SENTENCE_END"^^xsd:nonNegativeInteger ; nif:anchorOf "SENTENCE_TEXT" ;
    nif:referenceContext doc:a1 ; ck:sentenceIndex 3 .
doc:a1-s3-m1 a nif:Phrase ; nif:beginIndex 17 ; nif:endIndex 22 ; nif:anchorOf "Egypt" ;
    nif:referenceContext doc:a1 ; itsrdf:taIdentRef ent:egypt ; ck:mentionType "name" .
gr:a1-s3 prov:wasDerivedFrom doc:a1-s3 ; ck:confidence 0.9 ;
    prov:wasGeneratedBy <https://w3id.org/conflict-kg/id/run/r1> .
<https://w3id.org/conflict-kg/id/run/r1> a prov:Activity ;
    prov:startedAtTime "2024-05-01T10:00:00Z"^^xsd:dateTime ;
    prov:wasAssociatedWith <https://w3id.org/conflict-kg/id/agent/conflict-kg> ;
    ck:contentDigest "sha256:0123abcd" .
<https://w3id.org/conflict-kg/id/agent/conflict-kg> a prov:SoftwareAgent ;
    ck:spacyModel "en_core_web_sm 3.8.0" .
""".replace("SENTENCE_TEXT", SENTENCE_TEXT).replace("SENTENCE_END", str(len(SENTENCE_TEXT)))

# The acceptance queries SEED_GRAPH is built to answer.
SEED_QUERY_NAMES = (
    "01-blinken-visits-israel", "02-earlier-stops", "03-cairo-talks", "04-egypt-proposal",
    "05-proposal-terms", "06-planned-meeting", "07-role-titles", "08-actor-types",
    "09-netanyahu-threat", "10-rafah-warning", "11-negated-offensive", "12-humanitarian-gaza",
    "13-pressure-on-hamas", "14-october-7-attack", "15-provenance", "16-wikidata-links",
    "17-nothing-false-asserted", "18-one-entity-per-actor", "19-event-codes",
    "20-open-relation",
)  # fmt: skip


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontology_store() -> pyoxigraph.Store:
    """An in-memory Oxigraph store with the ontology in its graph and the seed graph."""
    store = pyoxigraph.Store()
    store.load(
        path=str(ontology_path()),
        format=pyoxigraph.RdfFormat.TURTLE,
        to_graph=pyoxigraph.NamedNode(str(GR.ontology)),
    )
    store.load(
        SEED_GRAPH,
        format=pyoxigraph.RdfFormat.TURTLE,
        to_graph=pyoxigraph.NamedNode(str(GR["a1-s3"])),
    )
    return store


def seed_graph() -> Graph:
    return Graph().parse(data=SEED_GRAPH, format="turtle")


def subclasses(graph: Graph, root: URIRef) -> set[Node]:
    """``root`` and every class that is rdfs:subClassOf* it."""
    return {cls for cls in graph.transitive_subjects(RDFS.subClassOf, root) if cls is not None}


def ck_terms_in_queries() -> set[str]:
    terms: set[str] = set()
    for path in sorted(SEED_QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        terms.update(CK_IRI + name for name in re.findall(r"\bck:([A-Za-z_][\w-]*)", text))
        terms.update(re.findall(r"<(" + re.escape(CK_IRI) + r"[^>]+)>", text))
    return terms


# ------------------------------------------------------------------ the ontology file


def test_ontology_parses_with_rdflib(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) == Literal("0.1.0")


def test_ontology_parses_with_pyoxigraph(ontology: Graph) -> None:
    triples = list(pyoxigraph.parse(path=str(ontology_path()), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(ontology)


def test_ontology_has_no_blank_nodes(ontology: Graph) -> None:
    blank = [t for t in ontology if any(isinstance(term, BNode) for term in t)]
    assert blank == [], "the ontology must reload into the store with identical triples"


def test_ontology_every_class_and_property_has_label_and_comment(ontology: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    missing = [
        str(term)
        for kind in kinds
        for term in ontology.subjects(RDF.type, kind)
        if str(term).startswith(CK_IRI)
        and (ontology.value(term, RDFS.label) is None or ontology.value(term, RDFS.comment) is None)
    ]
    assert missing == []


def test_ontology_every_term_is_typed(ontology: Graph) -> None:
    kinds = {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        SKOS.Concept,
        SKOS.ConceptScheme,
    }
    untyped = sorted(
        term
        for term in ontology_terms(ontology)
        if not set(ontology.objects(URIRef(term), RDF.type)) & kinds
    )
    assert untyped == []


def test_ontology_references_only_defined_terms(ontology: Graph) -> None:
    used = {str(term) for triple in ontology for term in triple if isinstance(term, URIRef)}
    check_terms(used, ontology_terms(ontology))


@pytest.mark.skipif(not SEED_QUERIES.is_dir(), reason=NO_SHARED)
def test_ontology_defines_every_acceptance_query_term(ontology: Graph) -> None:
    terms = ck_terms_in_queries()
    assert CK_IRI + "Demand" in terms  # the scan found the queries' terms
    check_terms(terms, ontology_terms(ontology))


def test_ontology_defines_pipeline_terms(ontology: Graph) -> None:
    check_terms([CK_IRI + name for name in PIPELINE_TERMS], ontology_terms(ontology))
    check_terms([CK_IRI + name for name in ENTITY_TYPES], ontology_terms(ontology))


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        ("Offensive", "Attack"),
        ("Offensive", "Event"),
        ("Threat", "Statement"),
        ("Demand", "Statement"),
        ("Accusation", "Statement"),
        ("Statement", "Event"),
        ("State", "Organization"),
        ("State", "Actor"),
        ("GovernmentBody", "Actor"),
        ("ArmedGroup", "Actor"),
        ("InternationalOrganization", "Actor"),
        ("Organization", "Actor"),
        ("Person", "Actor"),
        ("PopulationGroup", "Actor"),
        ("Negotiation", "Event"),
        ("HumanitarianCrisis", "Event"),
    ],
)
def test_ontology_subclass_chain_holds_in_sparql(
    ontology_store: pyoxigraph.Store, sub: str, sup: str
) -> None:
    query = f"ASK {{ <{CK[sub]}> <{RDFS.subClassOf}>* <{CK[sup]}> }}"
    assert bool(ontology_store.query(query, use_default_graph_as_union=True))


@pytest.mark.parametrize(
    ("sub", "sup"),
    [("State", "Location"), ("Location", "Actor"), ("Demand", "Threat"), ("Attack", "Offensive")],
)
def test_ontology_unwanted_subclass_is_absent(ontology: Graph, sub: str, sup: str) -> None:
    assert CK[sub] not in subclasses(ontology, CK[sup])


def test_ontology_entity_types_are_actors_or_locations(ontology: Graph) -> None:
    allowed = subclasses(ontology, CK.Actor) | subclasses(ontology, CK.Location)
    assert {CK[name] for name in ENTITY_TYPES} <= allowed


def test_ontology_event_classes_carry_cameo_and_plover(ontology: Graph) -> None:
    no_cameo = {CK.HumanitarianCrisis}
    no_plover = {CK.HumanitarianCrisis, CK.Statement}  # CAMEO 01 was dropped in PLOVER
    event_classes = subclasses(ontology, CK.Event) - {CK.Event}
    assert len(event_classes) >= 21
    for cls in event_classes:
        codes = [str(code) for code in ontology.objects(cls, CK.cameoRoot)]
        categories = {str(cat) for cat in ontology.objects(cls, CK.ploverCategory)}
        assert all(re.fullmatch(r"[0-9]{2,4}", code) for code in codes), (cls, codes)
        assert categories <= PLOVER_CATEGORIES, (cls, categories)
        assert bool(codes) is (cls not in no_cameo), cls
        assert bool(categories) is (cls not in no_plover), cls


def test_ontology_modality_scheme_matches_models(ontology: Graph) -> None:
    in_scheme = set(ontology.subjects(SKOS.inScheme, CK.ModalityScheme))
    assert in_scheme == {CK[modality.value] for modality in Modality}
    assert all((value, RDF.type, SKOS.Concept) in ontology for value in in_scheme)


def test_ontology_open_relation_terms(ontology: Graph) -> None:
    assert (CK.OpenRelation, RDFS.subClassOf, RDF.Property) in ontology
    assert (CK.relatedTo, RDF.type, OWL.ObjectProperty) in ontology
    assert ontology.value(CK.relatedTo, RDFS.domain) is None
    assert ontology.value(CK.relatedTo, RDFS.range) is None
    assert ontology.value(CK.relationText, RDFS.domain) == RDF.Statement
    assert ontology.value(CK.about, RDFS.domain) == CK.Statement


# ------------------------------------------------------------------ acceptance queries, model graph


def _seed_query_params() -> Iterator[object]:
    for name in SEED_QUERY_NAMES:
        path = SEED_QUERIES / f"{name}.rq"
        reason = NO_SHARED if not SEED_QUERIES.is_dir() else f"{path.name} is gone"
        yield pytest.param(
            path, id=name, marks=pytest.mark.skipif(not path.is_file(), reason=reason)
        )


@pytest.mark.parametrize("query_path", list(_seed_query_params()))
def test_ontology_acceptance_query_answers_model_graph(
    ontology_store: pyoxigraph.Store, query_path: Path
) -> None:
    result = ontology_store.query(
        query_path.read_text(encoding="utf-8"), use_default_graph_as_union=True
    )
    assert bool(result), f"{query_path.name} is false on the hand-built seed graph"


def test_ontology_subclass_axioms_are_needed_by_queries() -> None:
    """Without the ontology graph, the ``a/rdfs:subClassOf*`` queries lose their subclasses."""
    store = pyoxigraph.Store()
    store.load(SEED_GRAPH, format=pyoxigraph.RdfFormat.TURTLE)
    ask = f"ASK {{ <{EV.t1}> a/<{RDFS.subClassOf}>* <{CK.Statement}> }}"  # ev:t1 is a ck:Threat
    assert not bool(store.query(ask))
    store.load(path=str(ontology_path()), format=pyoxigraph.RdfFormat.TURTLE)
    assert bool(store.query(ask))


# ------------------------------------------------------------------ SHACL shapes


def test_shapes_parse(shapes: Graph) -> None:
    assert (CKSHAPE.EventShape, RDF.type, SH.NodeShape) in shapes
    assert shapes_path().name == "shapes.ttl"


def test_shapes_target_every_event_class(ontology: Graph, shapes: Graph) -> None:
    targets = set(shapes.objects(CKSHAPE.EventShape, SH.targetClass))
    assert targets == subclasses(ontology, CK.Event)


def test_shapes_target_every_entity_class(ontology: Graph, shapes: Graph) -> None:
    targets = set(shapes.objects(CKSHAPE.EntityShape, SH.targetClass))
    assert targets == subclasses(ontology, CK.Actor) | subclasses(ontology, CK.Location)


@pytest.mark.parametrize("shape", [CKSHAPE["Event-modality"], CKSHAPE["Statement-modality"]])
def test_shapes_modality_values_match_scheme(ontology: Graph, shapes: Graph, shape: URIRef) -> None:
    head = shapes.value(shape, SH["in"])
    assert head is not None
    values = Collection(shapes, head)
    assert set(values) == set(ontology.subjects(SKOS.inScheme, CK.ModalityScheme))


def _validate(graph: Graph, shapes: Graph, ontology: Graph, inference: str) -> tuple[bool, Graph]:
    conforms, results, _text = validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference=inference, allow_warnings=False
    )
    return bool(conforms), results


def _violations(results: Graph) -> set[tuple[Node | None, Node | None, Node | None]]:
    return {
        (
            results.value(result, SH.focusNode),
            results.value(result, SH.resultPath),
            results.value(result, SH.sourceConstraintComponent),
        )
        for result in results.subjects(RDF.type, SH.ValidationResult)
    }


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_shapes_accept_model_graph(ontology: Graph, shapes: Graph, inference: str) -> None:
    conforms, results = _validate(seed_graph(), shapes, ontology, inference)
    assert conforms, _violations(results)


Triple = tuple[Node, Node, Node]
Pattern = tuple[Node, Node, Node | None]

BROKEN_GRAPHS: list[tuple[str, list[Pattern], list[Triple], Triple, bool]] = [
    # (id, patterns to remove, triples to add, expected (focus, path, component), rdfs too)
    (
        "event-without-modality",
        [(EV.n1, CK.modality, None)],
        [],
        (EV.n1, CK.modality, SH.MinCountConstraintComponent),
        True,
    ),
    (
        "modality-not-in-scheme",
        [(EV.n1, CK.modality, None)],
        [(EV.n1, CK.modality, CK.Likely)],
        (EV.n1, CK.modality, SH.InConstraintComponent),
        True,
    ),
    (
        "confidence-above-one",
        [(EV.n1, CK.confidence, None)],
        [(EV.n1, CK.confidence, Literal(1.5))],
        (EV.n1, CK.confidence, SH.MaxInclusiveConstraintComponent),
        True,
    ),
    (
        "decimal-confidence-below-zero",
        [(STMT, CK.confidence, None)],
        [(STMT, CK.confidence, Literal(Decimal("-0.1")))],
        (STMT, CK.confidence, SH.MinInclusiveConstraintComponent),
        True,
    ),
    (
        "sentence-without-begin-index",
        [(SENTENCE, NIF.beginIndex, None)],
        [],
        (SENTENCE, NIF.beginIndex, SH.MinCountConstraintComponent),
        True,
    ),
    (
        "statement-without-predicate",
        [(STMT, RDF.predicate, None)],
        [],
        (STMT, RDF.predicate, SH.MinCountConstraintComponent),
        True,
    ),
    (
        "statement-without-relation-text",
        [(STMT, CK.relationText, None)],
        [],
        (STMT, CK.relationText, SH.MinCountConstraintComponent),
        True,
    ),
    (
        "cameo-code-not-digits",
        [(EV.n1, CK.cameoCode, None)],
        [(EV.n1, CK.cameoCode, Literal("04a"))],
        (EV.n1, CK.cameoCode, SH.PatternConstraintComponent),
        True,
    ),
    (
        "unknown-time-precision",
        [(EV.k1, CK.timePrecision, None)],
        [(EV.k1, CK.timePrecision, Literal("decade"))],
        (EV.k1, CK.timePrecision, SH.InConstraintComponent),
        True,
    ),
    (
        "agent-is-a-literal",
        [],
        [(EV.k1, CK.agent, Literal("Hamas"))],
        (EV.k1, CK.agent, SH.NodeKindConstraintComponent),
        False,  # rdfs: the agent range makes the literal a ck:Actor without a label, too
    ),
    (
        "location-not-typed-location",
        [],
        [(EV.k1, CK.location, ENT.hamas)],
        (EV.k1, CK.location, SH.ClassConstraintComponent),
        False,  # rdfs: the range of ck:location would type ent:hamas a ck:Location
    ),
    (
        "entity-with-two-labels",
        [],
        [(ENT.hamas, RDFS.label, Literal("Harakat al-Muqawama al-Islamiya"))],
        (ENT.hamas, RDFS.label, SH.MaxCountConstraintComponent),
        True,
    ),
    (
        "entity-with-empty-label",
        [(ENT.gaza, RDFS.label, None)],
        [(ENT.gaza, RDFS.label, Literal(""))],
        (ENT.gaza, RDFS.label, SH.PatternConstraintComponent),
        True,
    ),
    (
        "phrase-without-entity",
        [(PHRASE, ITSRDF.taIdentRef, None)],
        [],
        (PHRASE, ITSRDF.taIdentRef, SH.MinCountConstraintComponent),
        True,
    ),
    (
        "run-without-start-time",
        [(RUN, PROV.startedAtTime, None)],
        [],
        (RUN, PROV.startedAtTime, SH.MinCountConstraintComponent),
        True,
    ),
    (
        "run-agent-not-software",
        [(EXTRACTOR, RDF.type, None), (EXTRACTOR, CK.spacyModel, None)],  # domain: SoftwareAgent
        [],
        (RUN, PROV.wasAssociatedWith, SH.ClassConstraintComponent),
        True,
    ),
    (
        "relation-property-without-label",
        [(REL.urge, RDFS.label, None)],
        [],
        (REL.urge, RDFS.label, SH.MinCountConstraintComponent),
        True,
    ),
]


def _broken_params() -> Iterator[object]:
    for case_id, remove, add, expected, with_rdfs in BROKEN_GRAPHS:
        for inference in ("none", "rdfs") if with_rdfs else ("none",):
            yield pytest.param(remove, add, expected, inference, id=f"{case_id}-{inference}")


@pytest.mark.parametrize(("remove", "add", "expected", "inference"), list(_broken_params()))
def test_shapes_reject_broken_graph(
    ontology: Graph,
    shapes: Graph,
    remove: list[Pattern],
    add: list[Triple],
    expected: Triple,
    inference: str,
) -> None:
    graph = seed_graph()
    for pattern in remove:
        assert list(graph.triples(pattern)), f"{pattern} is not in the model graph"
        graph.remove(pattern)
    for triple in add:
        graph.add(triple)
    conforms, results = _validate(graph, shapes, ontology, inference)
    assert not conforms
    assert _violations(results) == {expected}


# ------------------------------------------------------------------ kg.ontology


def test_ontology_path_in_source_checkout() -> None:
    packaged = Path(ontology_module.__file__).resolve().parent / "_ontologies"
    expected_dir = packaged if packaged.is_dir() else REPO_ROOT / "ontologies"
    assert ontology_path() == expected_dir / "conflict.ttl"
    assert shapes_path() == expected_dir / "shapes.ttl"


def test_ontology_path_prefers_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged, source = tmp_path / "kg" / "_ontologies", tmp_path / "ontologies"
    for directory in (packaged, source):
        directory.mkdir(parents=True)
        (directory / "conflict.ttl").write_text("", encoding="utf-8")
    monkeypatch.setattr(ontology_module, "_search_dirs", lambda: (packaged, source))
    assert ontology_path() == packaged / "conflict.ttl"
    (packaged / "conflict.ttl").unlink()
    assert ontology_path() == source / "conflict.ttl"


def test_ontology_path_missing_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ontology_module, "_search_dirs", lambda: (tmp_path / "a", tmp_path / "b"))
    with pytest.raises(OntologyError, match=r"cannot find shapes\.ttl"):
        shapes_path()


def test_load_ontology_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ttl"
    with pytest.raises(OntologyError, match="does not exist") as info:
        load_ontology(missing)
    assert str(missing) in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "@prefix ck: <https://w3id.org/conflict-kg/ontology#> .\nck:Attack a ",
        "ck:Attack a owl:Class .",  # undeclared prefix
        "<https://w3id.org/conflict-kg/ontology#Attack> <a> .",
    ],
)
def test_load_ontology_unparseable_file(tmp_path: Path, text: str) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(OntologyError, match="not valid Turtle"):
        load_ontology(broken)


def test_load_ontology_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(OntologyError, match="no triples"):
        load_ontology(empty)


def test_ontology_terms_only_ck_subjects(ontology: Graph) -> None:
    terms = ontology_terms(ontology)
    assert CK_IRI + "Attack" in terms
    assert CK_IRI + "WarnedAgainst" in terms
    assert all(term.startswith(CK_IRI) for term in terms)
    assert ONTOLOGY_IRI not in terms


def test_check_terms_raises_on_unknown_term(ontology: Graph) -> None:
    defined = ontology_terms(ontology)
    used = [CK_IRI + "Attack", CK_IRI + "Atack", CK_IRI + "wasMediatedBy", str(PROV.Activity)]
    with pytest.raises(OntologyError, match=r"ck:Atack, ck:wasMediatedBy") as info:
        check_terms(used, defined)
    assert "Activity" not in str(info.value)


def test_check_terms_accepts_known_and_foreign_terms(ontology: Graph) -> None:
    check_terms([CK_IRI + "Attack", str(PROV.Activity), str(ENT.hamas)], ontology_terms(ontology))
