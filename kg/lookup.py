"""Entity, relation and event lookups over the store (what the HTTP lookups serve)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final, Literal

from kg.actors import (
    PREFIXES,
    ROLES,
    Actor,
    Evidence,
    entity_iri,
    entity_prefix,
    fetch_actors,
    fetch_evidence,
    local_name,
)
from kg.errors import EntityNotFound, InputError
from kg.models import ENTITY_TYPES
from kg.ontology import CK_IRI
from kg.store.base import QueryResult, ResultFormat, Store
from kg.ties import Tie, TieFilter, fetch_ties

Direction = Literal["out", "in", "both"]
_WORD: Final = re.compile(r"\w")


def sparql_string(text: str) -> str:
    """A SPARQL string literal holding ``text``.

    >>> sparql_string('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    """
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def entity_type(name: str) -> str:
    """The canonical spelling of an entity class name, case-insensitively.

    Raises:
        InputError: Not one of the entity classes.

    >>> entity_type("person")
    'Person'
    """
    for known in ENTITY_TYPES:
        if known.lower() == name.lower():
            return known
    raise InputError(f"unknown entity type {name!r}; use one of {', '.join(ENTITY_TYPES)}")


def search_entities(
    store: Store,
    *,
    base_iri: str,
    q: str = "",
    type_: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Actor], int]:
    """Find entities whose label or an alias matches ``q``.

    Words of ``q`` are matched through :meth:`Store.search_labels`: in the embedded store a
    full-text index where every word must start a word of the name, ignoring case and accents
    (``zelensky`` finds "Volodymyr Zelenskyy"); a remote store matches substrings. A ``q``
    without letters or digits matches names containing it (empty: every entity). Exact
    matches rank first, then prefix matches, then the rest by label.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        q: Text to look for; empty matches every entity.
        type_: Only entities of this class (``Person``, ``State`` ...).
        limit: Page size.
        offset: Items to skip.

    Returns:
        The page of entities and the total number of matches.

    Raises:
        InputError: ``type_`` is not an entity class.
    """
    classes = [entity_type(type_)] if type_ else list(ENTITY_TYPES)
    needle = q.strip().lower()
    prefix = entity_prefix(base_iri)
    if _WORD.search(needle):
        hits = store.search_labels(needle, types=[CK_IRI + c for c in classes], limit=None)
        iris = [iri for iri, _, _ in hits if iri.startswith(prefix)]
    else:
        iris = _scan_names(store, prefix=prefix, classes=classes, needle=needle)
    actors = fetch_actors(store, base_iri=base_iri, iris=iris)

    def rank(actor: Actor) -> tuple[int, str]:
        names = [n.lower() for n in (actor.label, *actor.aliases)]
        if needle in names:
            return (0, actor.label.lower())
        if any(n.startswith(needle) for n in names):
            return (1, actor.label.lower())
        return (2, actor.label.lower())

    ordered = sorted(actors.values(), key=rank)
    return ordered[offset : offset + limit], len(ordered)


def _scan_names(store: Store, *, prefix: str, classes: list[str], needle: str) -> list[str]:
    """Entities of ``classes`` with a name containing ``needle``, by a SPARQL scan."""
    values = " ".join(f"ck:{name}" for name in classes)
    rows = store.select(
        PREFIXES
        + f"""SELECT DISTINCT ?x WHERE {{
  ?x a ?c . VALUES ?c {{ {values} }}
  ?x rdfs:label|skos:altLabel ?name .
  FILTER(STRSTARTS(STR(?x), "{prefix}"))
  FILTER(CONTAINS(LCASE(STR(?name)), {sparql_string(needle)}))
}}"""
    )
    return [row["x"].value for row in rows]


@dataclass(frozen=True, slots=True)
class EntityDetail:
    """One entity with counts and the reports that mention it.

    Attributes:
        actor: The entity.
        events: Event mentions it takes a role in.
        relations: Open relations it is the subject or object of.
        mentions: Text spans that mention it.
        documents: Ids of the reports that mention it.
    """

    actor: Actor
    events: int
    relations: int
    mentions: int
    documents: tuple[str, ...] = field(default_factory=tuple)


def get_entity(store: Store, *, base_iri: str, key: str) -> EntityDetail:
    """Describe one entity.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        key: Its key or IRI.

    Returns:
        The description.

    Raises:
        EntityNotFound: No such entity.
    """
    iri = entity_iri(base_iri, key)
    actor = fetch_actors(store, base_iri=base_iri, iris=[iri]).get(iri)
    if actor is None:
        raise EntityNotFound(f"no entity {key!r}; search for one with GET /entities?q=")
    roles = " ".join(f"ck:{r}" for r in ROLES)
    rows = store.select(
        PREFIXES
        + f"""SELECT (COUNT(DISTINCT ?e) AS ?events) (COUNT(DISTINCT ?st) AS ?relations)
  (COUNT(DISTINCT ?m) AS ?mentions) WHERE {{
  {{ ?e ?role <{iri}> . VALUES ?role {{ {roles} }} }}
  UNION {{ ?st a rdf:Statement ; rdf:subject|rdf:object <{iri}> }}
  UNION {{ <{iri}> ck:mentionedIn ?m }}
}}"""
    )
    docs = store.select(
        PREFIXES
        + f"""SELECT DISTINCT ?id WHERE {{
  <{iri}> ck:mentionedIn ?m . ?m nif:referenceContext ?doc . ?doc schema:identifier ?id
}} ORDER BY ?id"""
    )
    counts = rows[0] if rows else {}
    return EntityDetail(
        actor=actor,
        events=int(counts["events"].value) if "events" in counts else 0,
        relations=int(counts["relations"].value) if "relations" in counts else 0,
        mentions=int(counts["mentions"].value) if "mentions" in counts else 0,
        documents=tuple(row["id"].value for row in docs),
    )


def entity_rdf(
    store: Store, *, base_iri: str, key: str, result_format: ResultFormat
) -> QueryResult:
    """The triples describing an entity (its own statements, from every graph), serialised.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        key: Its key or IRI.
        result_format: A graph format (``turtle``, ``jsonld`` ...).

    Returns:
        The serialised triples.

    Raises:
        EntityNotFound: No such entity.
    """
    iri = entity_iri(base_iri, key)
    if not store.ask(f"ASK {{ <{iri}> ?p ?o }}"):
        raise EntityNotFound(f"no entity {key!r}; search for one with GET /entities?q=")
    return store.query(
        f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}", result_format=result_format
    )


@dataclass(frozen=True, slots=True)
class RelationView:
    """One tie seen from an entity.

    Attributes:
        direction: ``out`` (the entity acts on the other), ``in`` (the other acts on it) or
            ``both`` (co-participants).
        tie: The tie.
        other: The entity at the other end.
    """

    direction: Direction
    tie: Tie
    other: Actor

    @property
    def predicate(self) -> str:
        """The other entity's role (``ck:target`` ...), or the ``rel:`` property."""
        if self.tie.kind == "Relation" or self.tie.target == self.other.iri:
            return self.tie.predicate
        return CK_IRI + self.tie.source_role


def entity_relations(
    store: Store,
    *,
    base_iri: str,
    key: str,
    direction: Direction = "both",
    tie_filter: TieFilter | None = None,
    limit: int = 200,
) -> tuple[Actor, list[RelationView]]:
    """The event roles and open relations linking an entity to others, with evidence.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        key: The entity key or IRI.
        direction: ``out`` keeps outgoing and co-participant ties, ``in`` incoming and
            co-participant ties, ``both`` all.
        tie_filter: Filters on type, modality and dates.
        limit: Most relations to return (by date, then event).

    Returns:
        The entity and its relations.

    Raises:
        EntityNotFound: No such entity.
    """
    detail = get_entity(store, base_iri=base_iri, key=key)
    iri = detail.actor.iri
    views: list[tuple[Direction, Tie]] = []
    for tie in fetch_ties(store, base_iri=base_iri, entity=iri, tie_filter=tie_filter):
        if iri not in (tie.source, tie.target):
            continue
        seen: Direction = "both" if not tie.is_directed else ("out" if tie.source == iri else "in")
        if direction == "both" or seen in (direction, "both"):
            views.append((seen, tie))
    others = fetch_actors(
        store, base_iri=base_iri, iris={t.target if t.source == iri else t.source for _, t in views}
    )
    result = [
        RelationView(seen, tie, others[tie.target if tie.source == iri else tie.source])
        for seen, tie in views
        if (tie.target if tie.source == iri else tie.source) in others
    ]
    result.sort(key=lambda v: (v.tie.date or "", v.tie.event, v.other.key))
    return detail.actor, result[:limit]


@dataclass(frozen=True, slots=True)
class EventView:
    """One event mention with its roles.

    Attributes:
        iri: The event IRI.
        type: Its class (local name).
        modality: Its modality (local name).
        date: Its date, else the report's publication date.
        cameo_code: CAMEO code, if any.
        plover_type: PLOVER type, if any.
        confidence: Extraction confidence, if any.
        roles: Role name -> entity IRIs.
        evidence: The sentence it was extracted from.
    """

    iri: str
    type: str
    modality: str | None
    date: str | None
    cameo_code: str | None
    plover_type: str | None
    confidence: float | None
    roles: dict[str, list[str]]
    evidence: Evidence | None


def list_events(
    store: Store,
    *,
    base_iri: str,
    type_: str | None = None,
    actor: str | None = None,
    location: str | None = None,
    tie_filter: TieFilter | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[EventView], int]:
    """Events filtered by class, actor, location, modality and date range.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        type_: Event class local name (``Meeting``), case-insensitive.
        actor: Key of an entity taking any role in the event.
        location: Key of the event's location.
        tie_filter: Modality and date filters (its ``kinds`` are ignored).
        limit: Page size.
        offset: Items to skip.

    Returns:
        The page of events (by date, then IRI) and the total number of matches.
    """
    roles = " ".join(f"ck:{r}" for r in ROLES)
    focus = f"?event ?anyRole <{entity_iri(base_iri, actor)}> ." if actor else ""
    if location:
        focus += f" ?event ck:location <{entity_iri(base_iri, location)}> ."
    rows = store.select(
        PREFIXES
        + f"""SELECT ?g ?event ?class ?role ?x ?modality ?cameo ?plover ?conf ?date WHERE {{
  GRAPH ?g {{
    ?event a ?class ; ck:modality ?modality . {focus}
    FILTER(STRSTARTS(STR(?class), "{CK_IRI}") && STRSTARTS(STR(?event), "{base_iri}event/"))
    OPTIONAL {{ ?event ?role ?x . VALUES ?role {{ {roles} }} }}
    OPTIONAL {{ ?event ck:cameoCode ?cameo }}
    OPTIONAL {{ ?event ck:ploverType ?plover }}
    OPTIONAL {{ ?event ck:confidence ?conf }}
    OPTIONAL {{ ?event ck:startDate ?date }}
  }}
}}"""
    )
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    graphs: dict[str, str] = {}
    for row in rows:
        grouped[row["event"].value].append({k: v.value for k, v in row.items()})
        graphs[row["event"].value] = row["g"].value
    evidence = fetch_evidence(store, graphs=set(graphs.values()))
    wanted = type_.lower() if type_ else None
    events = []
    for iri, event_rows in grouped.items():
        first = event_rows[0]
        kind = local_name(first["class"])
        if wanted and kind.lower() != wanted:
            continue
        roles_of: dict[str, list[str]] = defaultdict(list)
        for values in event_rows:
            if "role" in values and values["x"] not in roles_of[local_name(values["role"])]:
                roles_of[local_name(values["role"])].append(values["x"])
        found = evidence.get(graphs[iri])
        date = first["date"][:10] if "date" in first else None
        event = EventView(
            iri=iri,
            type=kind,
            modality=local_name(first["modality"]),
            date=date or (found.published if found else None),
            cameo_code=first.get("cameo"),
            plover_type=first.get("plover"),
            confidence=float(first["conf"]) if "conf" in first else None,
            roles=dict(roles_of),
            evidence=found,
        )
        probe = Tie("", "", kind, kind, True, "", "", iri, "", event.modality, date=event.date)
        if tie_filter is None or tie_filter.keeps(probe):
            events.append(event)
    events.sort(key=lambda e: (e.date or "", e.iri))
    return events[offset : offset + limit], len(events)
