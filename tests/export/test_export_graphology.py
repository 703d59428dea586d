"""The GEXF export, static and dynamic, parsed by the npm ``graphology-gexf`` reader under node."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.export.gephi import write_gexf
from kg.ids import DEFAULT_BASE_IRI as BASE
from kg.store.oxigraph_store import OxigraphStore

pytestmark = [pytest.mark.model, pytest.mark.integration]

JS_DIR = Path(__file__).resolve().parents[1] / "js"


def test_gephi_gexf_parses_in_graphology(examples_store: OxigraphStore, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not (JS_DIR / "node_modules" / "graphology-gexf").is_dir():
        pytest.skip("run `npm ci --prefix tests/js` first (scripts/test does)")
    paths = []
    for dynamic in (False, True):
        out = io.BytesIO()
        write_gexf(examples_store, out, dynamic=dynamic, base_iri=BASE)
        path = tmp_path / f"graph-{dynamic}.gexf"
        path.write_bytes(out.getvalue())
        paths.append(str(path))
    done = subprocess.run(
        [node, str(JS_DIR / "parse-gexf.js"), *paths],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    static, dynamic_summary = json.loads(done.stdout)
    for summary in (static, dynamic_summary):
        assert summary["order"] > 10
        assert summary["multi"] is True
        assert summary["type"] == "mixed"
        assert "class" in summary["nodeAttributes"]
        assert summary["edgeAttributes"]["event"].startswith(BASE + "event/")
    assert static["size"] == dynamic_summary["size"]
