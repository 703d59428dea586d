"""The full-text name index stays in step with the embedded store and finds names well."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kg.errors import QuerySyntaxError, StoreError
from kg.store.base import Quad
from kg.store.label_index import CK, INDEX_FILE, LabelIndex, sparql_label_search
from kg.store.oxigraph_store import OxigraphStore

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
ZEL = "http://ex/id/entity/volodymyr-zelenskyy"
KYIV = "http://ex/id/entity/kyiv"
G1, G2 = "http://ex/graph/1", "http://ex/graph/2"


def _entity(iri: str, cls: str, label: str, *aliases: str, graph: str = G1) -> list[Quad]:
    quads = [
        Quad(f"<{iri}>", TYPE, f"<{CK}{cls}>", graph),
        Quad(f"<{iri}>", LABEL, f'"{label}"@en', graph),
    ]
    return quads + [Quad(f"<{iri}>", ALT, f'"{alias}"', graph) for alias in aliases]


def _iris(store: OxigraphStore, text: str, **kwargs: object) -> list[str]:
    return [iri for iri, _, _ in store.search_labels(text, **kwargs)]  # type: ignore[arg-type]


@pytest.fixture
def loaded(memory_store: OxigraphStore) -> OxigraphStore:
    quads = _entity(ZEL, "Person", "Volodymyr Zelenskyy", "Zelensky", "Зеленський")
    memory_store.replace_graphs(remove=[], quads=quads + _entity(KYIV, "Location", "Kyiv"))
    return memory_store


@pytest.mark.parametrize(
    "text",
    ["zelensky", "Zelenskyy", "ZELENSKYY", "Zélensky", "volodymyr zel", "zel VOLOD", "зеленськ"],
)
def test_label_index_prefix_multiword_case_and_accents(loaded: OxigraphStore, text: str) -> None:
    assert _iris(loaded, text) == [ZEL]


def test_label_index_no_match_and_no_words(loaded: OxigraphStore) -> None:
    assert _iris(loaded, "zelenskyx") == []
    assert _iris(loaded, "lensky") == []  # word prefixes, not substrings
    assert _iris(loaded, " -- ") == []


def test_label_index_returns_best_name_and_filters_types(loaded: OxigraphStore) -> None:
    ((iri, name, score),) = loaded.search_labels("zelensky")
    assert iri == ZEL and name in ("Zelensky", "Volodymyr Zelenskyy") and score > 0
    assert _iris(loaded, "kyiv", types=[CK + "Location"]) == [KYIV]
    assert _iris(loaded, "kyiv", types=[CK + "Person"]) == []
    loaded.replace_graphs(remove=[], quads=[Quad("<http://ex/untyped>", LABEL, '"Kyiv"', G2)])
    assert _iris(loaded, "kyiv") == [KYIV]  # names of untyped nodes are not entities


def test_label_index_paging(memory_store: OxigraphStore) -> None:
    quads = [q for n in range(5) for q in _entity(f"http://ex/a{n}", "Person", f"Ali {n}")]
    memory_store.replace_graphs(remove=[], quads=quads)
    everything = _iris(memory_store, "ali", limit=None)
    assert len(everything) == 5
    assert _iris(memory_store, "ali", limit=2, offset=1) == everything[1:3]


def test_label_index_in_step_across_reingest_and_delete(loaded: OxigraphStore) -> None:
    renamed = _entity(ZEL, "Person", "President Zelenskyy")
    loaded.replace_graphs(remove=[G1], quads=renamed)
    assert _iris(loaded, "volodymyr") == []
    assert _iris(loaded, "president") == [ZEL]
    assert _iris(loaded, "kyiv") == []  # its graph was replaced
    loaded.replace_graphs(remove=[], quads=_entity(ZEL, "Person", "Volodymyr", graph=G2))
    loaded.replace_graphs(remove=[G1], quads=[])
    assert _iris(loaded, "president") == []
    assert _iris(loaded, "volodymyr") == [ZEL]  # still named and typed in G2
    loaded.replace_graphs(remove=[G2], quads=[])
    assert _iris(loaded, "volodymyr") == []


def test_label_index_follows_updates_and_graph_store_writes(loaded: OxigraphStore) -> None:
    loaded.update(f'INSERT DATA {{ GRAPH <{G2}> {{ <{KYIV}> {ALT} "Kiev" }} }}')
    assert _iris(loaded, "kiev") == [KYIV]
    assert loaded.drop_graph(G1)
    assert _iris(loaded, "kiev") == []
    body = f'<{KYIV}> a <{CK}Location> ; {LABEL} "Kharkiv" .'.encode()
    loaded.write_graph(G1, body, "turtle", replace=True)
    assert _iris(loaded, "kharkiv") == [KYIV]


def test_label_index_failed_write_leaves_store_and_index_unchanged(loaded: OxigraphStore) -> None:
    with pytest.raises(StoreError, match="Nothing was written"):
        loaded.replace_graphs(remove=[], quads=[Quad("<http://ex/s>", "<http://ex/p>", "bad", G2)])
    assert not loaded._labels.is_stale  # type: ignore[union-attr]
    assert _iris(loaded, "zelensky") == [ZEL]


def test_label_index_rebuilt_from_store_without_index(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.replace_graphs(remove=[], quads=_entity(ZEL, "Person", "Volodymyr Zelenskyy"))
    store.close()
    (tmp_path / "store" / INDEX_FILE).unlink()
    store = OxigraphStore(tmp_path / "store")
    try:
        assert store._labels is not None and store._labels.is_stale
        assert _iris(store, "zelensky") == [ZEL]
        assert not store._labels.is_stale
    finally:
        store.close()
    assert (tmp_path / "store" / INDEX_FILE).exists()


def test_label_index_failed_index_update_is_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.replace_graphs(remove=[], quads=_entity(KYIV, "Location", "Kyiv"))

    def fail(*_: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(LabelIndex, "_insert", fail)
    store.replace_graphs(remove=[], quads=_entity(ZEL, "Person", "Volodymyr Zelenskyy", graph=G2))
    monkeypatch.undo()
    store.close()  # as if the process had died: the dirty mark is on disk
    store = OxigraphStore(tmp_path / "store")
    try:
        assert store._labels is not None and store._labels.is_stale
        assert _iris(store, "zelensky") == [ZEL]
        assert _iris(store, "kyiv") == [KYIV]
    finally:
        store.close()


def test_label_index_read_only_handle_scans_with_sparql(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.replace_graphs(remove=[], quads=_entity(ZEL, "Person", "Volodymyr Zelenskyy"))
    store.snapshot(tmp_path / "snap")
    store.close()
    reader = OxigraphStore(tmp_path / "snap", read_only=True)
    try:
        assert reader._labels is None
        assert _iris(reader, "zelensky") == [ZEL]
    finally:
        reader.close()


def test_label_index_sparql_fallback_matches_words(loaded: OxigraphStore) -> None:
    hits = sparql_label_search(loaded.select, "volodymyr ZEL", types=[CK + "Person"])
    assert [iri for iri, _, _ in hits] == [ZEL]
    assert sparql_label_search(loaded.select, "kyiv") == [(KYIV, "Kyiv", 1.0)]
    assert sparql_label_search(loaded.select, "kyiv", types=[CK + "Person"]) == []


def test_label_index_event_triggers(memory_store: OxigraphStore) -> None:
    event = "<http://ex/id/event/1>"
    memory_store.replace_graphs(
        remove=[],
        quads=[
            Quad(event, TYPE, f"<{CK}Meeting>", G1),
            Quad(event, f"<{CK}trigger>", '"met with"', G1),
        ],
    )
    assert _iris(memory_store, "met", types=[CK + "Meeting"]) == ["http://ex/id/event/1"]


def test_label_index_failed_update_keeps_index_fresh(loaded: OxigraphStore) -> None:
    with pytest.raises(QuerySyntaxError):
        loaded.update("DROP GRAPH <http://ex/no-such-graph>")
    assert loaded._labels is not None and not loaded._labels.is_stale
    assert _iris(loaded, "kyiv") == [KYIV]
