"""The YASGUI editor page at GET /sparql (Accept: text/html): local assets only."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from api.editor import EXAMPLES_DIR, load_example_queries

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
STATIC = Path(__file__).resolve().parents[2] / "api" / "static" / "yasgui"


def test_editor_served_for_html(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assets = re.findall(r"""(?:src|href)=["']([^"']+)""", page)
    assert "/static/yasgui/yasgui.min.js" in assets
    assert "/static/yasgui/yasgui.min.css" in assets
    for url in assets:
        assert not re.match(r"(?i)(https?:)?//", url), url
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url
    # outside the example queries (data, with their PREFIX IRIs) there are no absolute URLs
    markup = re.sub(r"var config = \{.*?\};\n", "", page)
    assert "http://" not in markup
    assert "https://" not in markup


def test_editor_prefilled_with_examples_and_no_remote_autocomplete(client: TestClient) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html"}).text
    examples = load_example_queries()
    assert len(examples) == len(list(EXAMPLES_DIR.glob("*.rq")))
    config = json.loads(re.search(r"var config = (\{.*?\});\n", page).group(1))  # type: ignore[union-attr]
    assert config["examples"] == [example.text for example in examples]
    assert config["endpoint"] == "/sparql"
    assert page.count("<option") == len(examples)
    assert 'autocompleters: ["variables", "prefixes"]' in page
    assert "prefixCcApi: null" in page


def test_editor_not_for_sparql_clients(client: TestClient) -> None:
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert client.get("/sparql").headers["content-type"].startswith("text/turtle")


def test_editor_vendored_assets_have_no_cdn_and_a_license() -> None:
    assert (STATIC / "LICENSE").read_text().count("MIT") >= 1
    script = (STATIC / "yasgui.min.js").read_text(encoding="utf-8")
    for cdn in ("unpkg.com", "cdn.jsdelivr", "cdnjs.", "googleapis.com"):
        assert cdn not in script
    assert "sourceMappingURL" not in script
    css = (STATIC / "yasgui.min.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
