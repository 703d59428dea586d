"""The one storage seam: a protocol that every backend implements.

Backends translate their own exceptions into :mod:`kg.errors` here, so nothing above the seam
catches backend types. Terms cross the seam as N-Triples strings (``<iri>``, ``"lit"@en``,
``"1"^^<xsd:int>``) or as parsed :class:`Term` values in :meth:`Store.select` results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

ResultFormat = Literal[
    "json", "xml", "csv", "tsv", "turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld"
]
DumpFormat = Literal["nquads", "trig", "turtle", "ntriples", "jsonld", "rdfxml"]
QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

#: Result formats of SELECT and ASK queries.
SOLUTION_FORMATS: tuple[ResultFormat, ...] = ("json", "xml", "csv", "tsv")
#: Result formats of CONSTRUCT and DESCRIBE queries.
GRAPH_FORMATS: tuple[ResultFormat, ...] = (
    "turtle",
    "ntriples",
    "nquads",
    "trig",
    "rdfxml",
    "jsonld",
)
#: The media type of each result format.
MEDIA_TYPES: dict[ResultFormat, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as returned by :meth:`Store.select`.

    Attributes:
        kind: ``iri``, ``literal`` or ``bnode``.
        value: The IRI, the lexical form or the blank node id.
        datatype: Literal datatype IRI, if any.
        language: Literal language tag, if any.
    """

    kind: Literal["iri", "literal", "bnode"]
    value: str
    datatype: str | None = None
    language: str | None = None

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Quad:
    """One quad: subject, predicate and object are N-Triples term strings (``<iri>``,
    ``"lit"@en``, ``_:b``); ``graph`` is a bare IRI without angle brackets, or None for the
    default graph."""

    subject: str
    predicate: str
    object: str
    graph: str | None


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Serialised result of :meth:`Store.query`.

    Attributes:
        body: The serialised result.
        media_type: Its media type.
        form: The query form that produced it.
        truncated: Rows (solutions or triples) were left off because of ``max_rows``; the
            body is still a complete document.
    """

    body: bytes
    media_type: str
    form: QueryForm
    truncated: bool = False


@runtime_checkable
class Store(Protocol):
    """A quad store holding the conflict graph."""

    def replace_graphs(self, *, remove: Sequence[str], quads: Iterable[Quad]) -> None:
        """Atomically drop the named graphs ``remove`` and add ``quads``.

        Raises:
            StoreError: The write failed; the store is unchanged.
        """
        ...

    def replace_all(self, quads: Iterable[Quad]) -> None:
        """Atomically replace everything the store holds (all graphs) with ``quads``.

        ``quads`` is read once, as a stream: backends hold only a bounded part of it as Python
        objects, so a dump far larger than memory allows as Python objects can be restored.

        Raises:
            StoreError: A quad is malformed or the write failed; the store is unchanged.
                Whatever ``quads`` raises while it is read propagates, and the store is
                unchanged too.
        """
        ...

    def named_graphs(self) -> list[str]:
        """IRIs of every named graph in the store."""
        ...

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
    ) -> QueryResult:
        """Run a SPARQL query and serialise the result.

        Without dataset parameters the default graph is the union of all graphs. With
        ``max_rows``, at most that many solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) are
        returned and :attr:`QueryResult.truncated` says whether any were left off. ``timeout``
        is a cooperative limit: a backend stops the query where it can (the embedded store
        between rows; a remote store by its HTTP timeout). Hard limits are the job of
        :class:`kg.store.query_pool.QueryPool`. ``base_iri`` resolves relative IRIs (the
        protocol endpoint passes its own URL); a ``BASE`` in the query still wins.

        Raises:
            QuerySyntaxError: The query does not parse.
            UnsupportedFormat: The format does not fit the query form.
            QueryTimeout: The query ran over ``timeout``.
        """
        ...

    def select(self, sparql: str) -> list[dict[str, Term]]:
        """Run a SELECT query and return its rows (unbound variables are absent).

        Raises:
            QuerySyntaxError: The query does not parse or is not a SELECT.
        """
        ...

    def ask(self, sparql: str) -> bool:
        """Run an ASK query.

        Raises:
            QuerySyntaxError: The query does not parse or is not an ASK.
        """
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction.

        Raises:
            QuerySyntaxError: The update does not parse.
        """
        ...

    def dump(self, fmt: DumpFormat) -> bytes:
        """Serialise the whole store (all graphs)."""
        ...

    def read_graph(self, graph_iri: str | None, fmt: DumpFormat) -> bytes | None:
        """Serialise one graph (None: the default graph) as turtle, ntriples, rdfxml or jsonld.

        Returns:
            The serialisation, or None if the named graph does not exist.

        Raises:
            UnsupportedFormat: The format cannot hold a single graph.
        """
        ...

    def write_graph(
        self,
        graph_iri: str | None,
        data: bytes,
        fmt: DumpFormat,
        *,
        replace: bool,
        base_iri: str | None = None,
    ) -> bool:
        """Replace (``replace=True``) or add to one graph with an RDF document, atomically.

        Returns:
            Whether the graph was created.

        Raises:
            UnsupportedFormat: The format cannot hold a single graph.
            InputError: The document does not parse; nothing was written.
        """
        ...

    def drop_graph(self, graph_iri: str | None) -> bool:
        """Delete a named graph, or empty the default graph (None).

        Returns:
            Whether there was a graph to delete.
        """
        ...

    def quads(self) -> list[Quad]:
        """Every quad in the store."""
        ...

    def search_labels(
        self,
        text: str,
        *,
        types: Sequence[str] | None = None,
        limit: int | None = 20,
        offset: int = 0,
    ) -> list[tuple[str, str, float]]:
        """Subjects with a name (``rdfs:label``, ``skos:altLabel``, ``ck:trigger``) matching
        every word of ``text``, best first, each once with its best-matching name.

        The embedded store uses a full-text index (word prefixes, ignoring case and accents);
        a remote store scans with SPARQL ``CONTAINS`` (substrings, ignoring case).

        Args:
            text: Words to look for; without any word nothing matches.
            types: Only subjects typed with one of these class IRIs (None: any ``ck:`` class).
            limit: Most hits (None: all).
            offset: Hits to skip.

        Returns:
            ``(iri, name, score)`` triples; higher scores match better.
        """
        ...

    def __len__(self) -> int:
        """Number of quads."""
        ...

    def close(self) -> None:
        """Release the store (flush and unlock)."""
        ...
