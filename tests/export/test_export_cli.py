"""``kg export --format gexf|graphml [--dynamic]`` on a store on disk."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.pipeline import Extractor
from kg.store.oxigraph_store import OxigraphStore
from tests.conftest import ingest_examples

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def store_dir(extractor: Extractor, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "store"
    store = OxigraphStore(path)
    ingest_examples(store, extractor)
    store.close()
    return path


@pytest.mark.parametrize(("fmt", "dynamic"), [("gexf", False), ("gexf", True), ("graphml", False)])
def test_export_cli_writes_gephi_files(
    store_dir: Path, tmp_path: Path, fmt: str, dynamic: bool
) -> None:
    out = tmp_path / f"graph.{fmt}"
    args = ["export", "--format", fmt, "-o", str(out), "--store", str(store_dir)]
    result = CliRunner().invoke(app, [*args, "--dynamic"] if dynamic else args)
    assert result.exit_code == 0, result.output
    graph = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
    assert "antony-blinken" in graph
    if dynamic:
        assert b'mode="dynamic"' in out.read_bytes()


def test_export_cli_stats_actors(store_dir: Path) -> None:
    result = CliRunner().invoke(app, ["stats", "--actors", "--json", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.stdout)
    top = report["actors"][0]
    assert {"key", "degree", "betweenness", "community"} <= set(top)
    assert any(p[:2] == ["antony-blinken", "hamas"] for p in report["pairs"])
