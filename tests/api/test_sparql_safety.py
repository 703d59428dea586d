"""SERVICE, LOAD and remote dataset IRIs are refused before execution: no connection is made."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.integration


@pytest.fixture
def listener() -> Iterator[tuple[str, socket.socket]]:
    """A TCP listener on a free port; the test checks nothing ever connected to it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", sock
    sock.close()


def _no_connection(sock: socket.socket) -> bool:
    try:
        connection, _ = sock.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def test_sparql_safety_remote_access_refused(
    live_server: LiveServer, listener: tuple[str, socket.socket]
) -> None:
    remote, sock = listener
    url = f"{live_server.url}/sparql"
    queries = [
        f"SELECT * {{ SERVICE <{remote}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{remote}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{remote}/data.ttl> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{remote}/data.ttl> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ]
    updates = [
        f"LOAD <{remote}/data.ttl>",
        f"LOAD SILENT <{remote}/data.ttl> INTO GRAPH <urn:x:g>",
        f"INSERT {{ ?s ?p ?o }} USING <{remote}/data.ttl> WHERE {{ ?s ?p ?o }}",
        f"WITH <{remote}/g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{remote}/sparql> {{ ?s ?p ?o }} }}",
    ]
    with httpx.Client(timeout=20) as client:
        for query in queries:
            response = client.get(url, params={"query": query})
            assert response.status_code == 400, query
        response = client.get(
            url, params={"query": "ASK {}", "default-graph-uri": f"{remote}/data.ttl"}
        )
        assert response.status_code == 400
        for update in updates:
            response = client.post(url, data={"update": update})
            assert response.status_code == 400, update
    assert _no_connection(sock)
