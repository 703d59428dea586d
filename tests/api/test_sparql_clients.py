"""Real SPARQL clients against a real server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.store.base import Quad, Store
from tests.conftest import LiveServer

EX = "http://example.org/"
QUADS = [
    Quad(f"<{EX}alice>", f"<{EX}name>", '"Alice"@en', f"{EX}g1"),
    Quad(f"<{EX}alice>", f"<{EX}knows>", f"<{EX}bob>", f"{EX}g1"),
    Quad(f"<{EX}bob>", f"<{EX}name>", '"Bob"', f"{EX}g2"),
]
NAMES = f"SELECT ?name WHERE {{ ?x <{EX}name> ?name }} ORDER BY ?name"

pytestmark = pytest.mark.integration


@pytest.fixture
def endpoint(live_server: LiveServer) -> Iterator[str]:
    store: Store = live_server.app.state.store
    store.update("DROP SILENT ALL")
    store.replace_graphs(remove=[], quads=QUADS)
    yield f"{live_server.url}/sparql"
    store.update("DROP SILENT ALL")


def test_sparql_clients_sparqlwrapper_defaults(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)  # defaults: GET, results as XML
    client.setQuery(NAMES)
    document = client.query().convert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert literals == ["Alice", "Bob"]


def test_sparql_clients_sparqlwrapper_json_ask_construct(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setReturnFormat(JSON)
    client.setQuery(NAMES)
    bindings = client.query().convert()["results"]["bindings"]  # type: ignore[index,call-overload]
    assert [b["name"]["value"] for b in bindings] == ["Alice", "Bob"]
    client.setQuery(f"ASK {{ <{EX}alice> <{EX}knows> <{EX}bob> }}")
    assert client.query().convert()["boolean"] is True  # type: ignore[index,call-overload]
    client.setQuery(f"CONSTRUCT WHERE {{ <{EX}alice> ?p ?o }}")
    client.setReturnFormat("turtle")
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) == 2
    client.setMethod("POST")
    client.setReturnFormat(JSON)
    client.setQuery(NAMES)
    assert len(client.query().convert()["results"]["bindings"]) == 2  # type: ignore[index,call-overload]


def test_sparql_clients_rdflib_sparqlstore(endpoint: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph(SPARQLStore(query_endpoint=endpoint))
        names = sorted(str(row[0]) for row in graph.query(NAMES))  # type: ignore[index]
        assert names == ["Alice", "Bob"]
        assert (rdflib.URIRef(f"{EX}alice"), rdflib.URIRef(f"{EX}knows"), None) in graph
