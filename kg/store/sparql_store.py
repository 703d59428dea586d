"""A remote store: any SPARQL 1.1 Protocol endpoint, spoken to with the standard library.

Queries and updates are POSTed as ``application/x-www-form-urlencoded`` to one URL (the
endpoint URL, or ``update_url`` for updates). Which graph a query without ``GRAPH`` sees is
the server's choice: conflict-kg's own server and Oxigraph with ``--union-default-graph`` use the
union of all graphs, as the embedded store does; Fuseki needs ``tdb2:unionDefaultGraph true``.

``replace_graphs`` sends one update request (``DROP SILENT GRAPH ...; INSERT DATA ...``), which
servers that run a request in one transaction (Oxigraph, Fuseki, conflict-kg) apply atomically.
``quads``/``dump``/``len`` read named graphs with ``GRAPH ?g`` plus the default-graph triples
that are in no named graph.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

from kg.errors import (
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    UnsupportedFormat,
    UpdateNotAllowed,
)
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
from kg.store.sparql_graphs import SparqlGraphs
from kg.store.sparql_text import query_form

logger = logging.getLogger(__name__)

_IRI: Final = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_IRI_RE: Final = re.compile(_IRI)
_BNODE_RE: Final = re.compile(r"_:[A-Za-z0-9_](?:[\w.\-]*[\w\-])?")
_LITERAL_RE: Final = re.compile(
    r'"(?P<lex>(?:[^"\\\n\r]|\\[tbnrf"\'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)"'
    rf"(?P<suffix>@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRI})?"
)
_ESCAPES: Final = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'"}
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
                    _check_term(quad.subject, "subject"),
                    _check_term(quad.predicate, "predicate"),
                    _check_term(quad.object, "object"),
                )
            )
            blocks.setdefault(quad.graph, []).append(triple + " .")
        parts = [f"DROP SILENT GRAPH {_iri(g)}" for g in remove]
        if blocks:
            body = "".join(
                f"GRAPH {_iri(g)} {{\n" + "\n".join(t) + "\n}\n" if g else "\n".join(t) + "\n"
                for g, t in blocks.items()
            )
            parts.append("INSERT DATA {\n" + body + "}")
        if parts:
            self.update(" ;\n".join(parts))

    def update(self, sparql: str) -> None:
        """Send a SPARQL update.

        Raises:
            QuerySyntaxError: The server says the update is malformed.
            UpdateNotAllowed: The server refuses writes.
        """
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        self._post(self.update_url, {"update": [sparql]}, accept="*/*", headers=headers)

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

        ``max_rows`` is not applied here: the remote server's own result limits apply.
        ``timeout`` is the HTTP timeout of this request (default: the store's).

        Raises:
            QuerySyntaxError: The query does not parse.
            UnsupportedFormat: The format does not fit the query form.
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
        body, media_type = self._post(
            self.endpoint_url, fields, accept=MEDIA_TYPES[result_format], timeout=timeout
        )
        return QueryResult(body=body, media_type=media_type, form=form or _form_of(media_type))

    def select(self, sparql: str) -> list[dict[str, Term]]:
        """Run a SELECT query; see :meth:`kg.store.base.Store.select`.

        Raises:
            QuerySyntaxError: The query does not parse or is not a SELECT.
        """
        if query_form(sparql) != "SELECT":
            raise QuerySyntaxError("select() needs a SELECT query; use ask() or query() instead")
        data = json.loads(self.query(sparql).body)
        return [
            {name: _to_term(value) for name, value in row.items()}
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
        return [Quad(_nt(s), _nt(p), _nt(o), g) for s, p, o, g in self._term_quads()]

    def dump(self, fmt: DumpFormat) -> bytes:
        """Serialise every quad (graph names kept as :meth:`OxigraphStore.dump` keeps them).

        Raises:
            UnsupportedFormat: The format is unknown.
        """
        if fmt not in GRAPH_FORMATS:
            raise UnsupportedFormat(f"cannot dump as {fmt!r}; use one of {GRAPH_FORMATS}")
        quads = self._term_quads()
        if fmt == "jsonld":
            return json.dumps(_to_jsonld(quads), ensure_ascii=False, indent=1).encode("utf-8")
        by_graph: dict[str | None, set[str]] = {}
        for s, p, o, g in quads:
            by_graph.setdefault(g if fmt in ("nquads", "trig") else None, set()).add(
                f"{_nt(s)} {_nt(p)} {_nt(o)}"
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
    def _post(
        self,
        url: str,
        fields: Mapping[str, list[str]],
        *,
        accept: str,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> tuple[bytes, str]:
        timeout = self.timeout if timeout is None else timeout
        if self._closed:
            raise StoreUnavailable("the store is closed; open it again with open_store()")
        data = urlencode([(k, v) for k, values in fields.items() for v in values]).encode()
        request = urllib.request.Request(url, data=data, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Accept", accept)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body: bytes = response.read()
                media_type = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            raise _http_error(url, exc) from exc
        except TimeoutError as exc:
            raise QueryTimeout(
                f"{url} did not answer within {timeout:g} s; simplify the query or raise "
                "the timeout"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreUnavailable(
                f"cannot reach the SPARQL endpoint {url}: {exc}; check that the server runs "
                "and the URL (KG_STORE / --store) is right"
            ) from exc
        return body, media_type


def _http_error(url: str, exc: urllib.error.HTTPError) -> StoreError:
    detail = exc.read(2000).decode("utf-8", "replace").strip()
    with contextlib.suppress(ValueError, KeyError, TypeError):
        detail = str(json.loads(detail)["detail"])
    message = f"{url} answered {exc.code}: {detail or exc.reason}"
    if exc.code == 400:
        return QuerySyntaxError(message)
    if exc.code in (401, 403):
        return UpdateNotAllowed(
            f"{message}; give the server's update token (setting KG_UPDATE_TOKEN)"
        )
    if exc.code in (406, 415):
        return UnsupportedFormat(message)
    if exc.code in (408, 504):
        return QueryTimeout(message)
    if exc.code in (502, 503):
        return StoreUnavailable(message)
    return StoreError(message)


def _form_of(media_type: str) -> QueryForm:
    return "SELECT" if media_type in (MEDIA_TYPES[f] for f in SOLUTION_FORMATS) else "CONSTRUCT"


def _to_term(value: dict[str, Any]) -> Term:
    kind = value["type"]
    if kind == "uri":
        return Term("iri", value["value"])
    if kind == "bnode":
        return Term("bnode", value["value"])
    datatype = value.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return Term("literal", value["value"], datatype=datatype, language=value.get("xml:lang"))


def _to_jsonld(quads: list[tuple[Term, Term, Term, str | None]]) -> list[dict[str, Any]]:
    """Expanded JSON-LD of a dataset: default-graph nodes, then one object per named graph."""
    graphs: dict[str | None, dict[str, dict[str, Any]]] = {}
    for s, p, o, g in quads:
        node_id = s.value if s.kind == "iri" else f"_:{s.value}"
        node = graphs.setdefault(g, {}).setdefault(node_id, {"@id": node_id})
        if p.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and o.kind != "literal":
            node.setdefault("@type", []).append(o.value if o.kind == "iri" else f"_:{o.value}")
            continue
        value: dict[str, Any]
        if o.kind == "literal":
            value = {"@value": o.value}
            if o.language:
                value["@language"] = o.language
            elif o.datatype:
                value["@type"] = o.datatype
        else:
            value = {"@id": o.value if o.kind == "iri" else f"_:{o.value}"}
        node.setdefault(p.value, []).append(value)
    out: list[dict[str, Any]] = list(graphs.pop(None, {}).values())
    out += [{"@id": g, "@graph": list(nodes.values())} for g, nodes in graphs.items() if g]
    return out


def _nt(term: Term) -> str:
    """The N-Triples form of a term."""
    if term.kind == "iri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    text = _escape(term.value)
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def _escape(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    out = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", out)
    return f'"{out}"'


def _iri(iri: str) -> str:
    text = iri if iri.startswith("<") else f"<{iri}>"
    if not _IRI_RE.fullmatch(text):
        raise StoreError(f"{iri!r} is not a valid graph IRI; nothing was written")
    return text


def _check_term(term: str, position: str) -> str:
    """Validate an N-Triples term and give it in SPARQL syntax (literals re-escaped).

    SPARQL applies ``\\u`` escapes before parsing, so literals are decoded and re-escaped
    rather than passed through.
    """
    if _IRI_RE.fullmatch(term) or (position != "predicate" and _BNODE_RE.fullmatch(term)):
        return term
    match = _LITERAL_RE.fullmatch(term) if position == "object" else None
    if match is None:
        raise StoreError(
            f'malformed {position} {term!r}: use N-Triples syntax (<iri>, "literal", _:b); '
            "nothing was written"
        )
    lex = re.sub(
        r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)",
        lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) > 1 else _unescape(m.group(1)),
        match["lex"],
    )
    return _escape(lex) + (match["suffix"] or "")


def _unescape(char: str) -> str:
    return "\\" if char == "\\" else _ESCAPES[char]
