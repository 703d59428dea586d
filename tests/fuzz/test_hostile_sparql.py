"""Hostile SPARQL on a real server: each query gets a 4xx or a timed-out 503/408, and /health
keeps answering quickly while they run.

The server runs with a 512 KiB request limit so the megabyte-sized queries meet it (413); the
default limit is 10 MiB, under which they are simply answered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from api.main import create_app
from kg.settings import Settings
from tests.conftest import LiveServer, run_live_server

pytestmark = pytest.mark.slow

TRIPLES = "INSERT DATA { " + " ".join(f"<urn:s{i}> <urn:p> <urn:o{i}> ." for i in range(300)) + " }"
SINK = "http://127.0.0.1:9/sparql"
HUGE = "x" * 1_000_000


def _corpus() -> dict[str, tuple[str, str]]:
    """Name -> (route, text): route ``query`` or ``update``."""
    q: dict[str, tuple[str, str]] = {
        "deep-nesting-groups": ("query", "SELECT * WHERE " + "{" * 5000 + "}" * 5000),
        "deep-nesting-expression": (
            "query",
            "SELECT (" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) {}",
        ),
        "deep-optional": (
            "query",
            "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 2000 + "}" * 2000 + " }",
        ),
        "one-megabyte-query": (
            "query",
            "SELECT * WHERE { ?s ?p ?o } #" + "a" * 1_048_576,
        ),
        "one-megabyte-values": (
            "query",
            "SELECT * WHERE { VALUES ?x { "
            + " ".join(f"<urn:v{i}>" for i in range(90_000))
            + " } }",
        ),
        "huge-literal": ("query", f'SELECT * WHERE {{ ?s ?p "{HUGE}" }}'),
        "huge-literal-filter": ("query", f'SELECT * WHERE {{ ?s ?p ?o FILTER(?o = "{HUGE}") }}'),
        "cartesian-product": (
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
        ),
        "property-path-explosion": (
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:x>)* ?b . ?c (!<urn:x>)* ?d . "
            "?e (^<urn:p>|<urn:p>)* ?f }",
        ),
        "service": ("query", f"SELECT * WHERE {{ SERVICE <{SINK}> {{ ?s ?p ?o }} }}"),
        "service-silent": ("query", f"SELECT * WHERE {{ SERVICE SILENT <{SINK}> {{ ?s ?p ?o }} }}"),
        "service-variable": (
            "query",
            f"SELECT * WHERE {{ BIND(<{SINK}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        ),
        "service-nested": (
            "query",
            f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{SINK}> {{ ?s ?p ?o }} }} }}",
        ),
        "service-in-subquery": (
            "query",
            f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{SINK}> {{ ?s ?p ?o }} }} }} }}",
        ),
        "service-in-exists": (
            "query",
            f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{SINK}> {{ ?s ?p ?o }} }} }}",
        ),
        "service-lowercase": ("query", f"select * where {{ service <{SINK}> {{ ?s ?p ?o }} }}"),
        "service-prefixed": (
            "query",
            "PREFIX r: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }",
        ),
        "from-remote": ("query", f"SELECT * FROM <{SINK}> WHERE {{ ?s ?p ?o }}"),
        "from-named-remote": ("query", f"SELECT * FROM NAMED <{SINK}> WHERE {{ ?s ?p ?o }}"),
        "load-in-query": ("query", f"LOAD <{SINK}>"),
        "load": ("update", f"LOAD <{SINK}>"),
        "load-silent": ("update", f"LOAD SILENT <{SINK}>"),
        "load-into-graph": ("update", f"LOAD <{SINK}> INTO GRAPH <urn:g>"),
        "load-silent-into-graph": ("update", f"LOAD SILENT <{SINK}> INTO GRAPH <urn:g>"),
        "load-file": ("update", "LOAD <file:///etc/passwd>"),
        "load-after-insert": (
            "update",
            f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD <{SINK}>",
        ),
        "update-with-service": (
            "update",
            f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{SINK}> {{ ?s ?p ?o }} }}",
        ),
        "unicode-bidi": ("query", 'SELECT * WHERE { ?s ?p "\u202e\u2066abc\u2069" }\u202e'),
        "unicode-nul": ("query", 'SELECT * WHERE { ?s ?p "a\x00b" } \x00'),
        "unicode-lone-surrogate-escape": ("query", 'SELECT * WHERE { ?s ?p "\\uD800" }'),
        "unicode-emoji-variable": ("query", "SELECT ?\U0001f4a3 WHERE { ?s ?p ?\U0001f4a3 }"),
        "unicode-zero-width": ("query", "SEL\u200bECT * WHERE { ?s ?p ?o }"),
        "unicode-fullwidth": ("query", "\uff33\uff25\uff2c\uff25\uff23\uff34 * WHERE { ?s ?p ?o }"),
        "not-sparql": ("query", "<html><script>alert(1)</script></html>"),
        "empty": ("query", ""),
    }
    return q


CORPUS = _corpus()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # An on-disk store, so queries run in worker processes under a hard time limit.
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        store=str(tmp_path_factory.mktemp("hostile") / "store"),
        enable_update=True,
        allow_anonymous_update=True,
        query_timeout=3.0,
        max_request_bytes=512 * 1024,
    )
    yield from run_live_server(create_app(settings))


@pytest.fixture(scope="module")
def seeded(server: LiveServer) -> LiveServer:
    response = httpx.post(f"{server.url}/sparql/update", data={"update": TRIPLES}, timeout=30)
    assert response.status_code < 300, response.text
    return server


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_sparql_refused_or_timed_out(seeded: LiveServer, name: str) -> None:
    route, text = CORPUS[name]
    path, field = ("/sparql", "query") if route == "query" else ("/sparql/update", "update")
    health: list[float] = []
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(timeout=10) as probe_client:
            while not done.is_set():
                start = time.perf_counter()
                response = probe_client.get(f"{seeded.url}/health")
                assert response.status_code == 200
                health.append(time.perf_counter() - start)
                time.sleep(0.2)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    try:
        response = httpx.post(f"{seeded.url}{path}", data={field: text}, timeout=60)
    finally:
        done.set()
        thread.join(timeout=15)
    status = response.status_code
    assert 400 <= status < 500 or status in (503, 408), (name, status, response.text[:300])
    after = httpx.get(f"{seeded.url}/health", timeout=2)
    assert after.status_code == 200
    assert max(health, default=0.0) < 2.0, f"/health took {max(health):.2f}s during {name}"
