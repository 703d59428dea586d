"""Reports over HTTP: ingest and delete behind the bearer token, list and show."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from kg.pipeline import Extractor
from kg.settings import Settings

pytestmark = pytest.mark.model

TOKEN = "s3cret"
REPORT = {
    "id": "cairo-talks",
    "text": "Negotiators from Egypt and Qatar met Hamas in Cairo on Monday.",
    "title": "Talks in Cairo",
    "published": "2024-05-06",
    "url": "https://example.org/cairo",
}


@pytest.fixture
def writable(extractor: Extractor) -> Iterator[TestClient]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, store=":memory:", enable_update=True, update_token=TOKEN
    )
    app = create_app(settings)
    app.state.extractor = extractor  # skip loading the model a second time
    with TestClient(app) as client:
        yield client


def test_documents_ingest_list_show_delete(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    created = writable.post("/documents", json=REPORT, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "cairo-talks"
    assert created.json()["sentences"] == 1
    listed = writable.get("/documents").json()["items"]
    assert [d["id"] for d in listed] == ["cairo-talks"]
    shown = writable.get("/documents/cairo-talks").json()
    assert shown["title"] == "Talks in Cairo"
    assert shown["text"] == REPORT["text"]
    hits = writable.get("/entities", params={"q": "qatar"}).json()
    assert hits["total"] == 1
    deleted = writable.delete("/documents/cairo-talks", headers=auth)
    assert deleted.status_code == 200
    assert deleted.json()["removed_quads"] > 0
    assert writable.get("/documents/cairo-talks").status_code == 404
    assert writable.delete("/documents/cairo-talks", headers=auth).status_code == 404


def test_documents_writes_need_the_token(writable: TestClient) -> None:
    assert writable.post("/documents", json=REPORT).status_code == 403
    wrong = writable.post("/documents", json=REPORT, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert "Bearer" in wrong.json()["detail"]
    denied = writable.delete("/documents/x", headers={"Authorization": "Bearer no"})
    assert denied.status_code == 403


def test_documents_read_only_by_default(client: TestClient) -> None:
    response = client.post("/documents", json=REPORT)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert client.get("/documents").json() == {"items": []}


def test_documents_bad_input_is_400(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad_id = writable.post("/documents", json={**REPORT, "id": "no spaces"}, headers=auth)
    assert bad_id.status_code == 400
    bad_date = writable.post("/documents", json={**REPORT, "published": "May 6"}, headers=auth)
    assert bad_date.status_code == 400
    assert "YYYY-MM-DD" in bad_date.json()["detail"]
