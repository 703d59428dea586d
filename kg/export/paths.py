"""Shortest connecting paths between two entities, on an undirected projection of the ties."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from kg.actors import entity_iri
from kg.errors import EntityNotFound
from kg.store.base import Store
from kg.ties import Tie, TieFilter, fetch_ties


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path.

    Attributes:
        source: IRI of the entity the step starts from.
        target: IRI of the entity it reaches.
        ties: The ties joining them (the strongest first: asserted, then by confidence).
    """

    source: str
    target: str
    ties: tuple[Tie, ...]


def _rank(tie: Tie) -> tuple[int, float, str]:
    return (0 if tie.modality == "Asserted" else 1, -(tie.confidence or 0.0), tie.event)


def find_paths(
    store: Store,
    *,
    base_iri: str,
    source: str,
    target: str,
    max_hops: int = 3,
    limit: int = 10,
    tie_filter: TieFilter | None = None,
) -> list[list[Hop]]:
    """The shortest paths joining two entities in at most ``max_hops`` steps.

    Every tie (event roles including locations, and open relations) joins its two ends both
    ways; parallel ties between the same two entities form one step.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.
        source: Key (``antony-blinken``) or IRI of the first entity.
        target: Key or IRI of the second entity.
        max_hops: Longest path to look for.
        limit: Most paths to return.
        tie_filter: Which ties to use.

    Returns:
        The paths, each a list of hops from ``source`` to ``target``; empty if none is short
        enough.

    Raises:
        EntityNotFound: An end is not an entity of the graph.
    """
    import networkx as nx

    ends = [entity_iri(base_iri, end) for end in (source, target)]
    ties_by_pair: dict[frozenset[str], list[Tie]] = defaultdict(list)
    graph: nx.Graph[str] = nx.Graph()
    for tie in fetch_ties(store, base_iri=base_iri, tie_filter=tie_filter):
        ties_by_pair[frozenset((tie.source, tie.target))].append(tie)
        graph.add_edge(tie.source, tie.target)
    for end, given in zip(ends, (source, target), strict=True):
        if end not in graph and not store.ask(f"ASK {{ <{end}> ?p ?o }}"):
            raise EntityNotFound(f"no entity {given!r}; search for one with GET /entities?q=")
    if ends[0] == ends[1] or ends[0] not in graph or ends[1] not in graph:
        return []
    try:
        found = nx.all_shortest_paths(graph, ends[0], ends[1])
        node_paths = list(itertools.islice(found, limit))
    except nx.NetworkXNoPath:
        return []
    return [
        [
            Hop(a, b, tuple(sorted(ties_by_pair[frozenset((a, b))], key=_rank)))
            for a, b in itertools.pairwise(nodes)
        ]
        for nodes in node_paths
        if len(nodes) - 1 <= max_hops
    ]
