"""Actors (entities) and the evidence sentences behind facts, read from the store.

This is the projection that the Gephi export, the path finder and the HTTP lookups share: every
entity becomes an :class:`Actor`, and every event role pair or entity-to-entity open relation
becomes a :class:`Tie` carrying its event, codes, modality, date and evidence sentence. It runs
plain SPARQL through :class:`~kg.store.base.Store` and imports neither networkx nor rdflib.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from kg.errors import EntityNotFound
from kg.models import ENTITY_TYPES
from kg.ontology import CK_IRI
from kg.store.base import Store, Term

RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL: Final = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT: Final = "http://www.w3.org/2004/02/skos/core#altLabel"
OWL_SAME_AS: Final = "http://www.w3.org/2002/07/owl#sameAs"
WIKIDATA: Final = "http://www.wikidata.org/entity/"
PREFIXES: Final = f"""PREFIX ck: <{CK_IRI}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX schema: <https://schema.org/>
"""
#: Most specific first: an entity's primary type is the first of these it has.
TYPE_ORDER: Final = (
    "Person",
    "ArmedGroup",
    "GovernmentBody",
    "InternationalOrganization",
    "State",
    "Organization",
    "PopulationGroup",
    "Location",
)
#: Event roles that link an event to an entity.
ROLES: Final = ("agent", "target", "participant", "mediator", "location")
#: Events whose location is where the agent went (a visit "to" the place).
VISIT_CLASSES: Final = frozenset({"DiplomaticVisit"})
_KEY: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~%-]{0,199}$")
_ENTITY_CLASSES: Final = " ".join(f"ck:{name}" for name in ENTITY_TYPES)
_ENTITY_PROPERTIES: Final = (
    "rdf:type rdfs:label skos:altLabel owl:sameAs ck:roleTitle ck:country ck:memberOf "
    "ck:cameoActorCode"
)


@dataclass(frozen=True, slots=True)
class Actor:
    """An entity of the graph (actor or location).

    Attributes:
        iri: Its IRI.
        key: The part of the IRI after ``<base>entity/`` (the API's ``id``).
        label: Its canonical name.
        type: Its most specific class (local name, e.g. ``Person``).
        types: All its classes (local names).
        aliases: Every alias seen (``skos:altLabel``).
        same_as: ``owl:sameAs`` IRIs (Wikidata).
        role_titles: ``ck:roleTitle`` values.
        country: IRI of its ``ck:country``, if any.
        member_of: IRIs of ``ck:memberOf``.
        cameo_code: Its CAMEO actor code, if any.
    """

    iri: str
    key: str
    label: str
    type: str
    types: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    role_titles: tuple[str, ...] = ()
    country: str | None = None
    member_of: tuple[str, ...] = ()
    cameo_code: str | None = None

    @property
    def wikidata_id(self) -> str | None:
        """The Wikidata Q-id from ``owl:sameAs``, if any."""
        for iri in self.same_as:
            if iri.startswith(WIKIDATA):
                return iri[len(WIKIDATA) :]
        return None


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence a fact was extracted from.

    Attributes:
        doc_id: The report id.
        sentence: The sentence text.
        start: Its start offset in the report text.
        end: Its end offset.
        published: The report's publication date, if known.
    """

    doc_id: str
    sentence: str
    start: int
    end: int
    published: str | None = None


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/conflict-kg/ontology#Meeting")
    'Meeting'
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def entity_prefix(base_iri: str) -> str:
    """The namespace of entity IRIs.

    >>> entity_prefix("https://w3id.org/conflict-kg/id/")
    'https://w3id.org/conflict-kg/id/entity/'
    """
    return f"{base_iri}entity/"


def entity_iri(base_iri: str, key: str) -> str:
    """The IRI of an entity given its key (``antony-blinken``) or its full IRI.

    Args:
        base_iri: The instance-data base IRI.
        key: The key or IRI.

    Returns:
        The IRI.

    Raises:
        EntityNotFound: ``key`` cannot be an entity key.

    >>> entity_iri("https://w3id.org/conflict-kg/id/", "hamas")
    'https://w3id.org/conflict-kg/id/entity/hamas'
    """
    prefix = entity_prefix(base_iri)
    if key.startswith(prefix):
        key = key[len(prefix) :]
    if not _KEY.match(key):
        raise EntityNotFound(
            f"{key!r} is not an entity id; ids look like 'antony-blinken' (see GET /entities?q=)"
        )
    return prefix + key


def term_value(row: dict[str, Term], name: str) -> str | None:
    """The value of a variable in a result row, or None when unbound.

    Args:
        row: The row.
        name: The variable.

    Returns:
        The IRI, lexical form or blank node id.
    """
    term = row.get(name)
    return None if term is None else term.value


def fetch_actors(
    store: Store, *, base_iri: str, iris: Iterable[str] | None = None
) -> dict[str, Actor]:
    """Read entities and their descriptions.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        iris: Only these entities; None reads all.

    Returns:
        Actors by IRI.
    """
    values = ""
    if iris is not None:
        wanted = sorted(set(iris))
        if not wanted:
            return {}
        values = "VALUES ?x { " + " ".join(f"<{iri}>" for iri in wanted) + " }"
    rows = store.select(
        PREFIXES
        + f"""SELECT DISTINCT ?x ?p ?o WHERE {{
  {values}
  ?x a ?c . VALUES ?c {{ {_ENTITY_CLASSES} }}
  ?x ?p ?o . VALUES ?p {{ {_ENTITY_PROPERTIES} }}
}}"""
    )
    props: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        props[row["x"].value][row["p"].value].add(row["o"].value)
    prefix = entity_prefix(base_iri)
    actors = {}
    for iri, p in props.items():
        if not iri.startswith(prefix):
            continue
        types = sorted(
            local_name(t)
            for t in p[RDF_TYPE]
            if t.startswith(CK_IRI) and local_name(t) in TYPE_ORDER
        )
        primary = next((t for t in TYPE_ORDER if t in types), "Location")
        labels = sorted(p[RDFS_LABEL])
        key = iri[len(prefix) :]
        countries = sorted(p[CK_IRI + "country"])
        codes = sorted(p[CK_IRI + "cameoActorCode"])
        actors[iri] = Actor(
            iri=iri,
            key=key,
            label=labels[0] if labels else key,
            type=primary,
            types=tuple(types),
            aliases=tuple(sorted(p[SKOS_ALT] - set(labels[:1]))),
            same_as=tuple(sorted(p[OWL_SAME_AS])),
            role_titles=tuple(sorted(p[CK_IRI + "roleTitle"])),
            country=countries[0] if countries else None,
            member_of=tuple(sorted(p[CK_IRI + "memberOf"])),
            cameo_code=codes[0] if codes else None,
        )
    return actors


def fetch_evidence(store: Store, *, graphs: Iterable[str] | None = None) -> dict[str, Evidence]:
    """Read the sentence behind each sentence graph.

    Args:
        store: The store.
        graphs: Only these graph IRIs; None reads all.

    Returns:
        Evidence by sentence graph IRI.
    """
    values = ""
    if graphs is not None:
        wanted = sorted(set(graphs))
        if not wanted:
            return {}
        values = "VALUES ?g { " + " ".join(f"<{g}>" for g in wanted) + " }"
    rows = store.select(
        PREFIXES
        + f"""SELECT ?g ?sentence ?begin ?end ?docid ?published WHERE {{
  {values}
  ?g prov:wasDerivedFrom ?s .
  ?s a nif:Sentence ; nif:anchorOf ?sentence ; nif:beginIndex ?begin ; nif:endIndex ?end ;
     nif:referenceContext ?doc .
  ?doc schema:identifier ?docid .
  OPTIONAL {{ ?doc schema:datePublished ?published }}
}}"""
    )
    evidence = {}
    for row in rows:
        published = term_value(row, "published")
        evidence[row["g"].value] = Evidence(
            doc_id=row["docid"].value,
            sentence=row["sentence"].value,
            start=int(row["begin"].value),
            end=int(row["end"].value),
            published=published[:10] if published else None,
        )
    return evidence
