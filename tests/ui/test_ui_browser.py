"""The browser UI in Debian's chromium (Playwright): search, open an actor, see its relations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.main import create_app
from kg.pipeline import Extractor
from kg.settings import Settings
from tests.conftest import LiveServer, ingest_examples, run_live_server

pytestmark = [pytest.mark.model, pytest.mark.integration]

CHROMIUM = Path(os.environ.get("KG_TEST_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def examples_server(extractor: Extractor) -> Iterator[LiveServer]:
    settings = Settings(_env_file=None, store=":memory:")  # type: ignore[call-arg]
    for server in run_live_server(create_app(settings)):
        ingest_examples(server.app.state.store, extractor)
        yield server


def test_ui_search_blinken_and_open_actor(examples_server: LiveServer, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}; install it with `apt-get install -y chromium`")
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(examples_server.url + "/")
            page.fill("#q", "Blinken")
            page.click("#search-form button")
            page.click("#hits a:has-text('Antony Blinken')")
            relations = page.locator("#relations")
            relations.get_by_text("Benjamin Netanyahu").first.wait_for(timeout=15_000)
            assert "Secretary of State" in page.inner_text("#facts")
            text = relations.inner_text()
            assert "Hamas" in text
            assert "planned / future" in text  # modality is shown, not hidden
            page.wait_for_function("document.querySelector('#graph canvas') !== null")
            shot = Path(os.environ.get("KG_TEST_ARTIFACTS", tmp_path)) / "ui-blinken.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
    assert requested
    outside = [url for url in requested if not url.startswith(examples_server.url + "/")]
    assert not outside, outside
