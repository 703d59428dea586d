"""Entity lookups, paths, events and the GEXF download through real HTTP (lifespan running)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from kg.pipeline import Extractor
from kg.settings import Settings
from tests.conftest import ingest_examples

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def examples_client(extractor: Extractor) -> Iterator[TestClient]:
    """A client of an app whose store holds the ingested examples."""
    settings = Settings(_env_file=None, store=":memory:")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        ingest_examples(client.app.state.store, extractor)  # type: ignore[attr-defined]
        yield client


def test_entities_search_finds_blinken(examples_client: TestClient) -> None:
    response = examples_client.get("/entities", params={"q": "blinken"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    (hit,) = body["items"]
    assert hit["id"] == "antony-blinken"
    assert hit["type"] == "Person"
    assert "Blinken" in hit["aliases"]
    assert "sameAs" in hit


def test_entities_search_word_prefixes_ignore_case_and_accents(
    examples_client: TestClient,
) -> None:
    for q in ("BLINK", "antony blink", "Blínken"):
        body = examples_client.get("/entities", params={"q": q}).json()
        assert [item["id"] for item in body["items"]] == ["antony-blinken"], q
    assert examples_client.get("/entities", params={"q": "zzqx"}).json()["total"] == 0


def test_entities_search_type_filter_and_paging(examples_client: TestClient) -> None:
    people = examples_client.get("/entities", params={"type": "person", "limit": 2}).json()
    assert people["total"] > 2
    assert len(people["items"]) == 2
    assert {item["type"] for item in people["items"]} == {"Person"}
    bad = examples_client.get("/entities", params={"type": "Dragon"})
    assert bad.status_code == 400
    assert "unknown entity type" in bad.json()["detail"]


def test_entities_relations_of_blinken_have_evidence(examples_client: TestClient) -> None:
    response = examples_client.get("/entities/antony-blinken/relations")
    assert response.status_code == 200
    relations = response.json()["relations"]
    others = {r["other"]["id"] for r in relations}
    assert {"benjamin-netanyahu", "israel", "hamas"} <= others
    for relation in relations:
        assert relation["evidence"], relation
        evidence = relation["evidence"][0]
        assert evidence["doc_id"] == "blinken-ceasefire-talks"
        assert evidence["end"] > evidence["start"]
    demand = next(r for r in relations if r["other"]["id"] == "hamas")
    assert demand["direction"] == "out"
    assert demand["event_type"] == "Demand"
    assert "Hamas" in demand["evidence"][0]["sentence"]


def test_entities_relations_filters(examples_client: TestClient) -> None:
    url = "/entities/antony-blinken/relations"
    asserted = examples_client.get(url, params={"modality": "Asserted"}).json()["relations"]
    assert asserted
    assert {r["modality"] for r in asserted} == {"Asserted"}
    meetings = examples_client.get(url, params={"type": "Meeting"}).json()["relations"]
    assert {r["event_type"] for r in meetings} == {"Meeting"}
    incoming = examples_client.get(url, params={"direction": "in"}).json()["relations"]
    assert all(r["direction"] in ("in", "both") for r in incoming)
    future = examples_client.get(url, params={"since": "2030-01-01"}).json()["relations"]
    assert future == []


def test_entities_show_json_turtle_and_404(examples_client: TestClient) -> None:
    body = examples_client.get("/entities/antony-blinken").json()
    assert body["label"] == "Antony Blinken"
    assert body["role_titles"] == ["Secretary of State"]
    assert body["country"]["id"] == "united-states"
    assert body["documents"] == ["blinken-ceasefire-talks"]
    assert body["counts"]["events"] > 0
    turtle = examples_client.get(
        "/entities/antony-blinken", headers={"Accept": "text/turtle"}
    )
    assert turtle.status_code == 200
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "Antony Blinken" in turtle.text
    jsonld = examples_client.get(
        "/entities/antony-blinken", headers={"Accept": "application/ld+json"}
    )
    assert jsonld.status_code == 200
    assert "Antony Blinken" in jsonld.text
    missing = examples_client.get("/entities/no-such-actor")
    assert missing.status_code == 404
    assert "no entity 'no-such-actor'" in missing.json()["detail"]
    assert examples_client.get("/entities/no-such-actor/relations").status_code == 404


def test_paths_join_blinken_and_hamas(examples_client: TestClient) -> None:
    response = examples_client.get(
        "/paths", params={"from": "antony-blinken", "to": "hamas", "max_hops": 3}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["from"]["id"] == "antony-blinken"
    assert body["to"]["id"] == "hamas"
    assert body["paths"]
    path = body["paths"][0]
    assert path["length"] == len(path["edges"]) >= 1
    assert path["edges"][0]["source"]["id"] == "antony-blinken"
    assert path["edges"][-1]["target"]["id"] == "hamas"
    assert all(edge["evidence"] for edge in path["edges"])
    missing = examples_client.get("/paths", params={"from": "antony-blinken", "to": "nobody"})
    assert missing.status_code == 404


def test_events_filters(examples_client: TestClient) -> None:
    body = examples_client.get("/events", params={"actor": "antony-blinken"}).json()
    assert body["total"] >= 5
    types = {e["type"] for e in body["items"]}
    assert {"DiplomaticVisit", "Demand"} <= types
    attacks = examples_client.get(
        "/events", params={"type": "attack", "modality": "Asserted"}
    ).json()
    assert attacks["items"]
    assert {(e["type"], e["modality"]) for e in attacks["items"]} == {("Attack", "Asserted")}
    cairo = examples_client.get("/events", params={"location": "cairo"}).json()
    assert any(e["type"] == "Negotiation" for e in cairo["items"])


def test_export_gexf_download(examples_client: TestClient) -> None:
    response = examples_client.get("/export/gexf", params={"dynamic": "true"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/gexf+xml")
    assert b'mode="dynamic"' in response.content
    assert b"antony-blinken" in response.content
