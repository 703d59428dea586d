"""FastAPI dependencies: the settings and the store, as ``Annotated`` aliases.

``create_app`` puts both on ``app.state`` (the store is opened by the lifespan), so tests build
an app with their own settings instead of overriding globals. The dependencies are ``async``
only so that FastAPI calls them inline: it runs a plain ``def`` dependency in a worker thread,
three thread hops per request for what are attribute reads.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from kg.errors import StoreUnavailable
from kg.settings import Settings
from kg.store.base import Store
from kg.store.query_pool import QueryRunner


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with.

    Args:
        request: The current request.

    Returns:
        The app's settings.
    """
    return cast(Settings, request.app.state.settings)


async def get_store(request: Request) -> Store:
    """The store the lifespan opened.

    Args:
        request: The current request.

    Returns:
        The open store.

    Raises:
        StoreUnavailable: The app runs without its lifespan (the store was never opened).
    """
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise StoreUnavailable(
            "the store is not open; run the app with its lifespan (uvicorn, or "
            "`with TestClient(app)` in tests)"
        )
    return cast(Store, store)


async def get_query_runner(request: Request) -> QueryRunner:
    """The runner that executes endpoint queries under the time limit.

    Args:
        request: The current request.

    Returns:
        The runner the lifespan started.

    Raises:
        StoreUnavailable: The app runs without its lifespan.
    """
    runner = getattr(request.app.state, "query_runner", None)
    if runner is None:
        raise StoreUnavailable(
            "the query runner is not started; run the app with its lifespan (uvicorn, or "
            "`with TestClient(app)` in tests)"
        )
    return cast(QueryRunner, runner)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
QueryRunnerDep = Annotated[QueryRunner, Depends(get_query_runner)]
