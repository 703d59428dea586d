"""The FastAPI app: ``create_app(settings)`` builds it, its lifespan opens and closes the store.

Run it with ``kg serve`` or ``uvicorn --factory api.main:create_app``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api.errors import register_error_handlers
from api.routers import documents, entities, graph_store, health, network, sparql, stats
from kg import __version__
from kg.settings import Settings, get_settings
from kg.store.factory import open_store
from kg.store.query_pool import open_query_runner

logger = logging.getLogger(__name__)

STATIC_DIR: Final = Path(__file__).parent / "static"
SWAGGER_DIR: Final = "/static/swagger-ui"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app.

    Nothing is opened here; the lifespan opens the store when the server starts and closes it
    when the server stops.

    Args:
        settings: The configuration; defaults to :func:`kg.settings.get_settings`.

    Returns:
        The app.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await run_in_threadpool(open_store, settings.store)
        logger.info("opened store %r", store)
        runner = open_query_runner(
            store, workers=settings.query_workers, memory_mb=settings.query_memory_mb
        )
        app.state.store = store
        app.state.query_runner = runner
        try:
            yield
        finally:
            app.state.store = None
            app.state.query_runner = None
            await runner.close()
            await run_in_threadpool(store.close)
            logger.info("closed store %r", store)

    app = FastAPI(
        title="conflict-kg",
        version=__version__,
        summary="Knowledge graph of conflict reporting, queryable by SPARQL.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = None
    app.state.query_runner = None
    register_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "HEAD"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            expose_headers=["X-KG-Truncated", "X-KG-Row-Limit"],
        )
    app.router.routes[:0] = sparql.fast_routes()
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    app.include_router(stats.router)
    app.include_router(health.router)
    app.include_router(entities.router)
    app.include_router(network.router)
    app.include_router(documents.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_api_route("/", _index, include_in_schema=False, methods=["GET"])
    app.add_api_route("/docs", _swagger_ui, include_in_schema=False, methods=["GET"])
    return app


async def _index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")


async def _swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title="conflict-kg API",
        swagger_js_url=f"{root}{SWAGGER_DIR}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{SWAGGER_DIR}/swagger-ui.css",
        swagger_favicon_url=f"{root}{SWAGGER_DIR}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
