"""The service routes: /health, /stats, the UI page, /docs and error handling."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import INTERNAL_ERROR
from api.main import create_app
from kg.settings import Settings
from kg.store.base import Quad

CK = "https://w3id.org/conflict-kg/ontology#"
ID = "https://w3id.org/conflict-kg/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
GRAPH = f"{ID}graph/a1-s1"
ONTOLOGY = f"{ID}graph/ontology"
QUADS = [
    Quad(f"<{CK}Meeting>", SUBCLASS, f"<{CK}Event>", ONTOLOGY),
    Quad(f"<{CK}Person>", SUBCLASS, f"<{CK}Actor>", ONTOLOGY),
    Quad(f"<{ID}doc/a1>", RDF_TYPE, "<https://schema.org/NewsArticle>", f"{ID}graph/a1-provenance"),
    Quad(f"<{ID}entity/antony-blinken>", RDF_TYPE, f"<{CK}Person>", f"{ID}graph/entities"),
    Quad(f"<{ID}entity/israel>", RDF_TYPE, f"<{CK}State>", f"{ID}graph/entities"),
    Quad(f"<{ID}event/a1-s1-e1>", RDF_TYPE, f"<{CK}Meeting>", GRAPH),
    Quad(f"<{ID}event/a1-s1-e2>", RDF_TYPE, f"<{CK}Meeting>", GRAPH),
    Quad(
        f"<{ID}statement/a1-s1-r1>",
        RDF_TYPE,
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement>",
        GRAPH,
    ),
]


@pytest.fixture
def loaded_client(client: TestClient) -> TestClient:
    """The client, its store holding :data:`QUADS`."""
    app = client.app
    assert isinstance(app, FastAPI)
    app.state.store.replace_graphs(remove=[], quads=QUADS)
    return client


def test_health_reports_ok_and_quads(loaded_client: TestClient) -> None:
    response = loaded_client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "quads": len(QUADS)}


def test_health_stats_counts(loaded_client: TestClient) -> None:
    response = loaded_client.get("/stats")
    assert response.status_code == 200
    assert response.json() == {
        "quads": 8,
        "graphs": 4,
        "documents": 1,
        "entities": 2,
        "events": 2,
        "statements": 1,
    }


def test_health_stats_on_empty_store(client: TestClient) -> None:
    assert client.get("/stats").json()["quads"] == 0


def test_health_index_page_is_local(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "conflict-kg" in page
    assert 'fetch("stats"' in page
    assert 'href="sparql"' in page
    assert 'href="docs"' in page
    for url in re.findall(r"""(?:src|href|action)=["']([^"']+)""", page):
        assert not re.match(r"(?i)(https?:)?//", url), url


def test_health_docs_use_local_assets(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    page = response.text
    assert "http://" not in page
    assert "https://" not in page
    assets = re.findall(r"""(?:src|href)=["']([^"']+)""", page)
    assert "/static/swagger-ui/swagger-ui-bundle.js" in assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert client.get("/openapi.json").json()["info"]["title"] == "conflict-kg"
    assert client.get("/redoc").status_code == 404


def test_health_unexpected_error_is_generic_500(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": INTERNAL_ERROR}
    assert "secret" not in response.text


def test_health_unknown_route_is_json_404(client: TestClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "detail" in response.json()
