"""Query limits: the hard time limit (worker processes), the row limit and its signal."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routers.sparql import ROW_LIMIT_HEADER, TRUNCATED_HEADER
from kg.errors import QuerySyntaxError, QueryTimeout, StoreUnavailable
from kg.settings import Settings
from kg.store.base import Quad
from kg.store.oxigraph_store import OxigraphStore
from kg.store.query_pool import InProcessRunner, QueryPool
from tests.conftest import LiveServer, run_live_server

EX = "http://example.org/"
QUADS = [Quad(f"<{EX}s{i}>", f"<{EX}p>", f'"{i}"', f"{EX}g{i % 3}") for i in range(200)]
#: A cartesian product of 200^4 = 1.6e9 solutions: never finishes in time.
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: Sorting that product needs it all in memory: a worker capped at 2 GiB aborts within seconds.
HUNGRY = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a"
QUICK = f"SELECT ?o {{ <{EX}s7> <{EX}p> ?o }}"
TIMEOUT = 2.0


@pytest.fixture(scope="module")
def disk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server on an on-disk store (so queries run in worker processes)."""
    path = tmp_path_factory.mktemp("limits") / "store"
    store = OxigraphStore(path)
    store.replace_graphs(remove=[], quads=QUADS)
    store.close()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        store=str(path),
        query_timeout=TIMEOUT,
        query_workers=2,
        enable_update=True,
        allow_anonymous_update=True,
    )
    yield from run_live_server(create_app(settings))


def _query(url: str, sparql: str) -> httpx.Response:
    return httpx.get(f"{url}/sparql", params={"query": sparql}, timeout=30)


@pytest.mark.integration
def test_query_limits_runaway_is_killed_while_health_stays_fast(disk_server: LiveServer) -> None:
    url = disk_server.url
    client = httpx.Client(base_url=url, timeout=5)
    for _ in range(3):  # both workers started, the client connected
        assert client.get("/sparql", params={"query": QUICK}).status_code == 200
    outcome: dict[str, object] = {}

    def run_away() -> None:
        started = time.monotonic()
        outcome["response"] = _query(url, RUNAWAY)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_away)
    thread.start()
    time.sleep(0.3)
    health_times = []
    try:
        while thread.is_alive():
            started = time.monotonic()
            assert client.get("/health").status_code == 200
            health_times.append(time.monotonic() - started)
            quick = client.get("/sparql", params={"query": QUICK})
            assert quick.status_code == 200
            time.sleep(0.05)
    finally:
        client.close()
        thread.join()
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert "time limit" in response.json()["detail"]
    assert float(str(outcome["seconds"])) < TIMEOUT + 1
    assert len(health_times) >= 5
    assert max(health_times) < 0.1, health_times
    # a fresh worker took the killed one's place
    assert _query(url, QUICK).json()["results"]["bindings"] == [
        {"o": {"type": "literal", "value": "7"}}
    ]


@pytest.mark.integration
def test_query_limits_workers_see_updates(disk_server: LiveServer) -> None:
    url = disk_server.url
    insert = f'INSERT DATA {{ GRAPH <{EX}g9> {{ <{EX}new> <{EX}p> "fresh" }} }}'
    ask = f"ASK {{ <{EX}new> <{EX}p> 'fresh' }}"
    assert _query(url, ask).json()["boolean"] is False
    response = httpx.post(f"{url}/sparql", data={"update": insert}, timeout=30)
    assert response.status_code == 204
    assert _query(url, ask).json()["boolean"] is True
    httpx.post(f"{url}/sparql", data={"update": f"DROP GRAPH <{EX}g9>"}, timeout=30)
    assert _query(url, ask).json()["boolean"] is False


def _store_and_pool(tmp_path: Path, *, memory_mb: int = 0) -> tuple[OxigraphStore, QueryPool]:
    """An on-disk store holding ``QUADS`` and a one-worker pool on it (close both)."""
    store = OxigraphStore(tmp_path / "store")
    store.replace_graphs(remove=[], quads=QUADS)
    pool = QueryPool(
        tmp_path / "store",
        generation=lambda: store.generation,
        snapshot=store.snapshot,
        workers=1,
        memory_mb=memory_mb,
    )
    return store, pool


@pytest.mark.integration
def test_query_limits_pool_errors_and_restart(tmp_path: Path) -> None:
    store, pool = _store_and_pool(tmp_path)
    snapshots = tmp_path / ".store.query-snapshots"

    async def scenario() -> None:
        try:
            with pytest.raises(QuerySyntaxError):
                await pool.query("SELEKT nothing", result_format="json", timeout=20)
            with pytest.raises(QueryTimeout):
                await pool.query(RUNAWAY, result_format="json", timeout=0.5)
            result = await pool.query(QUICK, result_format="csv", timeout=20)
            assert result.body.decode().split() == ["o", "7"]
            for value in ("a", "b", "c"):  # each write, then a query: a new snapshot, old go
                store.update(f'INSERT DATA {{ <{EX}w> <{EX}p> "{value}" }}')
                ask = f"ASK {{ <{EX}w> <{EX}p> '{value}' }}"
                answer = await pool.query(ask, result_format="json", timeout=20)
                assert answer.body.endswith(b"true}")
                assert len(list(snapshots.iterdir())) <= 2
        finally:
            await pool.close()

    try:
        asyncio.run(scenario())
    finally:
        store.close()
    assert not snapshots.exists()


@pytest.mark.integration
def test_query_limits_pool_survives_a_cancelled_query(tmp_path: Path) -> None:
    """A client that goes away mid-query (its task cancelled) costs the pool nothing: the
    worker holding the abandoned query is replaced, and the next queries answer."""
    store, pool = _store_and_pool(tmp_path)

    async def scenario() -> None:
        try:
            assert (await pool.query(QUICK, result_format="csv", timeout=20)).form == "SELECT"
            task = asyncio.create_task(pool.query(RUNAWAY, result_format="json", timeout=60))
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            started = time.monotonic()
            result = await pool.query(QUICK, result_format="csv", timeout=20)
            assert result.body.decode().split() == ["o", "7"]
            assert time.monotonic() - started < 10  # not stuck behind the abandoned query
        finally:
            await pool.close()

    try:
        asyncio.run(scenario())
    finally:
        store.close()


def test_query_limits_in_process_runner_is_cooperative(memory_store: OxigraphStore) -> None:
    memory_store.replace_graphs(remove=[], quads=QUADS)
    runner = InProcessRunner(memory_store)

    async def scenario() -> None:
        try:
            started = time.monotonic()
            with pytest.raises(QueryTimeout, match="time limit"):
                await runner.query(
                    "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", result_format="json", timeout=0.3
                )
            assert time.monotonic() - started < 1.3
            assert (await runner.query(QUICK, result_format="json", timeout=5)).form == "SELECT"
        finally:
            await runner.close()

    asyncio.run(scenario())


# ---------------------------------------------------------------------- row limit
@pytest.fixture
def limited_client(settings: Settings) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"max_result_rows": 5})
    with TestClient(create_app(limited)) as client:
        client.app.state.store.replace_graphs(remove=[], quads=QUADS)  # type: ignore[attr-defined]
        yield client


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv"])
def test_query_limits_truncated_select_is_flagged_and_valid(
    limited_client: TestClient, accept: str
) -> None:
    response = limited_client.get(
        "/sparql", params={"query": "SELECT ?s ?o { ?s ?p ?o }"}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers[TRUNCATED_HEADER] == "true"
    assert response.headers[ROW_LIMIT_HEADER] == "5"
    if accept.endswith("json"):
        document = json.loads(response.text)
        assert document["head"]["vars"] == ["s", "o"]
        assert len(document["results"]["bindings"]) == 5
    else:
        assert len(response.text.strip().splitlines()) == 6


def test_query_limits_truncated_construct(limited_client: TestClient) -> None:
    response = limited_client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.headers[TRUNCATED_HEADER] == "true"
    assert len(response.text.strip().splitlines()) == 5


def test_query_limits_small_result_is_not_flagged(limited_client: TestClient) -> None:
    response = limited_client.get("/sparql", params={"query": QUICK})
    assert response.status_code == 200
    assert TRUNCATED_HEADER not in response.headers
    assert len(response.json()["results"]["bindings"]) == 1


@pytest.mark.parametrize(
    ("query", "rows", "truncated"),
    [
        ("SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 3", 3, False),  # own LIMIT under the cap
        ("SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 5", 5, False),  # exactly the cap
        ("SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 50", 5, True),  # own LIMIT over the cap
        ("SELECT ?s { { SELECT ?s { ?s ?p ?o } LIMIT 3 } ?s ?p ?o }", 3, False),
        ("SELECT ?s { { SELECT ?s { ?s ?p ?o } LIMIT 2 } ?s ?q ?v }", 2, False),
        ("SELECT ?s { { SELECT ?s { ?s ?p ?o } LIMIT 3 } ?s ?q ?v . ?x ?y ?z }", 5, True),
    ],
)
def test_query_limits_own_limit_and_row_cap(
    limited_client: TestClient, memory_store: OxigraphStore, query: str, rows: int, truncated: bool
) -> None:
    """A query whose own top-level LIMIT keeps it under the cap is written whole by the
    engine; a subquery's LIMIT does not count, and anything more is cut and flagged. Checked
    over HTTP and on the store as the query workers call it (a row cap, no deadline)."""
    response = limited_client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert (response.headers.get(TRUNCATED_HEADER) == "true") is truncated
    memory_store.replace_graphs(remove=[], quads=QUADS)
    result = memory_store.query(query, result_format="json", max_rows=5)
    assert result.truncated is truncated
    for bindings in (
        response.json()["results"]["bindings"],
        json.loads(result.body)["results"]["bindings"],
    ):
        assert len(bindings) == rows
        if "ORDER BY" in query:  # the cut keeps the query's order
            expected = sorted(f"{EX}s{i}" for i in range(200))[:rows]
            assert [b["s"]["value"] for b in bindings] == expected


@pytest.mark.slow
@pytest.mark.integration
def test_query_limits_memory_hungry_query_stops_its_worker(tmp_path: Path) -> None:
    store, pool = _store_and_pool(tmp_path, memory_mb=2048)

    async def scenario() -> None:
        try:
            assert (await pool.query(QUICK, result_format="json", timeout=20)).form == "SELECT"
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="more memory"):
                await pool.query(HUNGRY, result_format="json", timeout=60)
            assert time.monotonic() - started < 30
            assert (await pool.query(QUICK, result_format="json", timeout=20)).form == "SELECT"
        finally:
            await pool.close()

    try:
        asyncio.run(scenario())
    finally:
        store.close()
