"""The embedded store: Oxigraph, in memory or persistent on disk.

This is the only module that imports :mod:`pyoxigraph`. Its exceptions are translated into
:mod:`kg.errors` here.

>>> store = OxigraphStore(":memory:")
>>> store.replace_graphs(remove=[], quads=[Quad("<http://ex/s>", "<http://ex/p>", '"o"', "http://ex/g")])
>>> store.ask("ASK { <http://ex/s> <http://ex/p> 'o' }")
True
>>> store.named_graphs()
['http://ex/g']
>>> store.close()
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox

from kg.errors import QuerySyntaxError, StoreError, StoreUnavailable, UnsupportedFormat
from kg.store.base import MEDIA_TYPES, DumpFormat, Quad, QueryForm, QueryResult, ResultFormat, Term
from kg.store.sparql_text import dataset_clauses, query_form

logger = logging.getLogger(__name__)

MEMORY: Final = ":memory:"
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_SOLUTION_FORMATS: Final[dict[str, ox.QueryResultsFormat]] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS: Final[dict[str, ox.RdfFormat]] = {
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


class OxigraphStore:
    """An Oxigraph store, in memory or persistent in a directory.

    Queries without dataset parameters (and without ``FROM``) see the union of all graphs as
    their default graph.

    Args:
        path: A directory (created if missing) for a persistent store; None or ``":memory:"``
            for an in-memory one.

    Raises:
        StoreUnavailable: The directory cannot be opened, e.g. another process holds its lock.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path: Path | None = None if path is None or str(path) == MEMORY else Path(path)
        try:
            if self.path is None:
                self._store: ox.Store | None = ox.Store()
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" not in str(exc).lower():
                raise StoreUnavailable(
                    f"cannot open the store at {self.path}: {exc}. Check that it is a directory "
                    "you can write to, or use another --store directory."
                ) from exc
            raise StoreUnavailable(
                f"cannot open the store at {self.path}: {exc}. Another kg process (e.g. a "
                "running `kg serve`) may hold the store; stop it, or while it runs query it "
                "through its HTTP endpoint (--store http://127.0.0.1:8000/sparql), or use "
                "another --store directory."
            ) from exc

    def __repr__(self) -> str:
        return f"OxigraphStore({str(self.path) if self.path else MEMORY!r})"

    @property
    def _db(self) -> ox.Store:
        if self._store is None:
            raise StoreUnavailable("the store is closed; open it again with open_store()")
        return self._store

    # ------------------------------------------------------------------ writes
    def replace_graphs(self, *, remove: Sequence[str], quads: Iterable[Quad]) -> None:
        """Atomically drop the named graphs ``remove`` and add ``quads``.

        The quads are parsed (validated) first, then one SPARQL update drops the graphs and
        inserts the quads in a single transaction, so a failure leaves the store unchanged.

        Args:
            remove: IRIs of named graphs to drop (absent graphs are ignored).
            quads: Quads to insert; terms in N-Triples syntax, graph a bare IRI or None.

        Raises:
            StoreError: A quad is malformed or the write failed; the store is unchanged.
        """
        parsed = _parse_quads(quads)
        parts = [f"DROP SILENT GRAPH {_named_node(iri)}" for iri in remove]
        if parsed:
            parts.append("INSERT DATA {\n" + _data_block(parsed) + "}")
        if not parts:
            return
        try:
            self._db.update(" ;\n".join(parts))
        except (SyntaxError, RuntimeError, OSError) as exc:
            raise StoreError(f"replacing graphs failed, the store is unchanged: {exc}") from exc

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction.

        Args:
            sparql: The update.

        Raises:
            QuerySyntaxError: The update does not parse, or fails on the data (e.g. ``DROP GRAPH``
                of a graph that does not exist); the store is unchanged.
            StoreError: Storage failed; the store is unchanged.
        """
        try:
            self._db.update(sparql)
        except SyntaxError as exc:
            raise _syntax_error(exc, "update") from exc
        except RuntimeError as exc:
            raise QuerySyntaxError(
                f"the update failed and nothing was changed: {exc}. Use SILENT (e.g. DROP "
                "SILENT GRAPH) to ignore missing graphs."
            ) from exc
        except OSError as exc:
            raise StoreError(f"the update failed and was rolled back: {exc}") from exc

    # ------------------------------------------------------------------ reads
    def query(
        self,
        sparql: str,
        *,
        result_format: ResultFormat = "json",
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> QueryResult:
        """Run a SPARQL query and serialise its result.

        Args:
            sparql: The query.
            result_format: ``json``/``xml``/``csv``/``tsv`` for SELECT and ASK;
                ``turtle``/``ntriples``/``nquads``/``trig``/``rdfxml``/``jsonld`` for
                CONSTRUCT and DESCRIBE.
            default_graph_uris: Graphs whose merge is the default graph (protocol
                ``default-graph-uri``).
            named_graph_uris: Graphs available to ``GRAPH`` (protocol ``named-graph-uri``).

        Returns:
            The serialised result with its media type and query form.

        Raises:
            QuerySyntaxError: The query does not parse.
            UnsupportedFormat: The format does not fit the query form.
        """
        result = self._run(sparql, default_graph_uris, named_graph_uris)
        form: QueryForm
        try:
            if isinstance(result, ox.QueryTriples):
                form = "DESCRIBE" if _is_describe(sparql) else "CONSTRUCT"
                if result_format not in _GRAPH_FORMATS:
                    raise _format_error(form, result_format, _GRAPH_FORMATS)
                body = result.serialize(format=_GRAPH_FORMATS[result_format])
            else:
                form = "ASK" if isinstance(result, ox.QueryBoolean) else "SELECT"
                if result_format not in _SOLUTION_FORMATS:
                    raise _format_error(form, result_format, _SOLUTION_FORMATS)
                body = result.serialize(format=_SOLUTION_FORMATS[result_format])
        except (OSError, RuntimeError) as exc:
            raise _running_error(exc) from exc
        return QueryResult(body=body or b"", media_type=MEDIA_TYPES[result_format], form=form)

    def select(self, sparql: str) -> list[dict[str, Term]]:
        """Run a SELECT query and return its rows (unbound variables are absent).

        Literals of type ``xsd:string`` and language-tagged literals have ``datatype`` None.

        Args:
            sparql: A SELECT query.

        Returns:
            One dict per solution, variable name to term.

        Raises:
            QuerySyntaxError: The query does not parse or is not a SELECT.
        """
        result = self._run(sparql, (), ())
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("select() needs a SELECT query; use ask() or query() instead")
        names = [v.value for v in result.variables]
        try:
            rows = []
            for solution in result:
                row = {}
                for name in names:
                    value = solution[name]
                    if value is not None:
                        row[name] = _to_term(value)
                rows.append(row)
        except (OSError, RuntimeError) as exc:
            raise _running_error(exc) from exc
        return rows

    def ask(self, sparql: str) -> bool:
        """Run an ASK query.

        Args:
            sparql: An ASK query.

        Returns:
            The answer.

        Raises:
            QuerySyntaxError: The query does not parse or is not an ASK.
        """
        result = self._run(sparql, (), ())
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("ask() needs an ASK query; use select() or query() instead")
        return bool(result)

    def named_graphs(self) -> list[str]:
        """IRIs of every named graph in the store, sorted."""
        return sorted(g.value for g in self._db.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self) -> list[Quad]:
        """Every quad in the store (terms as N-Triples strings, graph a bare IRI or None)."""
        return [_to_quad(q) for q in self._db]

    def dump(self, fmt: DumpFormat) -> bytes:
        """Serialise the whole store.

        ``nquads``, ``trig`` and ``jsonld`` keep graph names. ``turtle``, ``ntriples`` and
        ``rdfxml`` cannot hold graph names, so they get the merge of all graphs (each distinct
        triple once).

        Args:
            fmt: The format.

        Returns:
            The serialisation.

        Raises:
            UnsupportedFormat: The format is unknown.
        """
        if fmt not in _GRAPH_FORMATS:
            raise UnsupportedFormat(f"cannot dump as {fmt!r}; use one of {sorted(_GRAPH_FORMATS)}")
        rdf_format = _GRAPH_FORMATS[fmt]
        prefixes = DUMP_PREFIXES if fmt in ("turtle", "trig") else None
        if rdf_format.supports_datasets:
            body = self._db.dump(format=rdf_format, prefixes=prefixes)
        else:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self._db}
            ordered = sorted(triples, key=str)
            body = ox.serialize(ordered, format=rdf_format, prefixes=prefixes)
        return body or b""

    def __len__(self) -> int:
        """Number of quads in all graphs."""
        return len(self._db)

    def close(self) -> None:
        """Flush and release the store (unlocks its directory). Closing twice is harmless."""
        if self._store is None:
            return
        if self.path is not None:
            try:
                self._store.flush()
            except OSError:
                logger.warning("flushing the store at %s failed", self.path, exc_info=True)
        self._store = None

    # ------------------------------------------------------------------ helpers
    def _run(
        self, sparql: str, default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        kwargs: dict[str, Any] = {}
        if default_graph_uris or named_graph_uris:
            kwargs["default_graph"] = [_named_node(iri) for iri in default_graph_uris]
            kwargs["named_graphs"] = [_named_node(iri) for iri in named_graph_uris]
        elif not any(clause.startswith("FROM") for clause, _ in dataset_clauses(sparql)):
            kwargs["use_default_graph_as_union"] = True
        try:
            return self._db.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise _syntax_error(exc, "query") from exc
        except RuntimeError as exc:
            raise QuerySyntaxError(f"the query failed: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the query failed: {exc}") from exc


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri.removeprefix("<").removesuffix(">"))
    except ValueError as exc:
        raise QuerySyntaxError(f"{iri!r} is not a valid IRI: {exc}; give an absolute IRI") from exc


def _parse_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    lines = []
    for quad in quads:
        graph = f" {_bracket(quad.graph)}" if quad.graph else ""
        lines.append(f"{quad.subject} {quad.predicate} {quad.object}{graph} .\n")
    try:
        return list(ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise StoreError(
            f'malformed quad ({exc}); terms must be N-Triples (<iri>, "literal", _:b) and the '
            "graph a bare IRI. Nothing was written."
        ) from exc


def _bracket(iri: str) -> str:
    return iri if iri.startswith("<") else f"<{iri}>"


def _data_block(quads: list[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        by_graph.setdefault(key, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
    parts = []
    for graph, triples in by_graph.items():
        body = "\n".join(triples)
        parts.append(f"GRAPH {graph} {{\n{body}\n}}\n" if graph else body + "\n")
    return "".join(parts)


def _to_term(value: _OxTerm) -> Term:
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


def _to_quad(quad: ox.Quad) -> Quad:
    graph = quad.graph_name
    graph_iri = graph.value if isinstance(graph, ox.NamedNode) else None
    if isinstance(graph, ox.BlankNode):
        graph_iri = str(graph)
    return Quad(str(quad.subject), str(quad.predicate), str(quad.object), graph_iri)


def _is_describe(sparql: str) -> bool:
    return query_form(sparql) == "DESCRIBE"


def _running_error(exc: OSError | RuntimeError) -> StoreError:
    if isinstance(exc, RuntimeError):
        return QuerySyntaxError(f"the query failed while running: {exc}")
    return StoreError(f"the query failed while running: {exc}")


def _syntax_error(exc: SyntaxError, what: str) -> QuerySyntaxError:
    return QuerySyntaxError(
        f"the SPARQL {what} does not parse: {exc}. Check the syntax at that line and column "
        "(prefixes declared, braces balanced, IRIs in <...>)."
    )


def _format_error(form: str, fmt: str, allowed: dict[str, Any]) -> UnsupportedFormat:
    return UnsupportedFormat(
        f"{form} results cannot be given as {fmt!r}; use one of {', '.join(allowed)}"
    )
