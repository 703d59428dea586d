"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graphs``.

Indirect identification (``/rdf-graphs?graph=IRI``, ``/rdf-graphs?default``) and direct
identification (``/rdf-graphs/anything`` names the graph whose IRI is that URL). Reads are
open; ``PUT``, ``POST`` and ``DELETE`` are guarded like SPARQL updates.
"""

from __future__ import annotations

import functools
import uuid
from typing import Final
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from api.auth import authorize_write
from api.deps import SettingsDep, StoreDep
from api.errors import RequestTooLargeError, UnsupportedContentType
from api.negotiation import choose
from api.request_body import read_body
from api.sparql_guard import check_graph_iri
from kg.errors import EntityNotFound, InputError, UnsupportedFormat
from kg.store.base import DumpFormat

router = APIRouter(tags=["Graph Store"])

PREFIX: Final = "/rdf-graphs"
MULTIPART: Final = "multipart/form-data"
#: What one graph can be sent as, the server's preference first.
GRAPH_OFFERS: Final[tuple[tuple[str, DumpFormat], ...]] = (
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
)
#: Content types accepted for PUT and POST bodies.
BODY_FORMATS: Final[dict[str, DumpFormat]] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}
_DOC: Final = {
    "parameters": [
        {"name": "graph", "in": "query", "schema": {"type": "string"}},
        {"name": "default", "in": "query", "allowEmptyValue": True, "schema": {"type": "string"}},
    ]
}


def _target(request: Request, path: str | None) -> str | None:
    """The graph a request names: an IRI, or None for the default graph."""
    params = parse_qsl(request.url.query, keep_blank_values=True)
    graphs = [value for name, value in params if name == "graph"]
    has_default = any(name == "default" for name, _ in params)
    if path:
        if graphs or has_default:
            raise InputError("a graph URL takes no ?graph= or ?default parameter")
        return str(request.url.replace(query=""))
    if has_default and not graphs:
        return None
    if len(graphs) == 1 and not has_default:
        check_graph_iri("graph", graphs[0])
        return graphs[0]
    raise InputError("name one graph: give ?graph=IRI or ?default (not both, not twice)")


def _missing(graph_iri: str) -> EntityNotFound:
    return EntityNotFound(
        f"there is no graph <{graph_iri}> in the store; list the graphs with SELECT DISTINCT ?g "
        "{ GRAPH ?g { ?s ?p ?o } } at /sparql"
    )


async def graph_get(request: Request, store: StoreDep, path: str | None = None) -> Response:
    """Return one graph in the format ``Accept`` asks for (Turtle by default)."""
    graph_iri = _target(request, path)
    chosen = choose(request.headers.get("accept"), GRAPH_OFFERS)
    if chosen is None:
        raise UnsupportedFormat(
            "none of the media types in Accept can hold a graph; accept one of "
            + ", ".join(media for media, _ in GRAPH_OFFERS)
        )
    media_type, fmt = chosen
    body = await run_in_threadpool(store.read_graph, graph_iri, fmt)
    if body is None:
        raise _missing(graph_iri or "")
    return Response(content=body, media_type=media_type, headers={"Vary": "Accept"})


async def _write(
    request: Request, store: StoreDep, settings: SettingsDep, path: str | None, *, replace: bool
) -> Response:
    authorize_write(settings, request.headers.get("authorization"))
    if path or request.url.query:
        graph_iri = _target(request, path)
    elif replace:
        raise InputError("name the graph to replace: give ?graph=IRI or ?default")
    else:  # POST to the graph store itself: a new graph
        graph_iri = f"{request.url_for('graph_store')}/{uuid.uuid4().hex}"
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == MULTIPART:
        documents = await _read_multipart(request, settings.max_request_bytes)
    else:
        documents = [(_body_format(media), await read_body(request, settings.max_request_bytes))]
    base_iri = graph_iri or str(request.url.replace(query=""))
    is_new = False
    for index, (fmt, data) in enumerate(documents):
        write = functools.partial(
            store.write_graph, replace=replace and index == 0, base_iri=base_iri
        )
        created = await run_in_threadpool(write, graph_iri, data, fmt)
        is_new = is_new or created
    if not is_new:
        return Response(status_code=204)
    headers = {"Location": graph_iri} if graph_iri else None
    return Response(status_code=201, headers=headers)


def _body_format(media: str) -> DumpFormat:
    if media not in BODY_FORMATS:
        raise UnsupportedContentType(
            f"unsupported Content-Type {media or '(none)'!r} for a graph; send one of "
            + ", ".join((*BODY_FORMATS, MULTIPART))
        )
    return BODY_FORMATS[media]


async def _read_multipart(request: Request, limit: int) -> list[tuple[DumpFormat, bytes]]:
    """The RDF documents of a ``multipart/form-data`` body, one per file part (each part is
    written in turn, so a multipart write is not atomic across parts)."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise InputError("a multipart/form-data body needs a Content-Length")
    if int(declared) > limit:
        raise RequestTooLargeError(f"the request body is over {limit} bytes; send a smaller one")
    documents = []
    async with request.form(max_part_size=limit) as form:
        for _, value in form.multi_items():
            if isinstance(value, str):
                raise InputError("send each RDF document of a multipart body as a file part")
            media = (value.content_type or "").split(";")[0].strip().lower()
            documents.append((_body_format(media), await value.read()))
    if not documents:
        raise InputError("the multipart body holds no RDF document")
    return documents


async def graph_put(
    request: Request, store: StoreDep, settings: SettingsDep, path: str | None = None
) -> Response:
    """Replace a graph with the RDF in the body (201 if it is new, else 204)."""
    return await _write(request, store, settings, path, replace=True)


async def graph_post(
    request: Request, store: StoreDep, settings: SettingsDep, path: str | None = None
) -> Response:
    """Add the RDF in the body to a graph; without a graph name, create a new one (201)."""
    return await _write(request, store, settings, path, replace=False)


async def graph_delete(
    request: Request, store: StoreDep, settings: SettingsDep, path: str | None = None
) -> Response:
    """Delete a graph (204), or 404 if there is none."""
    authorize_write(settings, request.headers.get("authorization"))
    graph_iri = _target(request, path)
    if not await run_in_threadpool(store.drop_graph, graph_iri):
        raise _missing(graph_iri or "")
    return Response(status_code=204)


_ROUTES: Final = (
    ("GET", graph_get, "Read a graph"),
    ("HEAD", graph_get, None),
    ("PUT", graph_put, "Replace a graph"),
    ("POST", graph_post, "Add to a graph"),
    ("DELETE", graph_delete, "Delete a graph"),
)
for _method, _handler, _summary in _ROUTES:
    router.add_api_route(
        PREFIX,
        _handler,
        methods=[_method],
        name="graph_store" if _method == "GET" else f"graph_store_{_method.lower()}",
        summary=_summary,
        include_in_schema=_summary is not None,
        openapi_extra=_DOC,
    )
    router.add_api_route(
        PREFIX + "/{path:path}",
        _handler,
        methods=[_method],
        name=f"graph_store_direct_{_method.lower()}",
        summary=_summary and f"{_summary} (direct identification)",
        include_in_schema=_summary is not None,
    )
