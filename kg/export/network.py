"""The actor network as a networkx graph: nodes are entities, edges are ties.

networkx is imported lazily, so importing :mod:`kg.export` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from kg.actors import VISIT_CLASSES, Actor, fetch_actors
from kg.store.base import Store
from kg.ties import Tie, TieFilter, fetch_ties

if TYPE_CHECKING:
    import networkx as nx

#: Node colours (r, g, b) by entity class, for Gephi.
CLASS_COLOURS: Final[dict[str, tuple[int, int, int]]] = {
    "Person": (228, 26, 28),
    "State": (55, 126, 184),
    "GovernmentBody": (77, 175, 74),
    "ArmedGroup": (152, 78, 163),
    "InternationalOrganization": (255, 127, 0),
    "Organization": (166, 86, 40),
    "PopulationGroup": (247, 129, 191),
    "Location": (153, 153, 153),
}


def is_exported(tie: Tie) -> bool:
    """Whether a tie belongs in the Gephi network.

    Agent -> location ties are kept only for visits (where the place is what was visited).

    Args:
        tie: The tie.

    Returns:
        True to export it.
    """
    return tie.target_role != "location" or tie.kind in VISIT_CLASSES


def tie_key(tie: Tie) -> str:
    """A key unique to a tie: its event, both ends and their roles.

    Args:
        tie: The tie.

    Returns:
        The key.
    """
    return f"{tie.event}|{tie.source}|{tie.source_role}|{tie.target}|{tie.target_role}"


def node_attributes(actor: Actor) -> dict[str, str]:
    """The plain-string node attributes of an actor (empty strings for missing values).

    Args:
        actor: The actor.

    Returns:
        Attribute name -> value.
    """
    return {
        "label": actor.label,
        "iri": actor.iri,
        "class": actor.type,
        "country": actor.country.rsplit("/", 1)[-1] if actor.country else "",
        "wikidata": actor.wikidata_id or "",
        "cameo_actor": actor.cameo_code or "",
    }


def edge_attributes(tie: Tie) -> dict[str, str | float]:
    """The plain node-free attributes of a tie (strings and a float confidence).

    Args:
        tie: The tie.

    Returns:
        Attribute name -> value.
    """
    evidence = tie.evidence
    return {
        "label": tie.label,
        "kind": tie.kind,
        "event": tie.event,
        "cameo": tie.cameo_code or "",
        "plover": tie.plover_type or "",
        "modality": tie.modality or "",
        "confidence": tie.confidence if tie.confidence is not None else 0.0,
        "date": tie.date or "",
        "doc_id": evidence.doc_id if evidence else "",
        "evidence": evidence.sentence if evidence else "",
    }


def load_network(
    store: Store, *, base_iri: str, tie_filter: TieFilter | None = None, all_locations: bool = False
) -> tuple[dict[str, Actor], list[Tie]]:
    """Read the actors and the ties to export.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        tie_filter: Which ties to keep.
        all_locations: Keep every agent -> location tie, not only visits.

    Returns:
        The actors that take part in a kept tie (by IRI) and the ties.
    """
    ties = [
        t
        for t in fetch_ties(store, base_iri=base_iri, tie_filter=tie_filter)
        if all_locations or is_exported(t)
    ]
    actors = fetch_actors(store, base_iri=base_iri)
    ties = [t for t in ties if t.source in actors and t.target in actors]
    used = {t.source for t in ties} | {t.target for t in ties}
    return {iri: actor for iri, actor in actors.items() if iri in used}, ties


def to_networkx(
    store: Store,
    *,
    base_iri: str,
    modality: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> nx.MultiDiGraph[str]:
    """The actor network as a directed multigraph.

    Nodes are entity keys with :func:`node_attributes`; each tie is one edge keyed by
    :func:`tie_key` with :func:`edge_attributes` and ``directed``
    (False for co-participants). Only actors that take part in a kept tie are nodes.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        modality: Keep only ties with this modality (e.g. ``Asserted``).
        since: Keep only ties dated on or after this ``YYYY-MM-DD``.
        until: Keep only ties dated on or before this ``YYYY-MM-DD``.

    Returns:
        The graph.
    """
    import networkx as nx

    tie_filter = TieFilter(modality=(modality,) if modality else (), since=since, until=until)
    actors, ties = load_network(store, base_iri=base_iri, tie_filter=tie_filter)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for actor in sorted(actors.values(), key=lambda a: a.key):
        graph.add_node(actor.key, **node_attributes(actor))
    for tie in ties:
        graph.add_edge(
            actors[tie.source].key,
            actors[tie.target].key,
            key=tie_key(tie),
            directed=tie.is_directed,
            **edge_attributes(tie),
        )
    return graph
