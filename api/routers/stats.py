"""Counts over the store."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.schemas import Stats
from kg.models import ENTITY_TYPES
from kg.store.base import Store

router = APIRouter(tags=["service"])

CK: Final = "https://w3id.org/conflict-kg/ontology#"
_PREFIXES: Final = f"""
PREFIX ck: <{CK}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""
_ENTITY_CLASSES: Final = " ".join(f"ck:{name}" for name in ("Actor", *ENTITY_TYPES))
#: One query per count; class membership follows rdfs:subClassOf through the ontology graph.
COUNT_QUERIES: Final[dict[str, str]] = {
    "documents": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a schema:NewsArticle }",
    "entities": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { "
    f"VALUES ?c {{ {_ENTITY_CLASSES} }} ?x a/rdfs:subClassOf* ?c }}",
    "events": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a/rdfs:subClassOf* ck:Event }",
    "statements": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rdf:Statement }",
}


def count_all(store: Store) -> Stats:
    """Count quads, named graphs, documents, entities, events and statements.

    Args:
        store: The store.

    Returns:
        The counts.
    """
    counts = {}
    for name, query in COUNT_QUERIES.items():
        rows = store.select(_PREFIXES + query)
        counts[name] = int(rows[0]["n"].value) if rows and "n" in rows[0] else 0
    return Stats(quads=len(store), graphs=len(store.named_graphs()), **counts)


@router.get("/stats", response_model=Stats, summary="Counts")
async def stats(store: StoreDep) -> Stats:
    """Count quads, named graphs, documents, entities, events and rdf:Statement nodes."""
    return await run_in_threadpool(count_all, store)
