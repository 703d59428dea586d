"""The embedded store: Oxigraph, in memory or persistent on disk.

This module and its parts (the other ``kg.store.oxigraph_*`` modules) are the only ones that
import :mod:`pyoxigraph`.
Its exceptions are translated into :mod:`kg.errors` here.

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
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox

from kg.errors import (
    QuerySyntaxError,
    StoreError,
    StoreUnavailable,
    UnsupportedFormat,
)
from kg.store.base import MEDIA_TYPES, DumpFormat, Quad, QueryForm, QueryResult, ResultFormat, Term
from kg.store.oxigraph_graphs import OxigraphGraphs
from kg.store.oxigraph_labels import OxigraphLabels
from kg.store.oxigraph_restore import OxigraphRestore, recover_restore
from kg.store.oxigraph_terms import (
    DUMP_PREFIXES,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    data_block,
    format_error,
    index_rows,
    named_node,
    parse_quads,
    running_error,
    syntax_error,
    take_rows,
    to_quad,
    to_term,
)
from kg.store.results import serialize_solutions
from kg.store.sparql_text import check_nesting, dataset_clauses, query_form, top_level_limit

logger = logging.getLogger(__name__)

MEMORY: Final = ":memory:"


class OxigraphStore(OxigraphLabels, OxigraphGraphs, OxigraphRestore):
    """An Oxigraph store, in memory or persistent in a directory.

    Queries without dataset parameters (and without ``FROM``) see the union of all graphs as
    their default graph.

    Args:
        path: A directory (created if missing) for a persistent store; None or ``":memory:"``
            for an in-memory one. A persistent store keeps its name index (see
            :meth:`search_labels`) in ``labels.sqlite`` inside the directory.
        read_only: Open the directory read-only, next to the process that holds it for
            writing (the query workers of :class:`kg.store.query_pool.QueryPool`). The handle
            sees the data as it was when opened; open a new one to see later writes.

    Attributes:
        generation: Counts the writes made through this object, so that read-only handles in
            other processes know when to reopen.

    Raises:
        StoreUnavailable: The directory cannot be opened, e.g. another process holds its lock.
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path: Path | None = None if path is None or str(path) == MEMORY else Path(path)
        self.generation = 0
        self._count: tuple[int, int] | None = None
        self._read_only = read_only and self.path is not None
        try:
            if self.path is None:
                self._store: ox.Store | None = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                recover_restore(self.path)  # a restore that stopped half-way
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
        self._open_labels(self.path, read_only=self._read_only)

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
        The name index is updated in step (see :mod:`kg.store.label_index`).

        Args:
            remove: IRIs of named graphs to drop (absent graphs are ignored).
            quads: Quads to insert; terms in N-Triples syntax, graph a bare IRI or None.

        Raises:
            StoreError: A quad is malformed or the write failed; the store is unchanged.
        """
        parsed = parse_quads(quads)
        parts = [f"DROP SILENT GRAPH {named_node(iri)}" for iri in remove]
        if parsed:
            parts.append("INSERT DATA {\n" + data_block(parsed) + "}")
        if not parts:
            return
        with self._writing:
            if self._labels is not None:
                self._labels.begin_write()
            try:
                self._db.update(" ;\n".join(parts))
            except (SyntaxError, RuntimeError, OSError) as exc:
                if self._labels is not None:
                    self._labels.cancel_write()
                raise StoreError(f"replacing graphs failed, the store is unchanged: {exc}") from exc
            finally:
                self.generation += 1
            if self._labels is not None:
                self._labels.apply(remove=remove, rows=index_rows(parsed))

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction.

        Args:
            sparql: The update.

        Raises:
            QuerySyntaxError: The update does not parse, or fails on the data (e.g. ``DROP GRAPH``
                of a graph that does not exist); the store is unchanged.
            StoreError: Storage failed; the store is unchanged.
        """
        check_nesting(sparql)
        try:
            with self._unindexed_write():
                self._db.update(sparql)
        except SyntaxError as exc:
            raise syntax_error(exc, "update") from exc
        except RuntimeError as exc:
            raise QuerySyntaxError(
                f"the update failed and nothing was changed: {exc}. Use SILENT (e.g. DROP "
                "SILENT GRAPH) to ignore missing graphs."
            ) from exc
        except OSError as exc:
            raise StoreError(f"the update failed and was rolled back: {exc}") from exc
        finally:
            self.generation += 1

    # ------------------------------------------------------------------ reads
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
        """Run a SPARQL query and serialise its result.

        Args:
            sparql: The query.
            result_format: ``json``/``xml``/``csv``/``tsv`` for SELECT and ASK;
                ``turtle``/``ntriples``/``nquads``/``trig``/``rdfxml``/``jsonld`` for
                CONSTRUCT and DESCRIBE.
            default_graph_uris: Graphs whose merge is the default graph (protocol
                ``default-graph-uri``).
            named_graph_uris: Graphs available to ``GRAPH`` (protocol ``named-graph-uri``).
            max_rows: Return at most this many solutions or triples (None: all).
            timeout: Seconds after which reading rows stops with :class:`QueryTimeout` (a
                cooperative limit: it cannot stop the engine before the first row).
            base_iri: Base IRI for relative IRIs in the query.

        Returns:
            The serialised result with its media type, query form and truncation flag.

        Raises:
            QuerySyntaxError: The query does not parse.
            UnsupportedFormat: The format does not fit the query form.
            QueryTimeout: Reading the rows took longer than ``timeout``.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        result = self._run(sparql, default_graph_uris, named_graph_uris, base_iri)
        form: QueryForm
        truncated = False
        try:
            if isinstance(result, ox.QueryTriples):
                form = "DESCRIBE" if query_form(sparql) == "DESCRIBE" else "CONSTRUCT"
                if result_format not in GRAPH_FORMATS:
                    raise format_error(form, result_format, GRAPH_FORMATS)
                if max_rows is None and deadline is None:
                    body = result.serialize(format=GRAPH_FORMATS[result_format])
                else:
                    triples, truncated = take_rows(result, max_rows, deadline)
                    body = ox.serialize(triples, format=GRAPH_FORMATS[result_format])
            elif (
                isinstance(result, ox.QueryBoolean)
                or (max_rows is None and deadline is None)
                or (deadline is None and _within_limit(sparql, max_rows))
            ):
                form = "ASK" if isinstance(result, ox.QueryBoolean) else "SELECT"
                if result_format not in SOLUTION_FORMATS:
                    raise format_error(form, result_format, SOLUTION_FORMATS)
                body = result.serialize(format=SOLUTION_FORMATS[result_format])
            else:
                form = "SELECT"
                if result_format not in SOLUTION_FORMATS:
                    raise format_error(form, result_format, SOLUTION_FORMATS)
                names = [v.value for v in result.variables]
                solutions, truncated = take_rows(result, max_rows, deadline)
                rows = [
                    {n: to_term(t) for n in names if (t := solution[n]) is not None}
                    for solution in solutions
                ]
                body = serialize_solutions(names, rows, result_format)
        except (OSError, RuntimeError) as exc:
            raise running_error(exc) from exc
        return QueryResult(
            body=body or b"",
            media_type=MEDIA_TYPES[result_format],
            form=form,
            truncated=truncated,
        )

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
                        row[name] = to_term(value)
                rows.append(row)
        except (OSError, RuntimeError) as exc:
            raise running_error(exc) from exc
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
        return [to_quad(q) for q in self._db]

    def snapshot(self, target: Path) -> None:
        """Write a consistent, independent copy of an on-disk store to ``target`` (hard links
        where possible, so it takes milliseconds). The query workers read snapshots.

        Raises:
            StoreError: The store is in memory, or the copy failed.
        """
        if self.path is None:
            raise StoreError("only an on-disk store can be snapshotted")
        try:
            self._db.backup(str(target))
        except OSError as exc:
            raise StoreError(f"snapshotting the store to {target} failed: {exc}") from exc

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
        if fmt not in GRAPH_FORMATS:
            raise UnsupportedFormat(f"cannot dump as {fmt!r}; use one of {sorted(GRAPH_FORMATS)}")
        rdf_format = GRAPH_FORMATS[fmt]
        prefixes = DUMP_PREFIXES if fmt in ("turtle", "trig") else None
        if rdf_format.supports_datasets:
            body = self._db.dump(format=rdf_format, prefixes=prefixes)
        else:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self._db}
            ordered = sorted(triples, key=str)
            body = ox.serialize(ordered, format=rdf_format, prefixes=prefixes)
        return body or b""

    def __len__(self) -> int:
        """Number of quads in all graphs.

        Counting scans the whole store (about 0.15 s per million quads on disk), so the count
        is kept until the next write through this object (the only writer: the directory is
        locked).
        """
        if self._count is None or self._count[0] != self.generation:
            self._count = (self.generation, len(self._db))
        return self._count[1]

    def close(self) -> None:
        """Flush and release the store (unlocks its directory). Closing twice is harmless."""
        if self._store is None:
            return
        self._close_labels()
        if self.path is not None and not self._read_only:
            try:
                self._store.flush()
            except OSError:
                logger.warning("flushing the store at %s failed", self.path, exc_info=True)
        self._store = None

    # ------------------------------------------------------------------ helpers
    def _run(
        self,
        sparql: str,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        check_nesting(sparql)
        kwargs: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
        if default_graph_uris or named_graph_uris:
            kwargs["default_graph"] = [named_node(iri) for iri in default_graph_uris]
            kwargs["named_graphs"] = [named_node(iri) for iri in named_graph_uris]
        elif not any(clause.startswith("FROM") for clause, _ in dataset_clauses(sparql)):
            kwargs["use_default_graph_as_union"] = True
        try:
            return self._db.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise syntax_error(exc, "query") from exc
        except RuntimeError as exc:
            raise QuerySyntaxError(f"the query failed: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the query failed: {exc}") from exc


def _within_limit(sparql: str, max_rows: int | None) -> bool:
    """Whether a SELECT's own top-level ``LIMIT`` keeps it within ``max_rows`` solutions (then
    the engine's native serialiser can write it whole: nothing can be cut)."""
    limit = top_level_limit(sparql)
    return limit is not None and max_rows is not None and limit <= max_rows
