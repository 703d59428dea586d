"""The Graph Store HTTP Protocol at /rdf-graphs, on both store backends' seam methods."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from api.main import create_app
from kg.errors import InputError, UnsupportedFormat
from kg.settings import Settings
from kg.store.oxigraph_store import OxigraphStore

EX = "http://example.org/"
TOKEN = "graph-token"
TURTLE = f"@prefix ex: <{EX}> . ex:alice ex:name 'Alice' ; ex:knows [ ex:name 'Bob' ] ."
MORE = f'<{EX}carol> <{EX}name> "Carol" .'


@pytest.fixture
def gsp_client(settings: Settings) -> Iterator[TestClient]:
    writable = settings.model_copy(update={"enable_update": True, "update_token": TOKEN})
    with TestClient(create_app(writable)) as client:
        yield client


def auth(media: str = "text/turtle") -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "Content-Type": media}


def parse(text: str, fmt: str = "turtle") -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format=fmt)


def test_graph_store_put_get_post_delete(gsp_client: TestClient) -> None:
    url = "/rdf-graphs"
    params = {"graph": f"{EX}g1"}
    assert gsp_client.get(url, params=params).status_code == 404
    created = gsp_client.put(url, params=params, content=TURTLE, headers=auth())
    assert created.status_code == 201
    replaced = gsp_client.put(url, params=params, content=TURTLE, headers=auth())
    assert replaced.status_code == 204
    got = gsp_client.get(url, params=params)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/turtle")
    assert isomorphic(parse(got.text), parse(TURTLE))
    nt = gsp_client.get(url, params=params, headers={"Accept": "application/n-triples"})
    assert len(nt.text.strip().splitlines()) == 3
    added = gsp_client.post(url, params=params, content=MORE, headers=auth("application/n-triples"))
    assert added.status_code == 204
    assert len(parse(gsp_client.get(url, params=params).text)) == 4
    assert gsp_client.head(url, params=params).status_code == 200
    # the SPARQL endpoint sees the graph
    ask = f"ASK {{ GRAPH <{EX}g1> {{ <{EX}carol> ?p ?o }} }}"
    assert gsp_client.get("/sparql", params={"query": ask}).json()["boolean"] is True
    assert gsp_client.delete(url, params=params, headers=auth()).status_code == 204
    assert gsp_client.delete(url, params=params, headers=auth()).status_code == 404
    assert gsp_client.get(url, params=params).status_code == 404


def test_graph_store_default_graph(gsp_client: TestClient) -> None:
    assert gsp_client.get("/rdf-graphs?default").text.strip() == ""
    response = gsp_client.put("/rdf-graphs?default", content=MORE, headers=auth())
    assert response.status_code == 204
    assert f"<{EX}carol>" in gsp_client.get("/rdf-graphs?default").text
    assert gsp_client.delete("/rdf-graphs?default", headers=auth()).status_code == 204
    assert gsp_client.get("/rdf-graphs?default").text.strip() == ""


def test_graph_store_direct_identification_and_new_graph(gsp_client: TestClient) -> None:
    response = gsp_client.put("/rdf-graphs/person/1.ttl", content=TURTLE, headers=auth())
    assert response.status_code == 201
    graph_iri = "http://testserver/rdf-graphs/person/1.ttl"
    assert gsp_client.get("/rdf-graphs", params={"graph": graph_iri}).status_code == 200
    created = gsp_client.post("/rdf-graphs", content=MORE, headers=auth())
    assert created.status_code == 201
    location = created.headers["location"]
    assert location.startswith("http://testserver/rdf-graphs/")
    assert "Carol" in gsp_client.get("/rdf-graphs", params={"graph": location}).text


def test_graph_store_writes_are_guarded(client: TestClient, gsp_client: TestClient) -> None:
    params = {"graph": f"{EX}g1"}
    assert (
        client.put("/rdf-graphs", params=params, content=TURTLE, headers=auth()).status_code == 403
    )
    headers = {"Content-Type": "text/turtle", "Authorization": "Bearer wrong"}
    assert (
        gsp_client.put("/rdf-graphs", params=params, content=TURTLE, headers=headers).status_code
        == 403
    )
    assert gsp_client.delete("/rdf-graphs", params=params).status_code == 403


@pytest.mark.parametrize(
    ("path", "headers", "body", "status"),
    [
        ("/rdf-graphs", {}, TURTLE, 400),  # PUT without a graph name
        ("/rdf-graphs?graph=x&default", {}, TURTLE, 400),
        ("/rdf-graphs?graph=not%20an%20iri", {}, TURTLE, 400),
        ("/rdf-graphs?graph=http://ex/g", {"Content-Type": "image/png"}, TURTLE, 415),
        ("/rdf-graphs?graph=http://ex/g", {}, "this is not turtle <", 400),
    ],
)
def test_graph_store_bad_requests(
    gsp_client: TestClient, path: str, headers: dict[str, str], body: str, status: int
) -> None:
    response = gsp_client.put(path, content=body, headers={**auth(), **headers})
    assert response.status_code == status
    assert "detail" in response.json()


def test_graph_store_not_acceptable(gsp_client: TestClient) -> None:
    response = gsp_client.get("/rdf-graphs?default", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_graph_store_too_large(settings: Settings) -> None:
    small = settings.model_copy(
        update={"enable_update": True, "allow_anonymous_update": True, "max_request_bytes": 10}
    )
    with TestClient(create_app(small)) as client:
        response = client.put(
            "/rdf-graphs?default", content=TURTLE, headers={"Content-Type": "text/turtle"}
        )
    assert response.status_code == 413


def test_graph_store_seam_errors(memory_store: OxigraphStore) -> None:
    with pytest.raises(UnsupportedFormat):
        memory_store.read_graph(None, "nquads")
    with pytest.raises(InputError):
        memory_store.write_graph(None, b"<a", "ntriples", replace=False)
    assert memory_store.drop_graph(f"{EX}none") is False
