"""Backup and restore: ``kg export --format nquads`` then ``kg restore`` reproduces the store."""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.backup import check_dump, parse_nquads, restore_dump, restore_quads
from kg.errors import InputError, StoreError
from kg.store.base import Quad
from kg.store.oxigraph_store import OxigraphStore
from tests.conftest import ingest_examples
from tests.reliability.helpers import KG, kg_env, quad_set, run_kg

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


# --- streamed restore -------------------------------------------------------------------------

EX = "http://example.org/"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
PERSON = "<https://w3id.org/conflict-kg/ontology#Person>"


def write_dump(path: Path, quads: int) -> Path:
    """A dump shaped like kg output: events with labels, agents and dates in many graphs."""
    id_base = "https://w3id.org/conflict-kg/id"
    with path.open("w", encoding="utf-8") as out:
        for n in range(quads):
            graph = f"<{id_base}/graph/report-{n // 120}-s{n // 12}>"
            event = f"<{id_base}/event/e{n // 6}>"
            if n % 3 == 0:
                text = f'"Talks in caf\u00e9 {n} on a ceasefire \\"proposal\\" between the parties"'
                out.write(f"{event} {LABEL} {text} {graph} .\n")
            elif n % 3 == 1:
                actor = f"<{id_base}/entity/actor-{n % 997}>"
                out.write(
                    f"{event} <https://w3id.org/conflict-kg/ontology#agent> {actor} {graph} .\n"
                )
            else:
                date = f'"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"^^<http://www.w3.org/2001/XMLSchema#date>'
                out.write(
                    f"{event} <https://w3id.org/conflict-kg/ontology#startDate> {date} {graph} .\n"
                )
    return path


def _person(name: str, graph: str) -> list[Quad]:
    subject = f"<{EX}{name.lower()}>"
    return [Quad(subject, RDF_TYPE, PERSON, graph), Quad(subject, LABEL, f'"{name}"', graph)]


def _siblings(store_dir: Path) -> list[str]:
    return sorted(p.name for p in store_dir.parent.iterdir() if p.name.startswith("."))


def test_backup_check_dump_gives_line_and_byte_offset(tmp_path: Path) -> None:
    dump = tmp_path / "dump.nq"
    good = b'<http://ex/s> <http://ex/p> "caf\xc3\xa9" <http://ex/g> .\n'
    dump.write_bytes(good * 2 + b'<http://ex/s> <http://ex/p> "\xff" <http://ex/g> .\n')
    with pytest.raises(InputError) as error:
        check_dump(dump)
    offset = 2 * len(good) + good.index(b'"') + 1
    assert str(error.value) == (
        f"{dump}:3: not valid UTF-8 at byte offset {offset}; "
        "give a `kg export --format nquads` dump"
    )
    dump.write_bytes(good + b"_:b1 <http://ex/p> <http://ex/o> <http://ex/g> .\n")
    with pytest.raises(InputError, match=r":2: blank nodes"):
        check_dump(dump)
    dump.write_bytes(b"# only a comment\n\n")
    with pytest.raises(InputError, match="no quads"):
        check_dump(dump)


def test_backup_restore_replace_on_disk_is_all_or_nothing(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    store = OxigraphStore(store_dir)
    try:
        store.replace_graphs(remove=[], quads=_person("Alice", f"{EX}g1"))
        before = set(store.quads())
        assert [hit[0] for hit in store.search_labels("alice")] == [f"{EX}alice"]
        bad = write_dump(tmp_path / "bad.nq", 30_000)
        with bad.open("a", encoding="utf-8") as out:  # found only after 30,000 quads
            out.write("<http://ex/s> <http://ex/p> .\n")
        with pytest.raises(InputError, match=r"bad\.nq:30001: not a valid N-Quads dump"):
            restore_dump(store, bad, replace=True)
        assert set(store.quads()) == before
        assert _siblings(store_dir) == []  # the half-built store is gone

        good = tmp_path / "good.nq"
        dumped = [*_person("Bob", f"{EX}g2"), *_person("Carol", f"{EX}g3")]
        good.write_text(
            "".join(f"{q.subject} {q.predicate} {q.object} <{q.graph}> .\n" for q in dumped)
        )
        result = restore_dump(store, good, replace=True)
        assert (result.quads, result.graphs, result.replaced) == (4, 2, 2)
        assert set(store.quads()) == set(dumped)
        assert store.search_labels("alice") == []  # the name index follows the new contents
        assert [hit[0] for hit in store.search_labels("carol")] == [f"{EX}carol"]
        assert _siblings(store_dir) == []
    finally:
        store.close()
    assert quad_set(store_dir, ignore_run_times=False) == {
        (q.subject, q.predicate, q.object, q.graph or "") for q in dumped
    }


@pytest.mark.parametrize("finished", [False, True], ids=["before-second-rename", "after"])
def test_backup_interrupted_swap_is_recovered_on_open(tmp_path: Path, finished: bool) -> None:
    """A restore killed between its two renames: opening the store puts the old one back (or
    drops the old copy once the new store is in place)."""
    store_dir = tmp_path / "store"
    old_dir, new_dir = tmp_path / ".store.restore-old", tmp_path / ".store.restore-new"
    for path, name in ((store_dir, "Alice"), (new_dir, "Bob")):
        store = OxigraphStore(path)
        store.replace_graphs(remove=[], quads=_person(name, f"{EX}g"))
        store.close()
    if finished:
        OxigraphStore(old_dir).close()  # the old copy left next to the restored store
    else:
        store_dir.rename(old_dir)
    reopened = OxigraphStore(store_dir)
    try:
        labels = {q.object for q in reopened.quads() if q.predicate == LABEL}
    finally:
        reopened.close()
    assert labels == {'"Alice"'}
    assert not old_dir.exists()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_backup_restore_streams_a_large_dump(tmp_path: Path) -> None:
    """``kg restore`` of a 51 MB dump (250,000 quads): the quads come back exactly, and the
    process stays far below what holding the dump as Python objects took (933 MB before; the
    bulk load is chunked, so about 150 MB now, whatever the dump's size)."""
    dump = write_dump(tmp_path / "big.nq", 250_000)
    size_mb = dump.stat().st_size / 2**20
    target = tmp_path / "restored"
    command = [*KG, "restore", str(dump), "--store", str(target)]
    # The peak is read from the child's own /proc VmHWM (its memory after exec), polled while it
    # runs: the rusage of a child started by (v)fork also counts this test process's memory at
    # the fork, which grows with whatever ran before in the same pytest process.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=kg_env())
        peak_kb = 0
        while proc.poll() is None:
            peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid))
            time.sleep(0.02)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    assert proc.returncode == 0, stderr
    assert stdout.decode().startswith(f"restored 250000 quads in {-(-250_000 // 12)} graphs")
    peak_mb = peak_kb / 1024
    assert 0 < peak_mb < 300, f"peak RSS {peak_mb:.0f} MB for a {size_mb:.0f} MB dump"
    exported = tmp_path / "again.nq"
    again = run_kg("export", "--format", "nquads", "--store", str(target), "-o", str(exported))
    assert again.returncode == 0, again.stderr
    assert sorted(exported.read_text().splitlines()) == sorted(dump.read_text().splitlines())


def _vm_hwm_kb(pid: int) -> int:
    """The peak resident set of a live process in KiB (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0
