"""Checks a SPARQL request passes before it runs: no remote access, only graphs we hold.

The embedded engine would fetch ``SERVICE`` and ``LOAD`` IRIs over the network, and a remote
store may dereference unknown ``FROM`` IRIs, so the endpoint refuses them before execution. This
is a lexical check (strings, comments and IRIs are skipped), not a full parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from kg.errors import InputError
from kg.store.base import Store
from kg.store.sparql_text import dataset_clauses, keywords_used

_IRI: Final = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")
_REFUSED: Final = {
    "SERVICE": "SERVICE (federated queries) is not allowed: this endpoint only queries its own "
    "store; remove the SERVICE clause and query the other endpoint directly",
    "LOAD": "LOAD is not allowed: the server does not fetch data from the network; ingest "
    "files with `kg ingest` or send the triples with INSERT DATA",
}


def check_sparql(sparql: str, *, store: Store, graph_uris: Sequence[str] = ()) -> None:
    """Refuse remote access and unknown dataset graphs.

    Args:
        sparql: The query or update.
        store: The store the request would run on.
        graph_uris: Graph IRIs given as protocol parameters (``default-graph-uri``,
            ``named-graph-uri``).

    Raises:
        InputError: The request uses ``SERVICE`` or ``LOAD``, or names in ``FROM``,
            ``FROM NAMED``, ``USING``, ``WITH`` or a protocol parameter a graph that is not in
            the store.
    """
    check_graphs_held(named_graphs(sparql, graph_uris=graph_uris), store=store)


def named_graphs(sparql: str, *, graph_uris: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The lexical half of :func:`check_sparql`: refuse remote access, list the named graphs.

    It needs no store, so the server runs it on its event loop for small requests.

    Args:
        sparql: The query or update.
        graph_uris: Graph IRIs given as protocol parameters.

    Returns:
        ``(clause, iri)`` for every graph the text or the parameters name, each a checked
        absolute IRI; pass them to :func:`check_graphs_held`.

    Raises:
        InputError: The request uses ``SERVICE`` or ``LOAD``, or a graph name is not an
            absolute IRI.
    """
    refused = sorted(keywords_used(sparql, _REFUSED))
    if refused:
        raise InputError(_REFUSED[refused[0]])
    named = dataset_clauses(sparql)
    named += [("graph parameter", iri) for iri in graph_uris]
    for clause, iri in named:
        check_graph_iri(clause, iri)
    return named


def check_graphs_held(named: Sequence[tuple[str, str]], *, store: Store) -> None:
    """Refuse graphs that are not in the store (the store half of :func:`check_sparql`).

    Args:
        named: ``(clause, iri)`` pairs from :func:`named_graphs`.
        store: The store.

    Raises:
        InputError: A graph is not in the store.
    """
    for clause, iri in named:
        if not store.ask(f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"):
            raise InputError(
                f"{clause} <{iri}> names a graph that is not in the store; list the graphs with "
                "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }, or leave the clause out to query "
                "the union of all graphs"
            )


def check_graph_iri(clause: str, iri: str) -> None:
    """Refuse a graph name that is not an absolute IRI (it could not be written as ``<iri>``).

    Args:
        clause: Where the IRI came from, for the message.
        iri: The IRI.

    Raises:
        InputError: The IRI is not absolute or has characters IRIs cannot hold.

    >>> check_graph_iri("using-graph-uri", "http://ex/g")
    >>> check_graph_iri("using-graph-uri", "http://ex/g> } ; LOAD <http://x")
    Traceback (most recent call last):
    kg.errors.InputError: using-graph-uri 'http://ex/g> } ; LOAD <http://x' is not an ...
    """
    if not _IRI.fullmatch(iri) or ":" not in iri:
        raise InputError(f"{clause} {iri!r} is not an absolute IRI; write it as <http://...>")
