"""Backup and restore: ``kg export --format nquads`` then ``kg restore`` reproduces the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.backup import parse_nquads, restore_quads
from kg.errors import InputError, StoreError
from kg.store.base import Quad
from kg.store.oxigraph_store import OxigraphStore
from tests.conftest import ingest_examples
from tests.reliability.helpers import quad_set, run_kg

if TYPE_CHECKING:
    from kg.pipeline import Extractor


@pytest.fixture(scope="module")
def examples_dir_store(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Path:
    """An on-disk store holding the ingested examples (closed, so a subprocess can open it)."""
    path = tmp_path_factory.mktemp("backup") / "source"
    store = OxigraphStore(path)
    try:
        ingest_examples(store, extractor)
    finally:
        store.close()
    return path


def test_backup_export_then_restore_reproduces_store(
    tmp_path: Path, examples_dir_store: Path
) -> None:
    dump = tmp_path / "dump.nq"
    exported = run_kg(
        "export", "--format", "nquads", "--store", str(examples_dir_store), "-o", str(dump)
    )
    assert exported.returncode == 0, exported.stderr
    target = tmp_path / "restored"
    restored = run_kg("restore", str(dump), "--store", str(target))
    assert restored.returncode == 0, restored.stderr
    expected = quad_set(examples_dir_store, ignore_run_times=False)
    assert len(expected) > 1000
    assert quad_set(target, ignore_run_times=False) == expected

    again = run_kg("restore", str(dump), "--store", str(target))
    assert again.returncode == 1
    assert again.stderr.startswith("error: ") and "--replace" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1

    replaced = run_kg("restore", str(dump), "--store", str(target), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert quad_set(target, ignore_run_times=False) == expected


def test_backup_malformed_dump_is_refused_without_writing(
    tmp_path: Path, examples_dir_store: Path
) -> None:
    dump = tmp_path / "bad.nq"
    good = '<http://ex/s> <http://ex/p> "o" <http://ex/g> .\n'
    dump.write_text(good * 5 + "<http://ex/s> <http://ex/p> .\n", encoding="utf-8")
    before = quad_set(examples_dir_store, ignore_run_times=False)
    result = run_kg("restore", str(dump), "--store", str(examples_dir_store), "--replace")
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {dump}:6: not a valid N-Quads dump")
    assert "Traceback" not in result.stderr
    assert quad_set(examples_dir_store, ignore_run_times=False) == before
    fresh = tmp_path / "fresh"
    assert run_kg("restore", str(dump), "--store", str(fresh)).returncode == 1
    assert not fresh.exists()


def test_backup_restore_refuses_nonempty_store_and_blank_nodes(
    memory_store: OxigraphStore,
) -> None:
    quad = Quad("<http://ex/s>", "<http://ex/p>", '"o"', "http://ex/g")
    memory_store.replace_graphs(remove=[], quads=[quad])
    with pytest.raises(StoreError, match="--replace"):
        restore_quads(memory_store, [quad], replace=False)
    bad_escape = parse_nquads(b'<http://ex/s> <http://ex/p> "o\\q" <http://ex/g> .\n', source="x")
    with pytest.raises(StoreError):
        restore_quads(memory_store, [quad, *bad_escape], replace=True)
    assert memory_store.quads() == [quad]
    with pytest.raises(InputError, match="blank nodes"):
        parse_nquads(b"_:b <http://ex/p> <http://ex/o> <http://ex/g> .\n", source="x.nq")
    with pytest.raises(InputError, match="UTF-8"):
        parse_nquads(b"\xff\xfe", source="x.nq")
