"""The SPARQL 1.1 Protocol endpoint: queries, updates and the service description.

Handlers read the request, then run the blocking store work in a worker thread. Protocol
errors are raised as :mod:`kg.errors` types and mapped to statuses in :mod:`api.errors`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Annotated, Any, Final
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from api.auth import authorize_write
from api.deps import (
    QueryRunnerDep,
    SettingsDep,
    StoreDep,
    get_query_runner,
    get_settings,
    get_store,
)
from api.editor import ExampleQuery, load_example_queries, render_editor
from api.errors import UnsupportedContentType
from api.negotiation import GRAPH_OFFERS, SOLUTION_OFFERS, choose, choose_format
from api.request_body import read_body
from api.service_description import DESCRIPTION_OFFERS, build_service_description
from api.sparql_guard import check_graph_iri, check_graphs_held, check_sparql, named_graphs
from kg.errors import InputError, UnsupportedFormat
from kg.settings import Settings
from kg.store.base import QueryResult, ResultFormat, Store
from kg.store.query_pool import QueryRunner
from kg.store.sparql_text import add_using, dataset_clauses, query_form

router = APIRouter(tags=["SPARQL"])

FORM_TYPE: Final = "application/x-www-form-urlencoded"
QUERY_TYPE: Final = "application/sparql-query"
UPDATE_TYPE: Final = "application/sparql-update"
HTML_TYPE: Final = "text/html"
#: Response header set to ``true`` when rows were left off because of the row limit.
TRUNCATED_HEADER: Final = "X-KG-Truncated"
#: Response header giving the row limit of a truncated result.
ROW_LIMIT_HEADER: Final = "X-KG-Row-Limit"
_BODY_DOC: Final[dict[str, Any]] = {
    "requestBody": {
        "content": {
            FORM_TYPE: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
            QUERY_TYPE: {"schema": {"type": "string"}},
            UPDATE_TYPE: {"schema": {"type": "string"}},
        }
    }
}
_RESULT_DOC: Final[dict[int | str, dict[str, Any]]] = {
    200: {
        "description": "Query results, in the format chosen by Accept.",
        "content": {media: {} for media, _ in (*SOLUTION_OFFERS, *GRAPH_OFFERS)},
    },
    400: {"description": "Malformed query, or a refused SERVICE/LOAD/unknown graph."},
    406: {"description": "No acceptable result format."},
    413: {"description": "The request body is over the size limit."},
    503: {"description": "The query ran over the time limit and was stopped."},
}
GraphParam = Annotated[list[str] | None, Query(alias="default-graph-uri")]
NamedParam = Annotated[list[str] | None, Query(alias="named-graph-uri")]


@dataclass(slots=True)
class SparqlRequest:
    """The operation a request carries.

    Attributes:
        query: The query text, if any.
        update: The update text, if any.
        default_graph_uris: Protocol ``default-graph-uri`` values.
        named_graph_uris: Protocol ``named-graph-uri`` values.
        using_graph_uris: Protocol ``using-graph-uri`` values.
        using_named_graph_uris: Protocol ``using-named-graph-uri`` values.
        base_iri: The base IRI of the request (the endpoint URL).
    """

    query: str | None = None
    update: str | None = None
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    using_graph_uris: list[str] = field(default_factory=list)
    using_named_graph_uris: list[str] = field(default_factory=list)
    base_iri: str = ""


@router.get("/sparql", name="sparql_get", responses=_RESULT_DOC, summary="Query")
async def sparql_get(
    request: Request,
    store: StoreDep,
    runner: QueryRunnerDep,
    settings: SettingsDep,
    query: Annotated[str | None, Query(description="A SPARQL query.")] = None,
    default_graph_uri: GraphParam = None,
    named_graph_uri: NamedParam = None,
) -> Response:
    """Run a query given as ``?query=``; without one, return the service description."""
    params = parse_qsl(request.url.query, keep_blank_values=True)
    sparql = _collect(params)
    sparql.base_iri = _endpoint_url(request)
    if sparql.update is not None:
        raise InputError("updates must be sent with POST (form field `update` or " + UPDATE_TYPE)
    accept = request.headers.get("accept")
    if sparql.query is None:
        return _service_description(request, settings, accept)
    return await _run_query(store, runner, settings, sparql, accept)


router.add_api_route(
    "/sparql", sparql_get, methods=["HEAD"], name="sparql_head", include_in_schema=False
)


@router.post("/sparql", openapi_extra=_BODY_DOC, responses=_RESULT_DOC, summary="Query or update")
async def sparql_post(
    request: Request, store: StoreDep, runner: QueryRunnerDep, settings: SettingsDep
) -> Response:
    """Run a query or an update sent as a form, ``application/sparql-query`` or ``-update``."""
    sparql = await _read_post(request, settings)
    if sparql.query is not None and sparql.update is not None:
        raise InputError("send either a query or an update, not both")
    if sparql.update is not None:
        authorize_write(settings, request.headers.get("authorization"))
        return await run_in_threadpool(_run_update, store, sparql)
    if sparql.query is None:
        raise InputError("no query: send the form field `query` (or `update`)")
    accept = request.headers.get("accept")
    return await _run_query(store, runner, settings, sparql, accept)


@router.post(
    "/sparql/update",
    openapi_extra=_BODY_DOC,
    status_code=204,
    responses={403: {"description": "Updates are disabled or the token is wrong."}},
    summary="Update",
)
async def sparql_update(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Run an update (form field ``update`` or ``application/sparql-update``)."""
    sparql = await _read_post(request, settings)
    if sparql.query is not None:
        raise InputError("this URL takes updates only; send queries to /sparql")
    if sparql.update is None:
        raise InputError("no update: send the form field `update`")
    authorize_write(settings, request.headers.get("authorization"))
    return await run_in_threadpool(_run_update, store, sparql)


async def serve_sparql(request: Request) -> Response:
    """``GET``, ``HEAD`` and ``POST /sparql`` as a plain Starlette endpoint.

    The routes above document the protocol in the OpenAPI schema; requests are served by this
    endpoint, installed ahead of them by :func:`fast_routes`. The protocol parameters are read
    by hand either way (they repeat, and come from the URL and the body at once), so FastAPI's
    dependency solving and parameter validation would only cost time: about 0.2 ms of the
    server's CPU per request, a third of what a small query costs it.

    Args:
        request: The request.

    Returns:
        The response of :func:`sparql_get` or :func:`sparql_post`.
    """
    store = await get_store(request)
    runner = await get_query_runner(request)
    settings = await get_settings(request)
    if request.method == "POST":
        return await sparql_post(request, store, runner, settings)
    return await sparql_get(request, store, runner, settings)


def fast_routes() -> list[Route]:
    """The routes to put in front of the app's routes (see :func:`serve_sparql`).

    Returns:
        The routes.
    """
    return [Route("/sparql", serve_sparql, methods=["GET", "HEAD", "POST"], name="sparql_fast")]


# ---------------------------------------------------------------------- reading requests
def _endpoint_url(request: Request) -> str:
    """The URL of ``/sparql`` (under the app's root path): the base IRI of requests."""
    return f"{request.base_url}sparql"


def _collect(
    pairs: list[tuple[str, str]], *, query: str | None = None, update: str | None = None
) -> SparqlRequest:
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    queries = values.get("query", []) + ([query] if query is not None else [])
    updates = values.get("update", []) + ([update] if update is not None else [])
    if len(queries) > 1 or len(updates) > 1:
        raise InputError("send one query or update per request")
    return SparqlRequest(
        query=queries[0] if queries else None,
        update=updates[0] if updates else None,
        default_graph_uris=values.get("default-graph-uri", []),
        named_graph_uris=values.get("named-graph-uri", []),
        using_graph_uris=values.get("using-graph-uri", []),
        using_named_graph_uris=values.get("using-named-graph-uri", []),
    )


async def _read_post(request: Request, settings: Settings) -> SparqlRequest:
    media, *params = (part.strip() for part in request.headers.get("content-type", "").split(";"))
    media = media.lower()
    if media not in (FORM_TYPE, QUERY_TYPE, UPDATE_TYPE):
        raise UnsupportedContentType(
            f"unsupported Content-Type {media or '(none)'!r}; send {FORM_TYPE} (fields `query` "
            f"or `update`), {QUERY_TYPE} or {UPDATE_TYPE}"
        )
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'").lower() not in (
            "utf-8",
            "utf8",
        ):
            raise UnsupportedContentType(f"unsupported charset {value!r}; send UTF-8")
    text = await _read_text(request, settings.max_request_bytes)
    url_params = parse_qsl(request.url.query, keep_blank_values=True)
    if media == FORM_TYPE:
        sparql = _collect(url_params + parse_qsl(text, keep_blank_values=True))
    elif media == QUERY_TYPE:
        sparql = _collect(url_params, query=text)
    else:
        sparql = _collect(url_params, update=text)
    sparql.base_iri = _endpoint_url(request)
    return sparql


async def _read_text(request: Request, limit: int) -> str:
    body = await read_body(request, limit)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the request body is not UTF-8 ({exc.reason}); send UTF-8") from exc


# ---------------------------------------------------------------------- running
#: Requests up to this size are checked on the event loop (lexing them takes well under a
#: millisecond); bigger ones are checked in a worker thread so the loop stays responsive.
INLINE_CHECK_CHARS: Final = 16_384


@dataclass(frozen=True, slots=True)
class _Plan:
    form: str
    solution_format: ResultFormat | None
    graph_format: ResultFormat | None
    graphs: list[tuple[str, str]]


def _plan(sparql: SparqlRequest, accept: str | None) -> _Plan:
    query = sparql.query or ""
    graphs = named_graphs(query, graph_uris=[*sparql.default_graph_uris, *sparql.named_graph_uris])
    return _Plan(
        form=query_form(query) or "",
        solution_format=choose_format(accept, SOLUTION_OFFERS),
        graph_format=choose_format(accept, GRAPH_OFFERS),
        graphs=graphs,
    )


async def _run_query(
    store: Store,
    runner: QueryRunner,
    settings: Settings,
    sparql: SparqlRequest,
    accept: str | None,
) -> Response:
    if len(sparql.query or "") <= INLINE_CHECK_CHARS:
        plan = _plan(sparql, accept)
    else:
        plan = await run_in_threadpool(_plan, sparql, accept)
    if plan.graphs:
        await run_in_threadpool(check_graphs_held, plan.graphs, store=store)
    form = plan.form
    if form in ("SELECT", "ASK"):
        result = await _query(runner, settings, sparql, plan.solution_format, form)
    elif form:
        result = await _query(runner, settings, sparql, plan.graph_format, form)
    else:  # the lexer cannot tell (or the text is malformed): let the store decide
        try:
            result = await _query(
                runner, settings, sparql, plan.solution_format or "json", "SELECT"
            )
        except UnsupportedFormat:
            result = await _query(runner, settings, sparql, plan.graph_format, "CONSTRUCT")
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers[TRUNCATED_HEADER] = "true"
        headers[ROW_LIMIT_HEADER] = str(settings.max_result_rows)
    return Response(content=result.body, media_type=result.media_type, headers=headers)


async def _query(
    runner: QueryRunner,
    settings: Settings,
    sparql: SparqlRequest,
    result_format: ResultFormat | None,
    form: str,
) -> QueryResult:
    if result_format is None:
        offers = SOLUTION_OFFERS if form in ("SELECT", "ASK") else GRAPH_OFFERS
        raise UnsupportedFormat(
            f"none of the media types in Accept can hold {form} results; accept one of "
            + ", ".join(media for media, _ in offers)
        )
    return await runner.query(
        sparql.query or "",
        result_format=result_format,
        default_graph_uris=sparql.default_graph_uris,
        named_graph_uris=sparql.named_graph_uris,
        max_rows=settings.max_result_rows,
        timeout=settings.query_timeout,
        base_iri=sparql.base_iri or None,
    )


def _run_update(store: Store, sparql: SparqlRequest) -> Response:
    update = sparql.update or ""
    check_sparql(update, store=store)
    using = [*sparql.using_graph_uris, *sparql.using_named_graph_uris]
    if using:
        if any(clause != "FROM" for clause, _ in dataset_clauses(update)):
            raise InputError(
                "using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH in "
                "the update; give the dataset one way"
            )
        for iri in using:
            check_graph_iri("using-graph-uri", iri)
        update = add_using(update, sparql.using_graph_uris, sparql.using_named_graph_uris)
    store.update(_with_base(update, sparql.base_iri))
    return Response(status_code=204)


def _with_base(sparql: str, base_iri: str) -> str:
    """Resolve relative IRIs against the endpoint URL (a ``BASE`` in the text still wins)."""
    if not base_iri:
        return sparql
    check_graph_iri("base IRI", base_iri)
    return f"BASE <{base_iri}> {sparql}"


@functools.cache
def _examples() -> list[ExampleQuery]:
    return load_example_queries()


def _service_description(request: Request, settings: Settings, accept: str | None) -> Response:
    chosen = choose(accept, (*DESCRIPTION_OFFERS, (HTML_TYPE, "html")))
    if chosen is not None and chosen[0] == HTML_TYPE:
        root = request.scope.get("root_path", "").rstrip("/")
        page = render_editor(
            endpoint=f"{root}/sparql", static_root=f"{root}/static", examples=_examples()
        )
        return HTMLResponse(page, headers={"Vary": "Accept"})
    if chosen is None:
        raise InputError(
            "no query: give ?query=... (GET /sparql with Accept: text/turtle returns the service "
            "description)"
        )
    media_type, rdflib_format = chosen
    endpoint = _endpoint_url(request)
    graph = build_service_description(endpoint, is_update_enabled=settings.enable_update)
    body = graph.serialize(format=rdflib_format, encoding="utf-8")
    return Response(content=body, media_type=media_type, headers={"Vary": "Accept"})
