"""Whole-graph reads and writes of the remote backend, in plain SPARQL.

Part of :class:`kg.store.sparql_store.SparqlStore`, split out to keep modules small. A named
graph "exists" here when it holds at least one triple (SPARQL cannot see empty graphs).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from kg.errors import InputError, UnsupportedFormat
from kg.store.base import DumpFormat, QueryResult, ResultFormat, Term
from kg.store.label_index import LabelHit, sparql_label_search

CLEAR_DEFAULT = "CLEAR SILENT DEFAULT"
_TRIPLE_FORMATS: dict[DumpFormat, str] = {
    "turtle": "turtle",
    "ntriples": "nt",
    "rdfxml": "xml",
    "jsonld": "json-ld",
}


class SparqlGraphs:
    """Mixin: whole-graph operations over ``self.query``/``self.ask``/``self.update``."""

    def query(
        self,
        sparql: str,
        *,
        result_format: ResultFormat = "json",
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:  # provided by SparqlStore
        raise NotImplementedError

    def ask(self, sparql: str) -> bool:  # provided by SparqlStore
        raise NotImplementedError

    def update(self, sparql: str) -> None:  # provided by SparqlStore
        raise NotImplementedError

    def select(self, sparql: str) -> list[dict[str, Term]]:  # provided by SparqlStore
        raise NotImplementedError

    def search_labels(
        self,
        text: str,
        *,
        types: Sequence[str] | None = None,
        limit: int | None = 20,
        offset: int = 0,
    ) -> list[LabelHit]:
        """Name search by a SPARQL ``CONTAINS`` scan (a remote store has no full-text index);
        see :func:`kg.store.label_index.sparql_label_search`."""
        return sparql_label_search(self.select, text, types=types, limit=limit, offset=offset)

    def read_graph(self, graph_iri: str | None, fmt: DumpFormat) -> bytes | None:
        """Serialise one graph; see :meth:`kg.store.oxigraph_graphs.OxigraphGraphs.read_graph`."""
        _check_format(fmt)
        if graph_iri is None:
            return self.query("CONSTRUCT WHERE { ?s ?p ?o }", result_format=fmt).body
        if not self._has_graph(graph_iri):
            return None
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
        return self.query(sparql, result_format=fmt).body

    def write_graph(
        self,
        graph_iri: str | None,
        data: bytes,
        fmt: DumpFormat,
        *,
        replace: bool,
        base_iri: str | None = None,
    ) -> bool:
        """Replace or add to one graph in one update request; see
        :meth:`kg.store.oxigraph_graphs.OxigraphGraphs.write_graph`."""
        import rdflib  # only to parse the body

        rdflib_format = _check_format(fmt)
        try:
            with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about its own API
                warnings.simplefilter("ignore", DeprecationWarning)
                graph = rdflib.Graph().parse(data=data, format=rdflib_format, publicID=base_iri)
        except Exception as exc:  # rdflib raises many types for bad input
            raise InputError(f"the {fmt} body does not parse: {exc}; nothing was written") from exc
        triples = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        is_new = graph_iri is not None and not self._has_graph(graph_iri)
        block = f"GRAPH <{graph_iri}> {{\n{triples}}}" if graph_iri else triples
        parts = []
        if replace:
            parts.append(f"DROP SILENT GRAPH <{graph_iri}>" if graph_iri else CLEAR_DEFAULT)
        if triples.strip():
            parts.append(f"INSERT DATA {{\n{block}\n}}")
        if parts:
            self.update(" ;\n".join(parts))
        return is_new

    def drop_graph(self, graph_iri: str | None) -> bool:
        """Delete one graph; see :meth:`kg.store.oxigraph_graphs.OxigraphGraphs.drop_graph`."""
        if graph_iri is None:
            self.update(CLEAR_DEFAULT)
            return True
        if not self._has_graph(graph_iri):
            return False
        self.update(f"DROP SILENT GRAPH <{graph_iri}>")
        return True

    def _has_graph(self, graph_iri: str) -> bool:
        return self.ask(f"ASK {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")


def _check_format(fmt: DumpFormat) -> str:
    if fmt not in _TRIPLE_FORMATS:
        raise UnsupportedFormat(
            f"a single graph cannot be read or written as {fmt!r}; use one of "
            + ", ".join(_TRIPLE_FORMATS)
        )
    return _TRIPLE_FORMATS[fmt]
