"""The graphs the pipeline emits use only ontology terms and conform to the SHACL shapes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph

from kg.models import Report
from kg.ontology import load_ontology, load_shapes, ontology_terms
from kg.pipeline import Extractor
from kg.rdf import build_dataset, build_quads, emitted_terms

BASE = "https://w3id.org/conflict-kg/id/"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_graph(extractor: Extractor) -> Graph:
    text = (EXAMPLES / "blinken-ceasefire-talks.txt").read_text(encoding="utf-8")
    report = Report(id="seed", text=text, published=dt.date(2024, 4, 30), title="Seed")
    extraction = extractor.extract(report)
    ds = build_dataset(extraction, base_iri=BASE, now=dt.datetime(2024, 4, 30, tzinfo=dt.UTC))
    merged = Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def test_rdf_emits_only_ontology_terms(extractor: Extractor) -> None:
    defined = ontology_terms(load_ontology())
    for path in sorted(EXAMPLES.glob("*.txt")):
        report = Report(
            id=path.stem, text=path.read_text(encoding="utf-8"), published=dt.date(2024, 6, 1)
        )
        quads = build_quads(
            extractor.extract(report), base_iri=BASE, now=dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
        )
        unknown = emitted_terms(quads) - defined
        assert not unknown, f"{path.name}: terms missing from the ontology: {sorted(unknown)}"


def test_rdf_seed_graph_conforms_to_shapes(seed_graph: Graph) -> None:
    conforms, _report_graph, text = validate(
        seed_graph,
        shacl_graph=load_shapes(),
        ont_graph=load_ontology(),
        inference="none",
        allow_warnings=True,
    )
    assert conforms, text


def test_rdf_shapes_catch_a_broken_event(seed_graph: Graph) -> None:
    from kg.ontology import CK

    broken = Graph()
    for triple in seed_graph:
        if triple[1] == CK.modality and "event/" in str(triple[0]):
            continue
        broken.add(triple)
    conforms, _g, _text = validate(
        broken, shacl_graph=load_shapes(), ont_graph=load_ontology(), inference="none"
    )
    assert not conforms


def test_rdf_no_blank_nodes(seed_graph: Graph) -> None:
    from rdflib import BNode

    assert not any(isinstance(term, BNode) for triple in seed_graph for term in triple)
