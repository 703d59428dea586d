"""Counts of what a store holds: by class, by kind of graph, by report (``kg stats``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kg.ids import ontology_graph_iri
from kg.pipeline import list_reports
from kg.store.base import Store


def graph_kind(graph: str, base_iri: str) -> str:
    """The kind of a graph: ``sentence``, ``entities``, ``provenance``, ``ontology`` or ``other``.

    >>> graph_kind("https://w3id.org/conflict-kg/id/graph/a1-s3", "https://w3id.org/conflict-kg/id/")
    'sentence'
    """
    prefix = f"{base_iri}graph/"
    if graph == ontology_graph_iri(base_iri):
        return "ontology"
    if not graph.startswith(prefix):
        return "other"
    name = graph[len(prefix) :]
    tail = name.rsplit("-", 1)[-1] if "-" in name else ""
    if len(tail) > 1 and tail[0] == "s" and tail[1:].isdigit():
        return "sentence"
    return tail or "other"


def _count_rows(kg_store: Store, sparql: str, key: str) -> list[tuple[str, int]]:
    return [(row[key].value, int(row["n"].value)) for row in kg_store.select(sparql) if key in row]


@dataclass(frozen=True, slots=True)
class StoreStats:
    """What ``kg stats`` reports."""

    quads: int
    classes: dict[str, int]
    graphs: dict[str, dict[str, int]]
    documents: list[dict[str, Any]]


def collect_stats(
    kg_store: Store, *, base_iri: str, compact: Callable[[str], str] = str
) -> StoreStats:
    """Count quads by class, by graph kind and by report.

    Args:
        kg_store: The store.
        base_iri: Base of instance IRIs (to tell graph kinds apart).
        compact: Shortens class IRIs for display (e.g. to ``ck:Attack``).
    """
    ontology = ontology_graph_iri(base_iri)
    classes = _count_rows(
        kg_store,
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } "
        f"FILTER(?g != <{ontology}>) }} GROUP BY ?class ORDER BY DESC(?n) ?class",
        "class",
    )
    per_graph = _count_rows(
        kg_store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "g"
    )
    kinds: dict[str, dict[str, int]] = {}
    for graph, count in per_graph:
        entry = kinds.setdefault(graph_kind(graph, base_iri), {"graphs": 0, "quads": 0})
        entry["graphs"] += 1
        entry["quads"] += count
    return StoreStats(
        quads=len(kg_store),
        classes={compact(iri): count for iri, count in classes},
        graphs=dict(sorted(kinds.items())),
        documents=list_reports(kg_store, base_iri=base_iri),
    )
