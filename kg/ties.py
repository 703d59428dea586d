"""Ties between entities, read from the store: the projection that the Gephi export, the path
finder and the HTTP lookups share.

Every event role pair or entity-to-entity open relation becomes a :class:`Tie` carrying its
event, codes, modality, date and evidence sentence. Plain SPARQL through the Store; no networkx.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kg.actors import (
    PREFIXES,
    ROLES,
    Evidence,
    entity_prefix,
    fetch_evidence,
    local_name,
    term_value,
)
from kg.ontology import CK_IRI
from kg.store.base import Store, Term


@dataclass(frozen=True, slots=True)
class Tie:
    """One link between two entities, from an event or an open relation.

    Attributes:
        source: IRI of the source entity.
        target: IRI of the target entity.
        kind: The event class (``Meeting``) or ``Relation`` for an open relation.
        label: Readable label: the class name or the relation text.
        is_directed: False for co-participants (``mutual`` in GEXF).
        source_role: The source's role (``agent``, ``participant``, ``subject`` ...).
        target_role: The target's role (``target``, ``location``, ``object`` ...).
        event: IRI of the event or statement.
        predicate: ``ck:<role>`` IRI of the target's role, or the ``rel:`` property.
        modality: Local name of the modality (``Asserted``, ``Threatened`` ...), if any.
        confidence: Extraction confidence in [0, 1], if any.
        cameo_code: CAMEO event code, if any.
        plover_type: PLOVER type, if any.
        date: ``YYYY-MM-DD``: the event date, else the report's publication date.
        evidence: The sentence behind it, if known.
    """

    source: str
    target: str
    kind: str
    label: str
    is_directed: bool
    source_role: str
    target_role: str
    event: str
    predicate: str
    modality: str | None = None
    confidence: float | None = None
    cameo_code: str | None = None
    plover_type: str | None = None
    date: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class TieFilter:
    """Which ties to keep.

    Attributes:
        modality: Keep only these modalities (local names, case-insensitive); empty keeps all.
        since: Keep ties dated on or after this ``YYYY-MM-DD`` (undated ties are dropped).
        until: Keep ties dated on or before this ``YYYY-MM-DD`` (undated ties are dropped).
        kinds: Keep only these kinds (event class local names or ``Relation``); empty keeps all.
    """

    modality: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    kinds: tuple[str, ...] = ()

    def keeps(self, tie: Tie) -> bool:
        """Whether ``tie`` passes the filter.

        Args:
            tie: The tie.

        Returns:
            True to keep it.
        """
        wanted = {m.lower() for m in self.modality}
        if wanted and (tie.modality or "").lower() not in wanted:
            return False
        if self.kinds and tie.kind.lower() not in {k.lower() for k in self.kinds}:
            return False
        if self.since is not None and (tie.date is None or tie.date < self.since[:10]):
            return False
        return not (self.until is not None and (tie.date is None or tie.date > self.until[:10]))


def _entity_clause(entity: str | None, var: str) -> str:
    return "" if entity is None else f"?{var} ?anyRole <{entity}> ."


def _event_ties(store: Store, *, base_iri: str, entity: str | None) -> list[tuple[Tie, str]]:
    roles = " ".join(f"ck:{r}" for r in ROLES)
    rows = store.select(
        PREFIXES
        + f"""SELECT ?g ?event ?class ?role ?x ?modality ?cameo ?plover ?conf ?date WHERE {{
  GRAPH ?g {{
    {_entity_clause(entity, "event")}
    ?event a ?class ; ?role ?x .
    VALUES ?role {{ {roles} }}
    FILTER(STRSTARTS(STR(?class), "{CK_IRI}") && STRSTARTS(STR(?x), "{entity_prefix(base_iri)}"))
    OPTIONAL {{ ?event ck:modality ?modality }}
    OPTIONAL {{ ?event ck:cameoCode ?cameo }}
    OPTIONAL {{ ?event ck:ploverType ?plover }}
    OPTIONAL {{ ?event ck:confidence ?conf }}
    OPTIONAL {{ ?event ck:startDate ?date }}
  }}
}}"""
    )
    events: dict[str, list[dict[str, Term]]] = defaultdict(list)
    for row in rows:
        events[row["event"].value].append(row)
    ties: list[tuple[Tie, str]] = []
    for event, event_rows in sorted(events.items()):
        ties.extend((tie, event_rows[0]["g"].value) for tie in _ties_of_event(event, event_rows))
    return ties


def _ties_of_event(event: str, rows: Sequence[dict[str, Term]]) -> list[Tie]:
    first = rows[0]
    kind = local_name(first["class"].value)
    by_role: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        role = local_name(row["role"].value)
        if row["x"].value not in by_role[role]:
            by_role[role].append(row["x"].value)
    modality = term_value(first, "modality")
    conf = term_value(first, "conf")
    date = term_value(first, "date")
    base = Tie(
        source="",
        target="",
        kind=kind,
        label=kind,
        is_directed=True,
        source_role="",
        target_role="",
        event=event,
        predicate="",
        modality=local_name(modality) if modality else None,
        confidence=float(conf) if conf is not None else None,
        cameo_code=term_value(first, "cameo"),
        plover_type=term_value(first, "plover"),
        date=date[:10] if date else None,
    )
    pairs: list[tuple[str, str, str, str, bool]] = []
    agents = sorted(by_role["agent"])
    for agent, target in itertools.product(agents, sorted(by_role["target"])):
        pairs.append((agent, target, "agent", "target", True))
    for agent, place in itertools.product(agents, sorted(by_role["location"])):
        pairs.append((agent, place, "agent", "location", True))
    sides = [(x, "agent") for x in agents]
    sides += [(x, "participant") for x in sorted(by_role["participant"])]
    sides += [(x, "mediator") for x in sorted(by_role["mediator"])]
    if len(sides) > len(agents):
        for (a, role_a), (b, role_b) in itertools.combinations(sides, 2):
            pairs.append((a, b, role_a, role_b, False))
    return [
        replace(
            base,
            source=s,
            target=t,
            source_role=rs,
            target_role=rt,
            is_directed=directed,
            predicate=CK_IRI + rt,
        )
        for s, t, rs, rt, directed in pairs
        if s != t
    ]


def _relation_ties(store: Store, *, base_iri: str, entity: str | None) -> list[tuple[Tie, str]]:
    focus = ""
    if entity is not None:
        focus = f"FILTER(?s = <{entity}> || ?o = <{entity}>)"
    prefix = entity_prefix(base_iri)
    rows = store.select(
        PREFIXES
        + f"""SELECT ?g ?st ?s ?p ?o ?text ?plabel ?modality ?conf WHERE {{
  GRAPH ?g {{
    ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
    FILTER(STRSTARTS(STR(?s), "{prefix}") && STRSTARTS(STR(?o), "{prefix}") && ?s != ?o)
    {focus}
    OPTIONAL {{ ?st ck:relationText ?text }}
    OPTIONAL {{ ?st ck:modality ?modality }}
    OPTIONAL {{ ?st ck:confidence ?conf }}
  }}
  OPTIONAL {{ ?p rdfs:label ?plabel }}
}}"""
    )
    seen: dict[str, tuple[Tie, str]] = {}
    for row in rows:
        statement = row["st"].value
        if statement in seen:
            continue
        modality = term_value(row, "modality")
        conf = term_value(row, "conf")
        tie = Tie(
            source=row["s"].value,
            target=row["o"].value,
            kind="Relation",
            label=term_value(row, "text")
            or term_value(row, "plabel")
            or local_name(row["p"].value),
            is_directed=True,
            source_role="subject",
            target_role="object",
            event=statement,
            predicate=row["p"].value,
            modality=local_name(modality) if modality else None,
            confidence=float(conf) if conf is not None else None,
        )
        seen[statement] = (tie, row["g"].value)
    return [seen[key] for key in sorted(seen)]


def fetch_ties(
    store: Store,
    *,
    base_iri: str,
    entity: str | None = None,
    tie_filter: TieFilter | None = None,
    relations: bool = True,
) -> list[Tie]:
    """Read the ties between entities, with their evidence.

    Events give agent -> target and agent -> location ties (directed) and co-participant ties
    between agents, participants and mediators (undirected) when an event has participants or
    mediators. Open relations whose subject and object are both entities give directed ties.
    A tie's date is the event date, else the report's publication date.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        entity: Only ties of events and relations that involve this entity IRI.
        tie_filter: Which ties to keep; None keeps all.
        relations: Include open relations.

    Returns:
        The ties, ordered by event IRI.
    """
    raw = _event_ties(store, base_iri=base_iri, entity=entity)
    if relations:
        raw += _relation_ties(store, base_iri=base_iri, entity=entity)
    evidence = fetch_evidence(store, graphs={graph for _, graph in raw})
    ties = []
    for tie, graph in raw:
        found = evidence.get(graph)
        date = tie.date or (found.published if found else None)
        full = replace(tie, date=date, evidence=found)
        if tie_filter is None or tie_filter.keeps(full):
            ties.append(full)
    return ties
