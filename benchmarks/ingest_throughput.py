"""Ingest throughput (reports/s): 1 process, 2 processes and Dask with 2 workers, in one run.

    python benchmarks/ingest_throughput.py [--reports 400]

Builds a batch of reports from the example reports and the CaRB dev sentences (several
sentences per report, cycled to ``--reports``), then ingests the batch into a fresh in-memory
store three ways and prints reports/s for each:

- ``workers=1``: one process parses, extracts and writes;
- ``workers=2``: two spaCy parser processes (``nlp.pipe(n_process=2)``), worker start-up
  included in the time;
- Dask: a ``LocalCluster`` of 2 worker processes (1 thread each) started by this script, the
  driver writing. Cluster start-up and the model load on the workers (``connect_cluster`` loads
  the extractor on every worker) are timed and printed separately, before the clock starts.

The driver's model is loaded before any clock starts. Needs ``conflict-kg[dask]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import time
from pathlib import Path

from kg.distributed import connect_cluster
from kg.ids import DEFAULT_BASE_IRI
from kg.models import Report
from kg.parallel import ExtractReports, ingest_reports
from kg.pipeline import Extractor, ensure_ontology
from kg.settings import DEFAULT_MODEL
from kg.store.oxigraph_store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
CARB = ROOT.parent / "shared" / "data" / "carb-dev" / "dev.txt"
SAMPLE = ROOT / "tests" / "data" / "carb-dev-sample.txt"
PUBLISHED = dt.date(2025, 1, 1)
DASK_WORKERS = 2


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


def measure(
    reports: list[Report],
    extractor: Extractor,
    *,
    workers: int = 1,
    extract: ExtractReports | None = None,
) -> float:
    """Ingest ``reports`` into a fresh store; return reports/s."""
    store = OxigraphStore(":memory:")
    try:
        ensure_ontology(store, base_iri=DEFAULT_BASE_IRI)
        start = time.perf_counter()
        for _result in ingest_reports(
            reports,
            extractor=extractor,
            store=store,
            base_iri=DEFAULT_BASE_IRI,
            workers=workers,
            extract=extract,
        ):
            pass
        return len(reports) / (time.perf_counter() - start)
    finally:
        store.close()


def measure_dask(reports: list[Report], extractor: Extractor) -> None:
    """Start a local cluster of 2 worker processes, ingest through it, print the timings."""
    from distributed import LocalCluster

    start = time.perf_counter()
    with LocalCluster(
        n_workers=DASK_WORKERS, processes=True, threads_per_worker=1, dashboard_address=":0"
    ) as cluster:
        started = time.perf_counter()
        with connect_cluster(cluster.scheduler_address, model=DEFAULT_MODEL) as extract:
            loaded = time.perf_counter()
            rate = measure(reports, extractor, extract=extract)
    setup = loaded - start
    with_setup = len(reports) / (setup + len(reports) / rate)
    print(
        f"Dask, {DASK_WORKERS} workers: {rate:.1f} reports/s "
        f"(cluster start-up {started - start:.1f} s and model load on the workers "
        f"{loaded - started:.1f} s not included; {with_setup:.1f} reports/s with them)"
    )


def main() -> None:
    """Print reports/s for 1 and 2 processes and for Dask with 2 workers."""
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
    measure_dask(reports, extractor)


if __name__ == "__main__":
    main()
