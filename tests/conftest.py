"""Shared fixtures: stores, settings, the API test client and a live server."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from fastapi import FastAPI

from api.main import create_app
from kg.settings import Settings
from kg.store.oxigraph_store import OxigraphStore

if TYPE_CHECKING:
    from kg.pipeline import Extractor

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient; httpx still works.
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture
def memory_store() -> Iterator[OxigraphStore]:
    """An empty in-memory Oxigraph store."""
    store = OxigraphStore(":memory:")
    yield store
    store.close()


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[OxigraphStore]:
    """An empty Oxigraph store persisted in a temporary directory."""
    store = OxigraphStore(tmp_path / "store")
    yield store
    store.close()


@pytest.fixture
def settings() -> Settings:
    """Settings for tests: an in-memory store, read-only API, no .env file."""
    return Settings(_env_file=None, store=":memory:")  # type: ignore[call-arg]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A test client of an app built from ``settings``, with its lifespan running."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@dataclass
class LiveServer:
    """A uvicorn server running in a background thread.

    Attributes:
        app: The app it serves.
        url: Its base URL, e.g. ``http://127.0.0.1:54321``.
    """

    app: FastAPI
    url: str


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_live_server(app: FastAPI) -> Iterator[LiveServer]:
    """Serve ``app`` on a free 127.0.0.1 port until the generator is closed."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """A real HTTP server (in-memory store, anonymous updates enabled) for the whole session."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, store=":memory:", enable_update=True, allow_anonymous_update=True
    )
    yield from run_live_server(create_app(settings))


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The default extraction pipeline (the pinned small English model), loaded once."""
    from kg.pipeline import Extractor
    from kg.settings import DEFAULT_MODEL

    return Extractor.load(model=DEFAULT_MODEL)


EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"


def ingest_examples(store: OxigraphStore, extractor: Extractor) -> None:
    """Ingest the sample reports of ``examples/`` (and the ontology) into ``store``."""
    import datetime as dt

    from kg.ids import DEFAULT_BASE_IRI
    from kg.pipeline import ensure_ontology, ingest_report
    from kg.reports import read_reports

    ensure_ontology(store, base_iri=DEFAULT_BASE_IRI)
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for report in read_reports([EXAMPLES_DIR], max_bytes=10_000_000):
        ingest_report(report, extractor=extractor, store=store, base_iri=DEFAULT_BASE_IRI, now=now)


@pytest.fixture(scope="session")
def examples_store(extractor: Extractor) -> Iterator[OxigraphStore]:
    """An in-memory store holding the ingested ``examples/`` reports (read-only: don't write)."""
    store = OxigraphStore(":memory:")
    ingest_examples(store, extractor)
    yield store
    store.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites the golden extraction files."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.expected.json from the current extraction",
    )
