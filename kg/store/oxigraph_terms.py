"""Conversions between pyoxigraph values and the store seam's types (part of the Oxigraph backend).

Split out of :mod:`kg.store.oxigraph_store` to keep modules small; only the ``oxigraph_*``
modules import :mod:`pyoxigraph`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any, Final

import pyoxigraph as ox

from kg.errors import QuerySyntaxError, QueryTimeout, StoreError, UnsupportedFormat
from kg.store.base import Quad, Term
from kg.store.label_index import CK, NAME_PREDICATES, RDF_TYPE

XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

SOLUTION_FORMATS: Final[dict[str, ox.QueryResultsFormat]] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: Final[dict[str, ox.RdfFormat]] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}

#: Prefixes written into Turtle and TriG dumps.
DUMP_PREFIXES: Final[dict[str, str]] = {
    "ck": "https://w3id.org/conflict-kg/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
}

_OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def take_rows(
    rows: ox.QuerySolutions | ox.QueryTriples, limit: int | None, deadline: float | None
) -> tuple[list[Any], bool]:
    """The first ``limit`` rows and whether there were more; checks the deadline as it goes."""
    taken: list[Any] = []
    for row in rows:
        if limit is not None and len(taken) >= limit:
            return taken, True
        taken.append(row)
        if deadline is not None and len(taken) % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeout(
                "the query ran over its time limit; make it more selective (add a LIMIT, a "
                "more specific pattern) or ask the operator to raise --query-timeout"
            )
    return taken, False


def named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri.removeprefix("<").removesuffix(">"))
    except ValueError as exc:
        raise QuerySyntaxError(f"{iri!r} is not a valid IRI: {exc}; give an absolute IRI") from exc


def parse_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    return list(iter_parsed_quads(quads))


def iter_parsed_quads(quads: Iterable[Quad], *, chunk: int = 10_000) -> Iterator[ox.Quad]:
    """Parse seam quads into pyoxigraph quads as a stream, ``chunk`` quads at a time.

    Raises:
        StoreError: A quad is malformed.
    """
    lines: list[str] = []
    for quad in quads:
        graph = f" {bracket(quad.graph)}" if quad.graph else ""
        lines.append(f"{quad.subject} {quad.predicate} {quad.object}{graph} .\n")
        if len(lines) >= chunk:
            yield from _parse_lines(lines)
            lines = []
    yield from _parse_lines(lines)


def _parse_lines(lines: list[str]) -> list[ox.Quad]:
    try:
        return list(ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise StoreError(
            f'malformed quad ({exc}); terms must be N-Triples (<iri>, "literal", _:b) and the '
            "graph a bare IRI. Nothing was written."
        ) from exc


def bracket(iri: str) -> str:
    return iri if iri.startswith("<") else f"<{iri}>"


def data_block(quads: list[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        by_graph.setdefault(key, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
    parts = []
    for graph, triples in by_graph.items():
        body = "\n".join(triples)
        parts.append(f"GRAPH {graph} {{\n{body}\n}}\n" if graph else body + "\n")
    return "".join(parts)


def to_term(value: _OxTerm) -> Term:
    if isinstance(value, ox.NamedNode):
        return Term("iri", value.value)
    if isinstance(value, ox.BlankNode):
        return Term("bnode", value.value)
    if isinstance(value, ox.Literal):
        datatype = value.datatype.value
        if value.language or datatype in (XSD_STRING, RDF_LANG_STRING):
            return Term("literal", value.value, language=value.language)
        return Term("literal", value.value, datatype=datatype)
    return Term("literal", str(value))  # an RDF 1.2 triple term


def to_quad(quad: ox.Quad) -> Quad:
    graph = quad.graph_name
    graph_iri = graph.value if isinstance(graph, ox.NamedNode) else None
    if isinstance(graph, ox.BlankNode):
        graph_iri = str(graph)
    return Quad(str(quad.subject), str(quad.predicate), str(quad.object), graph_iri)


def running_error(exc: OSError | RuntimeError) -> StoreError:
    """The library error for an engine failure while a query runs."""
    if isinstance(exc, RuntimeError):
        return QuerySyntaxError(f"the query failed while running: {exc}")
    return StoreError(f"the query failed while running: {exc}")


def syntax_error(exc: SyntaxError, what: str) -> QuerySyntaxError:
    """The library error for a query or update that does not parse."""
    return QuerySyntaxError(
        f"the SPARQL {what} does not parse: {exc}. Check the syntax at that line and column "
        "(prefixes declared, braces balanced, IRIs in <...>)."
    )


def format_error(form: str, fmt: str, allowed: dict[str, Any]) -> UnsupportedFormat:
    """The library error for a result format that does not fit the query form."""
    return UnsupportedFormat(
        f"{form} results cannot be given as {fmt!r}; use one of {', '.join(allowed)}"
    )


def index_rows(quads: Iterable[ox.Quad]) -> list[tuple[str, str, str, str]]:
    """The rows of :class:`kg.store.label_index.LabelIndex` that ``quads`` make.

    Args:
        quads: Quads (the inserted ones, or all name and type quads of the store).

    Returns:
        ``(graph, subject, predicate, value)`` of named-node subjects' names and ``ck:`` types.
    """
    rows = []
    for quad in quads:
        subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if (predicate in NAME_PREDICATES and isinstance(obj, ox.Literal)) or (
            predicate == RDF_TYPE and isinstance(obj, ox.NamedNode) and obj.value.startswith(CK)
        ):
            graph = quad.graph_name
            name = graph.value if isinstance(graph, ox.NamedNode) else ""
            rows.append((name, subject.value, predicate, obj.value))
    return rows
