"""``kg serve``: the HTTP API and the browser UI."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from kg.cli._errors import handles_errors
from kg.cli._stores import MemoryOption, StoreOption, store_spec
from kg.errors import ConfigError
from kg.settings import get_settings


@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    query_timeout: Annotated[
        float | None,
        typer.Option(metavar="S", help="Seconds a SPARQL query may run.", show_default=False),
    ] = None,
    query_workers: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Worker processes that run SPARQL queries on an on-disk store, each query "
            "under a hard time limit (default: setting KG_QUERY_WORKERS).",
            show_default=False,
        ),
    ] = None,
    enable_update: Annotated[
        bool, typer.Option("--enable-update", help="Accept SPARQL Update and graph writes.")
    ] = False,
    update_token: Annotated[
        str | None,
        typer.Option(metavar="T", help="Bearer token required for writes.", show_default=False),
    ] = None,
    allow_anonymous_update: Annotated[
        bool,
        typer.Option("--allow-anonymous-update", help="Accept writes without a token (testing)."),
    ] = False,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log every request (one line each, on standard output). Off by default: at "
            "hundreds of requests a second the log lines cost measurable server CPU.",
        ),
    ] = False,
    store: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Serve the HTTP API and the browser UI."""
    overrides: dict[str, object] = {"store": store_spec(get_settings(), store, memory)}
    if query_timeout is not None:
        if query_timeout <= 0:
            raise ConfigError("--query-timeout must be a positive number of seconds")
        overrides["query_timeout"] = query_timeout
    if query_workers is not None:
        if query_workers < 1:
            raise ConfigError(
                "--query-workers must be at least 1 (each worker process runs one query at a "
                "time); to run queries in threads instead, without a hard time limit, set "
                "KG_QUERY_WORKERS=0"
            )
        overrides["query_workers"] = query_workers
    if enable_update:
        overrides["enable_update"] = True
    if update_token is not None:
        overrides["update_token"] = update_token
    if allow_anonymous_update:
        overrides["allow_anonymous_update"] = True
    settings = get_settings().model_copy(update=overrides)
    if settings.enable_update and not (settings.update_token or settings.allow_anonymous_update):
        raise ConfigError(
            "--enable-update needs --update-token T (or KG_UPDATE_TOKEN), "
            "or --allow-anonymous-update for local testing"
        )
    # kg never imports api at module level: the web app is loaded only here.
    api_main = importlib.import_module("api.main")
    web_app = api_main.create_app(settings)
    import uvicorn

    uvicorn.run(web_app, host=host, port=port, access_log=access_log)
