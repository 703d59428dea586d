"""Network analytics over the actor network: degree, betweenness, communities, pair counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kg.actors import Actor
from kg.store.base import Store
from kg.ties import Tie


@dataclass(frozen=True, slots=True)
class ActorMetrics:
    """Centrality and community of one actor.

    Attributes:
        key: The actor's key.
        label: Its name.
        degree: Ties it takes part in.
        betweenness: Normalised betweenness centrality on the undirected simple projection.
        community: Community number (greedy modularity; 0 is the largest).
    """

    key: str
    label: str
    degree: int
    betweenness: float
    community: int


def actor_metrics(actors: dict[str, Actor], ties: Sequence[Tie]) -> dict[str, ActorMetrics]:
    """Degree, betweenness and community of every actor that takes part in a tie.

    Args:
        actors: Actors by IRI.
        ties: The ties between them.

    Returns:
        Metrics by actor IRI.
    """
    import networkx as nx
    from networkx.algorithms.community import greedy_modularity_communities

    graph: nx.Graph[str] = nx.Graph()
    degree: Counter[str] = Counter()
    for tie in ties:
        degree[tie.source] += 1
        degree[tie.target] += 1
        graph.add_edge(tie.source, tie.target)
    graph.add_nodes_from(iri for iri in actors if iri in degree)
    betweenness = nx.betweenness_centrality(graph) if graph.number_of_nodes() else {}
    community: dict[str, int] = {}
    if graph.number_of_edges():
        groups = greedy_modularity_communities(graph)
        ranked = sorted(groups, key=lambda g: (-len(g), min(g)))
        for number, members in enumerate(ranked):
            for iri in members:
                community[iri] = number
    return {
        iri: ActorMetrics(
            key=actors[iri].key,
            label=actors[iri].label,
            degree=degree[iri],
            betweenness=round(float(betweenness.get(iri, 0.0)), 6),
            community=community.get(iri, 0),
        )
        for iri in graph.nodes
        if iri in actors
    }


def pair_counts(ties: Sequence[Tie], *, period: int = 7) -> list[tuple[str, str, str, int]]:
    """Ties per actor pair per period (by date prefix), most frequent first.

    Args:
        ties: The ties.
        period: Characters of the ``YYYY-MM-DD`` date to group by: 4 year, 7 month, 10 day.

    Returns:
        ``(source IRI, target IRI, period, count)`` rows; undated ties fall in period ``""``.
        Undirected pairs are counted under their sorted order.
    """
    counts: Counter[tuple[str, str, str]] = Counter()
    for tie in ties:
        a, b = (tie.source, tie.target)
        if not tie.is_directed and b < a:
            a, b = b, a
        counts[(a, b, (tie.date or "")[:period])] += 1
    return sorted(
        ((a, b, when, n) for (a, b, when), n in counts.items()),
        key=lambda row: (-row[3], row[2], row[0], row[1]),
    )


@dataclass(frozen=True, slots=True)
class ActorReport:
    """Network analytics of the whole actor network.

    Attributes:
        actors: Metrics of every actor, by degree then betweenness (highest first).
        pairs: ``(source key, target key, month, ties)`` rows, most ties first.
    """

    actors: list[ActorMetrics]
    pairs: list[tuple[str, str, str, int]]


def analyse_actors(store: Store, *, base_iri: str) -> ActorReport:
    """Degree, betweenness and communities of actors, and ties per actor pair per month.

    Args:
        store: The store.
        base_iri: The instance-data base IRI.

    Returns:
        The report.
    """
    from kg.export.network import load_network

    actors, ties = load_network(store, base_iri=base_iri)
    metrics = sorted(
        actor_metrics(actors, ties).values(),
        key=lambda m: (-m.degree, -m.betweenness, m.key),
    )
    pairs = [
        (actors[a].key, actors[b].key, when, n) for a, b, when, n in pair_counts(ties, period=7)
    ]
    return ActorReport(actors=metrics, pairs=pairs)
