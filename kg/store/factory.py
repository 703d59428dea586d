"""Open a store from a setting string: ``:memory:``, a directory, or an http(s) SPARQL endpoint."""

from __future__ import annotations

from pathlib import Path

from kg.errors import ConfigError
from kg.store.base import Store

MEMORY = ":memory:"


def open_store(spec: str | Path, *, timeout: float = 30.0, token: str | None = None) -> Store:
    """Open the store a ``--store``/``KG_STORE`` value names.

    Args:
        spec: ``:memory:`` for a throwaway in-memory store; an ``http(s)://`` URL of a SPARQL 1.1
            endpoint (the query endpoint; updates go to the same URL); otherwise a directory
            for the embedded persistent store (created if missing).
        timeout: Seconds to wait for a remote endpoint (ignored for embedded stores).
        token: Bearer token a remote endpoint wants for updates, e.g. a running ``kg serve``'s
            update token (ignored for embedded stores).

    Returns:
        The open store. Close it with ``store.close()``.

    Raises:
        ConfigError: ``spec`` is empty.
        StoreUnavailable: The store cannot be opened.

    >>> store = open_store(":memory:")
    >>> len(store)
    0
    >>> store.close()
    """
    text = str(spec).strip()
    if not text:
        raise ConfigError("the store setting is empty; give a directory, ':memory:' or a URL")
    if text == MEMORY:
        from kg.store.oxigraph_store import OxigraphStore

        return OxigraphStore(None)
    if text.startswith(("http://", "https://")):
        from kg.store.sparql_store import SparqlStore

        return SparqlStore(text, timeout=timeout, token=token)
    from kg.store.oxigraph_store import OxigraphStore

    return OxigraphStore(Path(text).expanduser())
