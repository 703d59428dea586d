"""A remote store: any SPARQL 1.1 Protocol endpoint, spoken to with the standard library.

Queries and updates are POSTed as ``application/x-www-form-urlencoded`` to one URL (the
endpoint URL, or ``update_url`` for updates). Which graph a query without ``GRAPH`` sees is
the server's choice: conflict-kg's own server and Oxigraph with ``--union-default-graph`` use the
union of all graphs, as the embedded store does; Fuseki needs ``tdb2:unionDefaultGraph true``.

``replace_graphs`` and ``replace_all`` send one update request (``DROP SILENT GRAPH ...; INSERT
DATA ...``), which servers that run a request in one transaction (Oxigraph, Fuseki,
conflict-kg) apply atomically.
``quads``/``dump``/``len`` read named graphs with ``GRAPH ?g`` plus the default-graph triples
that are in no named graph.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from http.client import HTTPResponse
from typing import Final, TypeVar
from urllib.parse import urlencode

from kg.errors import QuerySyntaxError, StoreUnavailable, UnsupportedFormat
from kg.store.base import (
    GRAPH_FORMATS,
    MEDIA_TYPES,
    SOLUTION_FORMATS,
    DumpFormat,
    Quad,
    QueryForm,
    QueryResult,
    ResultFormat,
    Term,
)
from kg.store.row_limit import limited_reader
from kg.store.sparql_graphs import SparqlGraphs
from kg.store.sparql_http import post, read_all
from kg.store.sparql_terms import check_term, insert_data, iri_ref, nt, to_jsonld, to_term
from kg.store.sparql_text import query_form

logger = logging.getLogger(__name__)

#: Seconds :meth:`SparqlStore.replace_all` waits at least for the server's answer.
RESTORE_TIMEOUT: Final = 600.0

_T = TypeVar("_T")
_FORM: Final = "application/x-www-form-urlencoded"
_NAMED_QUADS: Final = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_DEFAULT_TRIPLES: Final = (
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
)


class SparqlStore(SparqlGraphs):
    """A store behind a SPARQL 1.1 Protocol endpoint.

    Args:
        endpoint_url: The query endpoint, e.g. ``http://127.0.0.1:8000/sparql``.
        update_url: The update endpoint (defaults to ``endpoint_url``).
        timeout: Seconds to wait for an answer.
        token: Bearer token sent with updates, if the server wants one.
    """

    def __init__(
        self,
        endpoint_url: str,
        *,
        update_url: str | None = None,
        timeout: float = 30.0,
        token: str | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.update_url = update_url or endpoint_url
        self.timeout = timeout
        self._token = token
        self._closed = False

    def __repr__(self) -> str:
        return f"SparqlStore({self.endpoint_url!r})"

    # ------------------------------------------------------------------ writes
    def replace_graphs(self, *, remove: Sequence[str], quads: Iterable[Quad]) -> None:
        """Drop the named graphs ``remove`` and add ``quads`` in one update request.

        Raises:
            StoreError: A quad is malformed or the request failed.
        """
        blocks: dict[str | None, list[str]] = {}
        for quad in quads:
            triple = " ".join(
                (
                    check_term(quad.subject, "subject"),
                    check_term(quad.predicate, "predicate"),
                    check_term(quad.object, "object"),
                )
            )
            blocks.setdefault(quad.graph, []).append(triple + " .")
        parts = [f"DROP SILENT GRAPH {iri_ref(g)}" for g in remove]
        if blocks:
            body = "".join(
                f"GRAPH {iri_ref(g)} {{\n" + "\n".join(t) + "\n}\n" if g else "\n".join(t) + "\n"
                for g, t in blocks.items()
            )
            parts.append("INSERT DATA {\n" + body + "}")
        if parts:
            self.update(" ;\n".join(parts))

    def replace_all(self, quads: Iterable[Quad]) -> None:
        """Replace everything with ``quads`` in one update request (``DROP SILENT ALL ;
        INSERT DATA {...}``), whose body is sent as ``quads`` are read (chunked transfer
        encoding), so it is never held whole.

        Servers that run a request in one transaction apply it atomically, and a body that
        breaks off (``quads`` raised) or that the server refuses (e.g. as too large: a
        conflict-kg server takes at most its ``max_request_bytes``) changes nothing. The
        request may take a while on the server, so this waits at least
        :data:`RESTORE_TIMEOUT` seconds for the answer.

        Raises:
            StoreError: A quad is malformed or the request failed.
            UpdateNotAllowed: The server refuses writes.
        """
        if self._closed:
            raise StoreUnavailable("the store is closed; open it again with open_store()")
        post(
            self.update_url,
            insert_data(quads),
            content_type="application/sparql-update",
            accept="*/*",
            timeout=max(self.timeout, RESTORE_TIMEOUT),
            read=read_all,
            headers=self._auth(),
        )

    def update(self, sparql: str) -> None:
        """Send a SPARQL update.

        Raises:
            QuerySyntaxError: The server says the update is malformed.
            UpdateNotAllowed: The server refuses writes.
        """
        self._post(
            self.update_url,
            {"update": [sparql]},
            accept="*/*",
            headers=self._auth(),
            read=read_all,
        )

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
        """Run a query on the endpoint; see :meth:`kg.store.base.Store.query`.

        ``max_rows`` is applied while the answer is read (see :mod:`kg.store.row_limit`): at
        most that many solutions or triples are kept, the rest is not read, and
        :attr:`QueryResult.truncated` says whether any were left off (also when a
        conflict-kg server cut the result at its own limit). CONSTRUCT and DESCRIBE results
        are then fetched as N-Triples and written in ``result_format`` here. ``timeout`` is
        the HTTP timeout of this request (default: the store's).

        Raises:
            QuerySyntaxError: The query does not parse.
            UnsupportedFormat: The format does not fit the query form.
            StoreError: The answer cannot be cut at ``max_rows`` (malformed, or a media type
                other than SPARQL JSON/XML/CSV/TSV or N-Triples).
        """
        form = query_form(sparql)
        if form is not None:
            allowed = SOLUTION_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS
            if result_format not in allowed:
                raise UnsupportedFormat(
                    f"{form} results cannot be given as {result_format!r}; "
                    f"use one of {', '.join(allowed)}"
                )
        if base_iri:
            sparql = f"BASE <{base_iri}> {sparql}"
        fields = {
            "query": [sparql],
            "default-graph-uri": list(default_graph_uris),
            "named-graph-uri": list(named_graph_uris),
        }
        accept, read = (
            (MEDIA_TYPES[result_format], read_all)
            if max_rows is None or form == "ASK"
            else limited_reader(result_format, max_rows)
        )
        body, media_type, truncated = self._post(
            self.endpoint_url, fields, accept=accept, timeout=timeout, read=read
        )
        return QueryResult(
            body=body,
            media_type=media_type,
            form=form or _form_of(media_type),
            truncated=truncated,
        )

    def select(self, sparql: str) -> list[dict[str, Term]]:
        """Run a SELECT query; see :meth:`kg.store.base.Store.select`.

        Raises:
            QuerySyntaxError: The query does not parse or is not a SELECT.
        """
        if query_form(sparql) != "SELECT":
            raise QuerySyntaxError("select() needs a SELECT query; use ask() or query() instead")
        data = json.loads(self.query(sparql).body)
        return [
            {name: to_term(value) for name, value in row.items()}
            for row in data["results"]["bindings"]
        ]

    def ask(self, sparql: str) -> bool:
        """Run an ASK query.

        Raises:
            QuerySyntaxError: The query does not parse or is not an ASK.
        """
        if query_form(sparql) != "ASK":
            raise QuerySyntaxError("ask() needs an ASK query; use select() or query() instead")
        return bool(json.loads(self.query(sparql).body)["boolean"])

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs that hold at least one triple, sorted."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in rows if row["g"].kind == "iri")

    def quads(self) -> list[Quad]:
        """Every quad (named graphs, then default-graph triples in no named graph)."""
        return [Quad(nt(s), nt(p), nt(o), g) for s, p, o, g in self._term_quads()]

    def dump(self, fmt: DumpFormat) -> bytes:
        """Serialise every quad (graph names kept as :meth:`OxigraphStore.dump` keeps them).

        Raises:
            UnsupportedFormat: The format is unknown.
        """
        if fmt not in GRAPH_FORMATS:
            raise UnsupportedFormat(f"cannot dump as {fmt!r}; use one of {GRAPH_FORMATS}")
        quads = self._term_quads()
        if fmt == "jsonld":
            return json.dumps(to_jsonld(quads), ensure_ascii=False, indent=1).encode("utf-8")
        by_graph: dict[str | None, set[str]] = {}
        for s, p, o, g in quads:
            by_graph.setdefault(g if fmt in ("nquads", "trig") else None, set()).add(
                f"{nt(s)} {nt(p)} {nt(o)}"
            )
        if fmt == "nquads":
            text = "".join(
                f"{t}{f' <{g}>' if g else ''} .\n" for g, ts in by_graph.items() for t in sorted(ts)
            )
        elif fmt == "trig":
            text = "".join(
                (f"<{g}> {{\n" if g else "")
                + "".join(f"{t} .\n" for t in sorted(ts))
                + ("}\n" if g else "")
                for g, ts in sorted(by_graph.items(), key=lambda item: item[0] or "")
            )
        else:
            text = "".join(f"{t} .\n" for t in sorted(by_graph.get(None, set())))
            if fmt != "ntriples":
                import rdflib  # only to serialise

                graph = rdflib.Graph().parse(data=text, format="nt")
                return graph.serialize(
                    format="xml" if fmt == "rdfxml" else "turtle", encoding="utf-8"
                )
        return text.encode("utf-8")

    def __len__(self) -> int:
        """Number of quads (counted as :meth:`quads` counts them)."""
        named = self.select(_NAMED_QUADS.replace("?s ?p ?o ?g", "(COUNT(*) AS ?n)", 1))
        default = self.select(_DEFAULT_TRIPLES.replace("?s ?p ?o", "(COUNT(*) AS ?n)", 1))
        return int(named[0]["n"].value) + int(default[0]["n"].value)

    def close(self) -> None:
        """Forget the endpoint (there is no connection to release)."""
        self._closed = True

    def _term_quads(self) -> list[tuple[Term, Term, Term, str | None]]:
        found: list[tuple[Term, Term, Term, str | None]] = [
            (r["s"], r["p"], r["o"], r["g"].value) for r in self.select(_NAMED_QUADS)
        ]
        found += [(r["s"], r["p"], r["o"], None) for r in self.select(_DEFAULT_TRIPLES)]
        return found

    # ------------------------------------------------------------------ HTTP
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def _post(
        self,
        url: str,
        fields: Mapping[str, list[str]],
        *,
        accept: str,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        read: Callable[[HTTPResponse], _T],
    ) -> _T:
        if self._closed:
            raise StoreUnavailable("the store is closed; open it again with open_store()")
        data = urlencode([(k, v) for k, values in fields.items() for v in values]).encode()
        return post(
            url,
            data,
            content_type=_FORM,
            accept=accept,
            timeout=self.timeout if timeout is None else timeout,
            read=read,
            headers=headers,
        )


def _form_of(media_type: str) -> QueryForm:
    return "SELECT" if media_type in (MEDIA_TYPES[f] for f in SOLUTION_FORMATS) else "CONSTRUCT"
