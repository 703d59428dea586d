"""`kg extract --per-line` on CaRB sentences: one record per relation, echoed sentences,
graded confidences."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent / "data" / "carb-dev-sample.txt"
CARB_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "carb-dev" / "dev.txt"
pytestmark = pytest.mark.model


def _run(path: Path) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "extract", "--per-line", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _check(records: list[dict[str, object]], lines: list[str]) -> None:
    assert records
    sentences = {r["sentence"] for r in records}
    assert sentences <= set(lines), "every record echoes an input line exactly"
    assert len(sentences) >= 0.9 * len(lines), "nearly every sentence yields a relation"
    confidences = [r["confidence"] for r in records]
    assert all(isinstance(c, float) and 0 < c < 1 for c in confidences)
    assert len(set(confidences)) > len(records) / 10, "confidence is graded, not constant"
    for r in records:
        assert r["subject"] and r["relation"]
        assert r["modality"] in {
            "asserted",
            "negated",
            "hypothetical",
            "future",
            "proposed",
            "requested",
            "threatened",
            "warned-against",
        }


def test_extract_per_line_on_carb_sample() -> None:
    lines = [x for x in SAMPLE.read_text(encoding="utf-8").split("\n") if x.strip()]
    _check(_run(SAMPLE), lines)


@pytest.mark.slow
@pytest.mark.skipif(not CARB_DEV.is_file(), reason="shared/ is not beside the project")
def test_extract_per_line_on_whole_carb_dev() -> None:
    lines = [x for x in CARB_DEV.read_text(encoding="utf-8").split("\n") if x.strip()]
    _check(_run(CARB_DEV), lines)
