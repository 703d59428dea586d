"""Ingestion survives SIGKILL: each report is one transaction and re-running completes the batch.

A real ``kg ingest`` process is killed at several points, re-run to completion, and its store is
compared with an uninterrupted run's (run timestamps aside): the quad sets are identical.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.helpers import KG, kg_env, quad_set, run_kg, write_batch

BATCH_SIZE = 300
KILL_AFTER = (2.0, 5.0, 9.0)


def _start_and_kill(batch: Path, store_dir: Path, after: float) -> None:
    proc = subprocess.Popen(
        [*KG, "ingest", str(batch), "--store", str(store_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=kg_env(),
    )
    try:
        proc.wait(timeout=after)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)


@pytest.mark.slow
def test_ingest_killed_and_rerun_matches_uninterrupted_run(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch.jsonl", BATCH_SIZE)
    reference = tmp_path / "reference"
    done = run_kg("ingest", str(batch), "--store", str(reference))
    assert done.returncode == 0, done.stderr

    killed = tmp_path / "killed"
    for after in KILL_AFTER:
        started = time.monotonic()
        _start_and_kill(batch, killed, after)
        assert time.monotonic() - started < after + 30
    partial = {q[3] for q in quad_set(killed) if q[3].endswith("-provenance")}
    assert 0 < len(partial) < BATCH_SIZE, "the kills should land in the middle of the batch"
    rerun = run_kg("ingest", str(batch), "--store", str(killed))
    assert rerun.returncode == 0, rerun.stderr

    expected = quad_set(reference)
    actual = quad_set(killed)
    assert len(expected) > 10_000
    assert actual == expected, (
        f"{len(actual - expected)} extra and {len(expected - actual)} missing quads"
    )
    # Every report is stored whole: the same number of report provenance graphs.
    docs = {q[3] for q in actual if q[3].endswith("-provenance")}
    assert len(docs) == BATCH_SIZE
