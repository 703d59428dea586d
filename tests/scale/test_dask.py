"""``kg ingest --dask-scheduler``: extraction on a Dask cluster writes what one process writes.

The cluster is a real ``distributed.LocalCluster`` of two worker processes (one thread each);
``kg ingest`` runs as a real subprocess against it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.distributed import ExtractorSpec, connect_cluster, extract_batch
from kg.errors import ConfigError, InputError
from kg.ids import DEFAULT_BASE_IRI
from kg.models import Extraction, Report
from kg.parallel import ingest_reports
from kg.pipeline import Extractor, ensure_ontology
from kg.reports import read_reports
from kg.settings import DEFAULT_MODEL
from kg.store.oxigraph_store import OxigraphStore
from kg.text_limits import MAX_SENTENCE_CHARS
from tests.conftest import free_port
from tests.reliability.helpers import EXAMPLES_DIR, KG, kg_env, quad_set, run_kg, write_batch

distributed = pytest.importorskip("distributed")

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
pytestmark = [pytest.mark.model, pytest.mark.integration]

Quads = set[tuple[str, str, str, str | None]]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a local Dask cluster: 2 worker processes, 1 thread each."""
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    ) as cluster:
        yield str(cluster.scheduler_address)


def _reports() -> list[Report]:
    return list(read_reports([EXAMPLES_DIR], max_bytes=10_000_000))


def _store_quads(store: OxigraphStore) -> Quads:
    return {(q.subject, q.predicate, q.object, q.graph) for q in store.quads()}


@pytest.mark.slow
def test_dask_cli_ingest_writes_the_same_quads_as_one_process(
    scheduler: str, tmp_path: Path
) -> None:
    serial = run_kg("ingest", "--workers", "1", "--store", str(tmp_path / "one"), str(EXAMPLES_DIR))
    assert serial.returncode == 0, serial.stderr
    dask = run_kg(
        "ingest",
        "--dask-scheduler",
        scheduler,
        "--store",
        str(tmp_path / "dask"),
        str(EXAMPLES_DIR),
    )
    assert dask.returncode == 0, dask.stderr
    expected = quad_set(tmp_path / "one")
    assert len(expected) > 1000
    assert quad_set(tmp_path / "dask") == expected
    # Re-running on the cluster finds every report unchanged and writes nothing.
    before = quad_set(tmp_path / "dask", ignore_run_times=False)
    again = run_kg(
        "ingest",
        "--dask-scheduler",
        scheduler,
        "--store",
        str(tmp_path / "dask"),
        str(EXAMPLES_DIR),
    )
    assert again.returncode == 0, again.stderr
    assert quad_set(tmp_path / "dask", ignore_run_times=False) == before


@pytest.mark.slow
def test_dask_ingest_reports_matches_one_process_exactly(
    scheduler: str, extractor: Extractor
) -> None:
    reports = _reports()
    stores = {name: OxigraphStore(":memory:") for name in ("one", "dask")}
    try:
        for store in stores.values():
            ensure_ontology(store, base_iri=DEFAULT_BASE_IRI)
        one = list(
            ingest_reports(
                reports,
                extractor=extractor,
                store=stores["one"],
                base_iri=DEFAULT_BASE_IRI,
                clock=lambda: NOW,
            )
        )
        with connect_cluster(scheduler, model=DEFAULT_MODEL, batch_size=2) as extract:
            dask = list(
                ingest_reports(
                    reports,
                    extractor=extractor,
                    store=stores["dask"],
                    base_iri=DEFAULT_BASE_IRI,
                    extract=extract,
                    clock=lambda: NOW,
                )
            )
        assert [r.doc_id for r in dask] == [r.doc_id for r in one] == [r.id for r in reports]
        assert dask == one
        assert _store_quads(stores["dask"]) == _store_quads(stores["one"])
    finally:
        for store in stores.values():
            store.close()


class _CountingClient:
    """A real client that counts the tasks submitted to it."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.submitted = 0

    def nthreads(self) -> dict[str, int]:
        return dict(self.client.nthreads())

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        self.submitted += 1
        return self.client.submit(*args, **kwargs)


@pytest.mark.slow
def test_dask_extraction_keeps_input_order_and_bounds_batches_in_flight(scheduler: str) -> None:
    from kg.distributed import IN_FLIGHT_PER_WORKER, DaskExtraction

    reports = _reports()
    with distributed.Client(scheduler, set_as_default=False) as real:
        client = _CountingClient(real)
        extract = DaskExtraction(client, spec=ExtractorSpec(DEFAULT_MODEL), batch_size=1)
        limit = IN_FLIGHT_PER_WORKER * 2
        seen: list[Extraction] = []
        for extraction in extract(reports):
            seen.append(extraction)
            # Batches read + at most ``limit`` more are submitted at any time.
            assert client.submitted <= min(len(reports), len(seen) + limit)
    assert [x.report.id for x in seen] == [r.id for r in reports]
    assert client.submitted == len(reports)


@pytest.mark.slow
def test_dask_ingest_stops_at_an_unusable_report_after_writing_the_ones_before(
    scheduler: str, extractor: Extractor
) -> None:
    good = _reports()[:2]
    bad = Report(id="run-on", text="word " * (MAX_SENTENCE_CHARS // 4))
    store = OxigraphStore(":memory:")
    written: list[str] = []
    try:
        with (
            connect_cluster(scheduler, model=DEFAULT_MODEL, batch_size=8) as extract,
            pytest.raises(InputError, match="run-on"),
        ):
            for result in ingest_reports(
                [good[0], bad, good[1]],
                extractor=extractor,
                store=store,
                base_iri=DEFAULT_BASE_IRI,
                extract=extract,
            ):
                written.append(result.doc_id)
    finally:
        store.close()
    assert written == [good[0].id]


def test_dask_extract_batch_ends_at_an_unusable_report_with_its_error() -> None:
    good = _reports()[:2]
    bad = Report(id="run-on", text="word " * (MAX_SENTENCE_CHARS // 4))
    first, error = extract_batch([good[0], bad, good[1]], ExtractorSpec(DEFAULT_MODEL))
    assert isinstance(first, Extraction)
    assert first.report == good[0]
    assert isinstance(error, InputError)
    assert "run-on" in str(error)


@pytest.mark.slow
def test_dask_cli_unreachable_scheduler_fails_cleanly(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    address = f"tcp://127.0.0.1:{free_port()}"
    result = run_kg(
        "ingest",
        "--dask-scheduler",
        address,
        "--store",
        str(store_dir),
        str(EXAMPLES_DIR),
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot reach the Dask scheduler at " + address)
    assert "Traceback" not in result.stderr
    assert not store_dir.exists()


@pytest.mark.slow
def test_dask_cli_lost_scheduler_fails_cleanly_and_a_rerun_completes(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch.jsonl", 60)
    store_dir = tmp_path / "store"
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    ) as cluster:
        address = cluster.scheduler_address
        proc = subprocess.Popen(
            [*KG, "ingest", "--store", str(store_dir), str(batch), "--dask-scheduler", address],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=kg_env(),
        )
        # The scheduler runs in this process: wait until extraction tasks arrive, then stop it.
        deadline = time.monotonic() + 60
        while not any(key.startswith("extract_batch") for key in map(str, cluster.scheduler.tasks)):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    # (the progress bar on stderr ends its line first)
    assert err.strip().startswith("error: the Dask cluster failed during extraction"), err
    assert len(err.strip().splitlines()) == 1, err
    # Each report is one transaction: re-running without the cluster completes the batch.
    rerun = run_kg("ingest", "--store", str(store_dir), str(batch))
    assert rerun.returncode == 0, rerun.stderr
    reference = run_kg("ingest", "--store", str(tmp_path / "reference"), str(batch))
    assert reference.returncode == 0, reference.stderr
    assert quad_set(store_dir) == quad_set(tmp_path / "reference")


def test_dask_cli_bad_address_fails_cleanly(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    result = run_kg(
        "ingest", "--dask-scheduler", "nope://x", "--store", str(store_dir), str(EXAMPLES_DIR)
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: bad Dask scheduler address 'nope://x'")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not store_dir.exists()


def test_dask_cli_refuses_workers_with_a_scheduler(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    result = run_kg(
        "ingest",
        "--workers",
        "2",
        "--dask-scheduler",
        "tcp://127.0.0.1:8786",
        "--store",
        str(store_dir),
        str(EXAMPLES_DIR),
    )
    assert result.returncode == 1
    assert result.stderr == (
        "error: give either --workers N or --dask-scheduler ADDRESS, not both "
        "(the cluster's workers do the parsing)\n"
    )
    assert not store_dir.exists()


def test_dask_connect_without_dask_installed_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with (
        pytest.raises(ConfigError, match=r'pip install "conflict-kg\[dask\]"'),
        connect_cluster("tcp://127.0.0.1:8786", model=DEFAULT_MODEL),
    ):
        pass
