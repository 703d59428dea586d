"""A short wrk run against a real server (lookup and SPARQL routes): no errors, all 2xx."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from kg.pipeline import Extractor
from kg.store.oxigraph_store import OxigraphStore
from tests.conftest import ingest_examples

pytestmark = [pytest.mark.slow, pytest.mark.model]

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_load_wrk_no_errors(tmp_path: Path, extractor: Extractor) -> None:
    from load import run_load  # type: ignore[import-not-found]

    store = OxigraphStore(tmp_path / "store")
    try:
        ingest_examples(store, extractor)
    finally:
        store.close()
    results = run_load(tmp_path / "store", duration=5, connections=64)
    assert [r.route for r in results] == ["lookup", "sparql"]
    for result in results:
        assert result.requests > 100, result
        assert result.socket_errors == 0, result
        assert result.non_2xx == 0, result
