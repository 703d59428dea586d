"""Whole-graph reads and writes of the Oxigraph backend (the Graph Store HTTP Protocol's needs).

Part of :class:`kg.store.oxigraph_store.OxigraphStore`, split out to keep modules small.

>>> from kg.store.oxigraph_store import OxigraphStore
>>> store = OxigraphStore(":memory:")
>>> store.write_graph("http://ex/g", b"<http://ex/s> <http://ex/p> 1 .", "turtle", replace=True)
True
>>> store.read_graph("http://ex/g", "ntriples").decode().strip()
'<http://ex/s> <http://ex/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'
>>> store.drop_graph("http://ex/g"), store.read_graph("http://ex/g", "turtle")
(True, None)
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Final

import pyoxigraph as ox

from kg.errors import InputError, StoreError, UnsupportedFormat
from kg.store.base import DumpFormat
from kg.store.oxigraph_terms import GRAPH_FORMATS, data_block, named_node

#: Formats that hold one graph (no graph names), for reading and writing single graphs.
TRIPLE_FORMATS: Final[tuple[DumpFormat, ...]] = ("turtle", "ntriples", "rdfxml", "jsonld")


class OxigraphGraphs:
    """Mixin: whole-graph operations on ``self._db``; ``self.generation`` counts writes."""

    generation: int

    @property
    def _db(self) -> ox.Store:  # provided by OxigraphStore
        raise NotImplementedError

    def _unindexed_write(self) -> AbstractContextManager[None]:  # provided by OxigraphLabels
        raise NotImplementedError

    def read_graph(self, graph_iri: str | None, fmt: DumpFormat) -> bytes | None:
        """Serialise one graph.

        Args:
            graph_iri: A named graph, or None for the default graph.
            fmt: ``turtle``, ``ntriples``, ``rdfxml`` or ``jsonld``.

        Returns:
            The serialisation, or None if the named graph does not exist.

        Raises:
            UnsupportedFormat: ``fmt`` cannot hold a graph.
        """
        rdf_format = _triple_format(fmt)
        graph = _graph(graph_iri)
        if isinstance(graph, ox.NamedNode) and not self._db.contains_named_graph(graph):
            return None
        try:
            body = self._db.dump(format=rdf_format, from_graph=graph)
        except OSError as exc:
            raise StoreError(f"reading the graph failed: {exc}") from exc
        return body or b""

    def write_graph(
        self,
        graph_iri: str | None,
        data: bytes,
        fmt: DumpFormat,
        *,
        replace: bool,
        base_iri: str | None = None,
    ) -> bool:
        """Replace (``replace=True``) or add to one graph, in one transaction.

        Args:
            graph_iri: A named graph, or None for the default graph.
            data: The RDF document.
            fmt: Its format: ``turtle``, ``ntriples``, ``rdfxml`` or ``jsonld``.
            replace: Drop what the graph held first.
            base_iri: Base IRI for relative IRIs in ``data``.

        Returns:
            Whether the graph was created (it did not exist before).

        Raises:
            UnsupportedFormat: ``fmt`` cannot hold a graph.
            InputError: ``data`` does not parse; nothing was written.
        """
        rdf_format = _triple_format(fmt)
        graph = _graph(graph_iri)
        try:
            parsed = list(ox.parse(data, format=rdf_format, base_iri=base_iri))
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"the {fmt} body does not parse: {exc}; nothing was written") from exc
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]
        is_new = isinstance(graph, ox.NamedNode) and not self._db.contains_named_graph(graph)
        parts = []
        if replace:
            parts.append(f"DROP SILENT GRAPH {graph}" if graph_iri else "CLEAR SILENT DEFAULT")
        if isinstance(graph, ox.NamedNode):
            parts.append(f"CREATE SILENT GRAPH {graph}")
        if quads:
            parts.append("INSERT DATA {\n" + data_block(quads) + "}")
        if parts:
            try:
                with self._unindexed_write():
                    self._db.update(" ;\n".join(parts))
            except (SyntaxError, RuntimeError, OSError) as exc:
                raise StoreError(f"writing the graph failed, it is unchanged: {exc}") from exc
            finally:
                self.generation += 1
        return is_new

    def drop_graph(self, graph_iri: str | None) -> bool:
        """Delete a named graph, or empty the default graph.

        Args:
            graph_iri: A named graph, or None for the default graph.

        Returns:
            Whether there was a graph to delete (always True for the default graph).
        """
        graph = _graph(graph_iri)
        if isinstance(graph, ox.NamedNode) and not self._db.contains_named_graph(graph):
            return False
        try:
            with self._unindexed_write():
                self._db.update(
                    f"DROP SILENT GRAPH {graph}" if graph_iri else "CLEAR SILENT DEFAULT"
                )
        except (SyntaxError, RuntimeError, OSError) as exc:
            raise StoreError(f"deleting the graph failed, it is unchanged: {exc}") from exc
        finally:
            self.generation += 1
        return True


def _graph(graph_iri: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph_iri is None else named_node(graph_iri)


def _triple_format(fmt: DumpFormat) -> ox.RdfFormat:
    if fmt not in TRIPLE_FORMATS:
        raise UnsupportedFormat(
            f"a single graph cannot be read or written as {fmt!r}; use one of "
            + ", ".join(TRIPLE_FORMATS)
        )
    return GRAPH_FORMATS[fmt]
