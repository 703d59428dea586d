"""The Gephi export: GEXF 1.3 checked by the normative RelaxNG schema and networkx; GraphML, CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from kg.export.analytics import pair_counts
from kg.export.gephi import to_networkx, write_csv, write_gexf, write_graphml
from kg.export.network import load_network
from kg.ids import DEFAULT_BASE_IRI as BASE
from kg.store.oxigraph_store import OxigraphStore

pytestmark = pytest.mark.model

GEXF_SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "gexf-1.3"
GEXF_NS = "{http://gexf.net/1.3}"


def _gexf(store: OxigraphStore, *, dynamic: bool, **options: str) -> bytes:
    out = io.BytesIO()
    write_gexf(store, out, dynamic=dynamic, base_iri=BASE, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def relaxng() -> etree.RelaxNG:
    if not GEXF_SCHEMA_DIR.is_dir():
        pytest.skip(f"the GEXF 1.3 schema is not at {GEXF_SCHEMA_DIR} (shared/ is absent)")
    return etree.RelaxNG(etree.parse(str(GEXF_SCHEMA_DIR / "gexf.rng")))


@pytest.mark.parametrize("dynamic", [False, True])
def test_gephi_gexf_is_valid_by_the_schema(
    examples_store: OxigraphStore, relaxng: etree.RelaxNG, dynamic: bool
) -> None:
    doc = etree.fromstring(_gexf(examples_store, dynamic=dynamic))
    assert relaxng.validate(doc), relaxng.error_log
    graph = doc.find(f"{GEXF_NS}graph")
    assert graph is not None
    assert graph.get("mode") == ("dynamic" if dynamic else "static")
    spells = doc.findall(f".//{GEXF_NS}spell")
    assert bool(spells) is dynamic
    if dynamic:
        assert graph.get("timeformat") == "date"
        assert all(len(s.get("start", "")) == 10 for s in spells)


@pytest.mark.parametrize("dynamic", [False, True])
def test_gephi_gexf_reads_back_in_networkx(
    examples_store: OxigraphStore, tmp_path: Path, dynamic: bool
) -> None:
    path = tmp_path / "graph.gexf"
    path.write_bytes(_gexf(examples_store, dynamic=dynamic))
    graph = nx.read_gexf(path)
    blinken = graph.nodes["antony-blinken"]
    assert blinken["label"] == "Antony Blinken"
    assert blinken["class"] == "Person"
    assert blinken["country"] == "united-states"
    assert blinken["cameo_actor"] == "USAGOV"
    assert blinken["degree"] >= 3
    assert blinken["viz"]["color"] == {"r": 228, "g": 26, "b": 28, "a": 1.0}
    to_hamas = list(graph["antony-blinken"].get("hamas", {}).values())
    assert to_hamas, "Blinken's demand on Hamas is an edge"
    demand = to_hamas[0]
    assert demand["event"].startswith(BASE + "event/blinken-ceasefire-talks-")
    assert demand["evidence"].startswith("US Secretary of State Antony Blinken")
    assert demand["modality"] == "Future"
    if dynamic:
        assert demand["spells"] == [("2024-04-30", "2024-04-30")]


def test_gephi_parallel_edges_keep_their_kind(examples_store: OxigraphStore) -> None:
    doc = etree.fromstring(_gexf(examples_store, dynamic=False))
    pairs: dict[tuple[str, str], set[str]] = {}
    for edge in doc.iter(f"{GEXF_NS}edge"):
        pairs.setdefault((edge.get("source", ""), edge.get("target", "")), set()).add(
            edge.get("kind", "")
        )
    assert {"Meeting", "Negotiation"} <= pairs[("antony-blinken", "benjamin-netanyahu")]
    ids = [edge.get("id") for edge in doc.iter(f"{GEXF_NS}edge")]
    assert len(ids) == len(set(ids))


def test_gephi_filters_by_modality_and_date(examples_store: OxigraphStore) -> None:
    everything = to_networkx(examples_store, base_iri=BASE)
    asserted = to_networkx(examples_store, base_iri=BASE, modality="asserted")
    assert 0 < asserted.number_of_edges() < everything.number_of_edges()
    assert {d["modality"] for _, _, d in asserted.edges(data=True)} == {"Asserted"}
    dated = to_networkx(examples_store, base_iri=BASE, since="2024-04-30", until="2024-04-30")
    assert {d["date"] for _, _, d in dated.edges(data=True)} == {"2024-04-30"}
    assert to_networkx(examples_store, base_iri=BASE, since="2999-01-01").number_of_nodes() == 0
    assert b"<edges count=\"0\"" in _gexf(examples_store, dynamic=True, since="2999-01-01")


def test_gephi_graphml_and_csv(examples_store: OxigraphStore, tmp_path: Path) -> None:
    out = io.BytesIO()
    write_graphml(examples_store, out, base_iri=BASE)
    graph = nx.read_graphml(io.BytesIO(out.getvalue()))
    assert graph.nodes["hamas"]["label"] == "Hamas"
    nodes_path, edges_path = write_csv(examples_store, tmp_path / "csv", base_iri=BASE)
    nodes = list(csv.DictReader(io.StringIO(nodes_path.read_text(encoding="utf-8"))))
    edges = list(csv.DictReader(io.StringIO(edges_path.read_text(encoding="utf-8"))))
    assert {"Id", "Label", "class", "degree", "betweenness", "community"} <= set(nodes[0])
    assert {"Source", "Target", "Type", "kind", "modality", "evidence"} <= set(edges[0])
    assert len(nodes) == graph.number_of_nodes()


def test_gephi_pair_counts_group_by_month(examples_store: OxigraphStore) -> None:
    _, ties = load_network(examples_store, base_iri=BASE)
    rows = pair_counts(ties)
    assert sum(n for *_, n in rows) == len(ties)
    assert all(len(when) in (0, 7) for _, _, when, _ in rows)
