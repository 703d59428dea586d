"""The SPARQL 1.1 Protocol endpoint, through the app with its lifespan."""

from __future__ import annotations

import csv
import doctest
import io
import json
import urllib.error
import urllib.parse
import urllib.request
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest
import rdflib
from fastapi import FastAPI
from fastapi.testclient import TestClient

import api.errors
import api.negotiation
import api.service_description
from api.main import create_app
from kg.settings import Settings
from kg.store.base import Quad, Store

EX = "http://example.org/"
G1 = f"{EX}graph/one"
G2 = f"{EX}graph/two"
QUADS = [
    Quad(f"<{EX}alice>", f"<{EX}name>", '"Alice"@en', G1),
    Quad(f"<{EX}alice>", f"<{EX}knows>", f"<{EX}bob>", G1),
    Quad(f"<{EX}bob>", f"<{EX}name>", '"Bob"', G2),
]
SELECT = f"SELECT ?name WHERE {{ ?x <{EX}name> ?name }} ORDER BY ?name"
CONSTRUCT = f"CONSTRUCT WHERE {{ <{EX}alice> ?p ?o }}"
SPARQL_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
TOKEN = "s3cret-token"
INSERT = f'INSERT DATA {{ GRAPH <{G2}> {{ <{EX}carol> <{EX}name> "Carol" }} }}'


def load(app: object) -> Store:
    assert isinstance(app, FastAPI)
    store: Store = app.state.store
    store.replace_graphs(remove=[], quads=QUADS)
    return store


def names(response: httpx.Response) -> list[str]:
    return [b["name"]["value"] for b in response.json()["results"]["bindings"]]


@pytest.fixture
def loaded_client(client: TestClient) -> TestClient:
    """A read-only app whose in-memory store holds :data:`QUADS`."""
    load(client.app)
    return client


@pytest.fixture
def update_client(settings: Settings) -> Iterator[TestClient]:
    """An app that accepts updates with the bearer token :data:`TOKEN`."""
    writable = settings.model_copy(update={"enable_update": True, "update_token": TOKEN})
    with TestClient(create_app(writable)) as test_client:
        load(test_client.app)
        yield test_client


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------------- queries
def test_sparql_get_query_defaults_to_json(loaded_client: TestClient) -> None:
    response = loaded_client.get("/sparql", params={"query": SELECT})
    assert response.status_code == 200
    assert response.headers["content-type"] == SPARQL_JSON
    assert names(response) == ["Alice", "Bob"]


def test_sparql_form_post(loaded_client: TestClient) -> None:
    response = loaded_client.post("/sparql", data={"query": SELECT})
    assert response.status_code == 200
    assert names(response) == ["Alice", "Bob"]


def test_sparql_direct_post_with_dataset_parameters(loaded_client: TestClient) -> None:
    response = loaded_client.post(
        "/sparql",
        params={"default-graph-uri": G2},
        content=SELECT,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 200
    assert names(response) == ["Bob"]


def test_sparql_named_graph_parameter(loaded_client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = loaded_client.get("/sparql", params={"query": query, "named-graph-uri": G1})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [G1]


def test_sparql_from_known_graph(loaded_client: TestClient) -> None:
    query = f"SELECT ?name FROM <{G1}> WHERE {{ ?x <{EX}name> ?name }}"
    response = loaded_client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert names(response) == ["Alice"]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/json", SPARQL_JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*, */*;q=0.1", "text/csv"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", SPARQL_JSON),
    ],
)
def test_sparql_select_negotiation(loaded_client: TestClient, accept: str, media_type: str) -> None:
    response = loaded_client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"] == "Accept"
    body = response.text
    if media_type == SPARQL_JSON:
        assert len(json.loads(body)["results"]["bindings"]) == 2
    elif media_type.endswith("xml"):
        root = ET.fromstring(body)
        assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 2
    else:
        delimiter = "," if media_type == "text/csv" else "\t"
        rows = list(csv.reader(io.StringIO(body), delimiter=delimiter))
        assert rows[0] == (["name"] if delimiter == "," else ["?name"])
        assert len(rows) == 3


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_sparql_construct_negotiation(
    loaded_client: TestClient, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = loaded_client.get("/sparql", params={"query": CONSTRUCT}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == 2


def test_sparql_ask(loaded_client: TestClient) -> None:
    response = loaded_client.get("/sparql", params={"query": f"ASK {{ <{EX}alice> ?p ?o }}"})
    assert response.json()["boolean"] is True


def test_sparql_stray_format_parameters_ignored(loaded_client: TestClient) -> None:
    params = {"query": SELECT, "format": "xml", "output": "csv", "results": "tsv"}
    response = loaded_client.get("/sparql", params=params, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")


def test_sparql_head(loaded_client: TestClient) -> None:
    response = loaded_client.head("/sparql", params={"query": SELECT})
    assert response.status_code == 200
    assert response.headers["content-type"] == SPARQL_JSON


# ---------------------------------------------------------------------- errors
def test_sparql_malformed_query_is_400_with_parser_message(loaded_client: TestClient) -> None:
    response = loaded_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "does not parse" in detail
    assert "1:" in detail  # line:column from the parser


def test_sparql_nothing_acceptable_is_406(loaded_client: TestClient) -> None:
    response = loaded_client.get(
        "/sparql", params={"query": SELECT}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["detail"]
    response = loaded_client.get(
        "/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 406


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "application/sparql-query; charset=utf-16"]
)
def test_sparql_unsupported_content_type_is_415(
    loaded_client: TestClient, content_type: str
) -> None:
    response = loaded_client.post("/sparql", content=SELECT, headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert "detail" in response.json()


def test_sparql_non_utf8_body_is_400(loaded_client: TestClient) -> None:
    body = SELECT.encode("utf-16")
    headers = {"Content-Type": "application/sparql-query"}
    response = loaded_client.post("/sparql", content=body, headers=headers)
    assert response.status_code == 400


def test_sparql_bad_requests_are_400(loaded_client: TestClient) -> None:
    two = "/sparql?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert loaded_client.get(two).status_code == 400
    assert loaded_client.post("/sparql", data={"other": "x"}).status_code == 400
    assert (
        loaded_client.post("/sparql", data={"query": "ASK {}", "update": INSERT}).status_code == 400
    )
    assert loaded_client.get("/sparql", params={"update": INSERT}).status_code == 400
    assert loaded_client.put("/sparql", content="ASK {}").status_code == 405


def test_sparql_too_large_body_is_413(settings: Settings) -> None:
    small = settings.model_copy(update={"max_request_bytes": 100})
    with TestClient(create_app(small)) as client:
        response = client.post("/sparql", data={"query": SELECT + " " * 200})
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        (f"SELECT * FROM <{EX}graph/absent> WHERE {{ ?s ?p ?o }}", "not in the store"),
        (f"SELECT * FROM NAMED <{EX}graph/absent> WHERE {{ ?s ?p ?o }}", "not in the store"),
        (f"PREFIX g: <{EX}graph/> SELECT * FROM g:absent {{ ?s ?p ?o }}", "not in the store"),
    ],
)
def test_sparql_refused_queries_are_400(
    loaded_client: TestClient, query: str, message: str
) -> None:
    response = loaded_client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_sparql_service_in_string_is_not_refused(loaded_client: TestClient) -> None:
    query = "SELECT ?x WHERE { BIND('SERVICE <http://x> LOAD' AS ?x) } # SERVICE"
    assert loaded_client.get("/sparql", params={"query": query}).status_code == 200


def test_sparql_unknown_default_graph_parameter_is_400(loaded_client: TestClient) -> None:
    params = {"query": SELECT, "default-graph-uri": f"{EX}graph/absent"}
    assert loaded_client.get("/sparql", params=params).status_code == 400


# ---------------------------------------------------------------------- updates
def test_sparql_update_refused_when_read_only(loaded_client: TestClient) -> None:
    response = loaded_client.post("/sparql", data={"update": INSERT})
    assert response.status_code == 403
    assert "--enable-update" in response.json()["detail"]
    headers = {"Content-Type": "application/sparql-update", **bearer()}
    assert loaded_client.post("/sparql/update", content=INSERT, headers=headers).status_code == 403


@pytest.mark.parametrize("headers", [{}, bearer("wrong"), {"Authorization": f"Basic {TOKEN}"}])
def test_sparql_update_needs_the_token(update_client: TestClient, headers: dict[str, str]) -> None:
    response = update_client.post("/sparql", data={"update": INSERT}, headers=headers)
    assert response.status_code == 403
    assert "Bearer" in response.json()["detail"]


def test_sparql_update_with_token(update_client: TestClient) -> None:
    response = update_client.post("/sparql", data={"update": INSERT}, headers=bearer())
    assert response.status_code == 204
    assert names(update_client.get("/sparql", params={"query": SELECT})) == [
        "Alice",
        "Bob",
        "Carol",
    ]
    delete = f'DELETE DATA {{ GRAPH <{G2}> {{ <{EX}carol> <{EX}name> "Carol" }} }}'
    headers = {"Content-Type": "application/sparql-update", **bearer()}
    response = update_client.post("/sparql/update", content=delete, headers=headers)
    assert response.status_code == 204
    assert names(update_client.get("/sparql", params={"query": SELECT})) == ["Alice", "Bob"]


def test_sparql_anonymous_update(settings: Settings) -> None:
    anonymous = settings.model_copy(update={"enable_update": True, "allow_anonymous_update": True})
    with TestClient(create_app(anonymous)) as client:
        assert client.post("/sparql/update", data={"update": INSERT}).status_code == 204
        assert client.get("/health").json()["quads"] == 1


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ("LOAD <http://example.org/data.ttl>", "LOAD"),
        (f"LOAD SILENT <http://example.org/data.ttl> INTO GRAPH <{G1}>", "LOAD"),
        (f"WITH <{EX}graph/absent> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", "not in the store"),
        (
            f"DELETE {{ ?s ?p ?o }} USING <{EX}graph/absent> WHERE {{ ?s ?p ?o }}",
            "not in the store",
        ),
        ("INSERT DATA { <a:b> <a:c> ", "does not parse"),
        (f"DROP GRAPH <{EX}graph/absent>", "does not exist"),
    ],
)
def test_sparql_refused_updates_are_400(
    update_client: TestClient, update: str, message: str
) -> None:
    response = update_client.post("/sparql", data={"update": update}, headers=bearer())
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_sparql_update_endpoint_rejects_queries(update_client: TestClient) -> None:
    response = update_client.post("/sparql/update", data={"query": SELECT}, headers=bearer())
    assert response.status_code == 400


# ---------------------------------------------------------------------- service description
def test_sparql_service_description(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = next(graph.subjects(rdflib.RDF.type, sd.Service))
    assert (service, sd.endpoint, rdflib.URIRef("http://testserver/sparql")) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Update) not in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    dataset = graph.value(service, sd.defaultDataset)
    assert graph.value(dataset, sd.defaultGraph) is not None
    formats = set(graph.objects(service, sd.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats


def test_sparql_service_description_negotiated(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert response.headers["content-type"].startswith("application/n-triples")
    assert len(rdflib.Graph().parse(data=response.text, format="nt")) > 5
    assert client.get("/sparql", headers={"Accept": SPARQL_JSON}).status_code == 400


# ---------------------------------------------------------------------- helpers' doctests
@pytest.mark.parametrize(
    "module", [api.negotiation, api.errors, api.service_description], ids=lambda m: m.__name__
)
def test_sparql_helper_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------- a real server
@pytest.mark.integration
def test_sparql_over_real_http(live_server: object) -> None:
    url: str = live_server.url  # type: ignore[attr-defined]
    app = live_server.app  # type: ignore[attr-defined]
    store: Store = app.state.store
    store.update("DROP SILENT ALL")
    store.replace_graphs(remove=[], quads=QUADS)
    try:
        query_url = f"{url}/sparql?" + urllib.parse.urlencode({"query": SELECT})
        request = urllib.request.Request(query_url, headers={"Accept": SPARQL_JSON})
        with urllib.request.urlopen(request, timeout=20) as response:
            assert response.status == 200
            assert response.headers.get_content_type() == SPARQL_JSON
            bindings = json.load(response)["results"]["bindings"]
        assert [b["name"]["value"] for b in bindings] == ["Alice", "Bob"]
        form = urllib.parse.urlencode({"query": CONSTRUCT}).encode()
        request = urllib.request.Request(
            f"{url}/sparql", data=form, headers={"Accept": "text/turtle"}
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            assert len(rdflib.Graph().parse(data=response.read(), format="turtle")) == 2
        bad = f"{url}/sparql?" + urllib.parse.urlencode({"query": "SELECT {"})
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(bad, timeout=20)
        assert info.value.code == 400
        assert "does not parse" in json.loads(info.value.read())["detail"]
        info.value.close()
    finally:
        store.update("DROP SILENT ALL")
