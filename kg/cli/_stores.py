"""Choosing, checking and opening the store a ``kg`` command works on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from kg.errors import ConfigError, StoreUnavailable
from kg.settings import Settings
from kg.store.base import Store

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        metavar="DIR",
        help="Store directory (or http(s) SPARQL endpoint); default: setting KG_STORE.",
        show_default=False,
    ),
]
MemoryOption = Annotated[bool, typer.Option("--memory", help="Use a throwaway in-memory store.")]


def is_local_store(spec: str) -> bool:
    """Whether a store spec names an on-disk store (not ``:memory:``, not an endpoint).

    Args:
        spec: A store spec as returned by :func:`store_spec`.

    Returns:
        True for a directory path.
    """
    return spec != ":memory:" and not spec.startswith(("http://", "https://"))


def store_spec(settings: Settings, store: str | None, memory: bool) -> str:
    """The store chosen by ``--store``/``--memory``, else by the settings.

    Args:
        settings: The settings (``KG_STORE`` is the default).
        store: The ``--store`` value, if given.
        memory: Whether ``--memory`` was given.

    Returns:
        ``:memory:``, a directory path or an http(s) endpoint.

    Raises:
        ConfigError: Both ``--store`` and ``--memory`` were given.
    """
    if memory and store is not None:
        raise ConfigError("give either --store DIR or --memory, not both")
    if memory:
        return ":memory:"
    return store if store is not None else settings.store


def check_store_free(settings: Settings, store: str | None, memory: bool) -> None:
    """Open and close an existing on-disk store at once.

    A store held by another process (e.g. a running ``kg serve``) is so reported in a second,
    not after slow work.

    Args:
        settings: The settings.
        store: The ``--store`` value, if given.
        memory: Whether ``--memory`` was given.
    """
    spec = store_spec(settings, store, memory)
    if is_local_store(spec) and Path(spec).exists():
        with open_store(settings, store, memory, must_exist=True):
            pass


@contextlib.contextmanager
def open_store(
    settings: Settings, store: str | None, memory: bool, *, must_exist: bool
) -> Iterator[Store]:
    """Open the store chosen by ``--store``/``--memory``/settings and close it afterwards.

    Args:
        settings: The settings.
        store: The ``--store`` value, if given.
        memory: Whether ``--memory`` was given.
        must_exist: Refuse an on-disk store that does not exist yet.

    Yields:
        The open store.

    Raises:
        StoreUnavailable: ``must_exist`` and there is no store at the path.
    """
    from kg.store.factory import open_store as open_store_spec

    spec = store_spec(settings, store, memory)
    if must_exist and is_local_store(spec) and not Path(spec).exists():
        raise StoreUnavailable(
            f"no store at {spec}: ingest reports first (kg ingest PATH --store {spec}) "
            "or point --store / KG_STORE at an existing store"
        )
    kg_store = open_store_spec(spec, token=settings.update_token)
    try:
        yield kg_store
    finally:
        kg_store.close()
