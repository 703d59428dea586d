"""Helpers for the reliability tests: batches of reports, the real CLI, quad sets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kg.store.oxigraph_store import OxigraphStore

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
KG = [sys.executable, "-m", "kg"]
STARTED_AT = "<http://www.w3.org/ns/prov#startedAtTime>"


def write_batch(path: Path, count: int) -> Path:
    """Write ``count`` reports with distinct ids, made from the examples' texts, as JSON Lines."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES_DIR.glob("*.txt"))]
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            # Keep each report short (its first two paragraphs) so the batch ingests quickly.
            text = "\n".join(texts[n % len(texts)].split("\n")[:2])
            record = {"id": f"batch-{n:04d}", "text": text, "published": "2025-01-01"}
            out.write(json.dumps(record) + "\n")
    return path


def kg_env() -> dict[str, str]:
    """The environment for ``kg`` subprocesses: no .env file settings leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_kg(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run the real ``kg`` command line to completion."""
    return subprocess.run(
        [*KG, *args], capture_output=True, text=True, timeout=timeout, env=kg_env(), check=False
    )


def quad_set(store_dir: Path, *, ignore_run_times: bool = True) -> set[tuple[str, ...]]:
    """Every quad of an on-disk store as N-Triples strings (run timestamps left out)."""
    store = OxigraphStore(store_dir)
    try:
        quads = store.quads()
    finally:
        store.close()
    return {
        (q.subject, q.predicate, q.object, q.graph or "")
        for q in quads
        if not (ignore_run_times and q.predicate == STARTED_AT)
    }
