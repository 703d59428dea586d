"""Ingest throughput (reports/s) with 1 and 2 parser processes, in one run.

    python benchmarks/ingest_throughput.py [--reports 400]

Builds a batch of reports from the example reports and the CaRB dev sentences (several
sentences per report, cycled to ``--reports``), then ingests the batch into a fresh in-memory
store with ``workers=1`` and ``workers=2`` and prints reports/s for each. The model is loaded
before the clock starts; worker start-up is included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import time
from pathlib import Path

from kg.ids import DEFAULT_BASE_IRI
from kg.models import Report
from kg.parallel import ingest_reports
from kg.pipeline import Extractor, ensure_ontology
from kg.settings import DEFAULT_MODEL
from kg.store.oxigraph_store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
CARB = ROOT.parent / "shared" / "data" / "carb-dev" / "dev.txt"
SAMPLE = ROOT / "tests" / "data" / "carb-dev-sample.txt"
PUBLISHED = dt.date(2025, 1, 1)


def build_reports(count: int) -> list[Report]:
    """``count`` reports: the examples, then CaRB sentences in groups of five, cycled."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    carb = CARB if CARB.is_file() else SAMPLE
    lines = [line for line in carb.read_text(encoding="utf-8").split("\n") if line.strip()]
    texts += [" ".join(lines[i : i + 5]) for i in range(0, len(lines), 5)]
    return [
        Report(id=f"bench-{n}", text=text, published=PUBLISHED)
        for n, text in zip(range(count), itertools.cycle(texts), strict=False)
    ]


def measure(reports: list[Report], extractor: Extractor, *, workers: int) -> float:
    """Ingest ``reports`` into a fresh store; return reports/s."""
    store = OxigraphStore(":memory:")
    try:
        ensure_ontology(store, base_iri=DEFAULT_BASE_IRI)
        start = time.perf_counter()
        for _result in ingest_reports(
            reports, extractor=extractor, store=store, base_iri=DEFAULT_BASE_IRI, workers=workers
        ):
            pass
        return len(reports) / (time.perf_counter() - start)
    finally:
        store.close()


def main() -> None:
    """Print reports/s for 1 and 2 processes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=400)
    args = parser.parse_args()
    extractor = Extractor.load(model=DEFAULT_MODEL)
    reports = build_reports(args.reports)
    chars = sum(len(r.text) for r in reports)
    print(f"{len(reports)} reports, {chars / len(reports):.0f} characters on average")
    for workers in (1, 2):
        rate = measure(reports, extractor, workers=workers)
        print(f"{workers} process{'es' if workers > 1 else ''}: {rate:.1f} reports/s")


if __name__ == "__main__":
    main()
