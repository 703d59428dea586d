"""Gephi export: GEXF 1.3 (written here, validated against the normative schema), GraphML, CSV.

Actors are nodes (label, class, country, Wikidata id, CAMEO actor code, degree, betweenness,
community; ``viz`` colour by class and size by degree). Each tie is an edge: agent -> target
(directed), co-participants of talks (``mutual``), with ``kind`` set to the event class so
parallel edges survive, and attributes for the event IRI, CAMEO code, PLOVER type, modality,
confidence, date and evidence sentence. With ``dynamic=True`` nodes and edges carry spells
(``timeformat="date"``) so Gephi's timeline plays the conflict by date.

GEXF is written by this module rather than by networkx, whose writer produces files the GEXF
schema rejects (and dynamic ones that graphology-gexf rejects).
"""

from __future__ import annotations

import csv
import io
import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import BinaryIO, Final

from kg import __version__
from kg.actors import Actor
from kg.export.analytics import ActorMetrics, actor_metrics
from kg.export.network import (
    CLASS_COLOURS,
    edge_attributes,
    load_network,
    node_attributes,
    to_networkx,
)
from kg.store.base import Store
from kg.ties import Tie, TieFilter

__all__ = ["to_networkx", "write_csv", "write_gexf", "write_graphml"]

GEXF_NS: Final = "http://gexf.net/1.3"
VIZ_NS: Final = "http://gexf.net/1.3/viz"
#: (id, title, type) of node attributes; ids are what ``attvalue/@for`` points to.
NODE_ATTRIBUTES: Final = (
    ("iri", "iri", "string"),
    ("class", "class", "string"),
    ("country", "country", "string"),
    ("wikidata", "wikidata", "string"),
    ("cameo_actor", "cameo_actor", "string"),
    ("degree", "degree", "integer"),
    ("betweenness", "betweenness", "double"),
    ("community", "community", "integer"),
)
EDGE_ATTRIBUTES: Final = (
    ("event", "event", "string"),
    ("cameo", "cameo", "string"),
    ("plover", "plover", "string"),
    ("modality", "modality", "string"),
    ("confidence", "confidence", "double"),
    ("date", "date", "string"),
    ("doc_id", "doc_id", "string"),
    ("evidence", "evidence", "string"),
)
_XML_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text safe for an XML attribute (drops characters XML 1.0 forbids).

    >>> _clean("a\\x00b")
    'ab'
    """
    return _XML_ILLEGAL.sub("", text)


def _size(degree: int) -> str:
    """Node size from degree.

    >>> _size(0), _size(3)
    ('4.0', '12.0')
    """
    return f"{4 + 4 * math.log2(1 + degree):.1f}"


def _filter(modality: str | None, since: str | None, until: str | None) -> TieFilter:
    return TieFilter(modality=(modality,) if modality else (), since=since, until=until)


def _attribute_block(graph: ET.Element, cls: str, spec: tuple[tuple[str, str, str], ...]) -> None:
    block = ET.SubElement(graph, "attributes", {"class": cls})
    for attr_id, title, attr_type in spec:
        ET.SubElement(block, "attribute", {"id": attr_id, "title": title, "type": attr_type})


def _attvalues(parent: ET.Element, values: dict[str, str]) -> None:
    block = ET.SubElement(parent, "attvalues")
    for key, value in values.items():
        ET.SubElement(block, "attvalue", {"for": key, "value": _clean(value)})


def _spells(parent: ET.Element, dates: set[str]) -> None:
    block = ET.SubElement(parent, "spells")
    for date in sorted(dates):
        ET.SubElement(block, "spell", {"start": date, "end": date})


def _node(nodes: ET.Element, actor: Actor, metrics: ActorMetrics, dates: set[str] | None) -> None:
    node = ET.SubElement(nodes, "node", {"id": actor.key, "label": _clean(actor.label)})
    attributes = node_attributes(actor)
    del attributes["label"]
    attributes.update(
        degree=str(metrics.degree),
        betweenness=repr(metrics.betweenness),
        community=str(metrics.community),
    )
    _attvalues(node, attributes)
    if dates:
        _spells(node, dates)
    r, g, b = CLASS_COLOURS.get(actor.type, (153, 153, 153))
    ET.SubElement(node, f"{{{VIZ_NS}}}color", {"r": str(r), "g": str(g), "b": str(b)})
    ET.SubElement(node, f"{{{VIZ_NS}}}size", {"value": _size(metrics.degree)})


def _edge(
    edges: ET.Element, number: int, tie: Tie, actors: dict[str, Actor], dynamic: bool
) -> None:
    attributes = edge_attributes(tie)
    edge = ET.SubElement(
        edges,
        "edge",
        {
            "id": str(number),
            "source": actors[tie.source].key,
            "target": actors[tie.target].key,
            "type": "directed" if tie.is_directed else "mutual",
            "kind": tie.kind,
            "label": _clean(str(attributes.pop("label"))),
        },
    )
    del attributes["kind"]
    _attvalues(edge, {key: str(value) for key, value in attributes.items()})
    if dynamic and tie.date:
        _spells(edge, {tie.date})


def build_gexf(
    actors: dict[str, Actor], ties: list[Tie], *, dynamic: bool, description: str = ""
) -> ET.ElementTree[ET.Element]:
    """The GEXF 1.3 document of a network.

    Args:
        actors: Actors by IRI (every tie end must be here).
        ties: The ties.
        dynamic: Add spells (one per date) to nodes and dated edges.
        description: Text for ``meta/description``.

    Returns:
        The XML tree.
    """
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    root = ET.Element(f"{{{GEXF_NS}}}gexf", {"version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = f"conflict-kg {__version__}"
    ET.SubElement(meta, "description").text = _clean(description)
    graph_attrs = {"defaultedgetype": "directed", "mode": "dynamic" if dynamic else "static"}
    if dynamic:
        graph_attrs.update(timeformat="date", timerepresentation="interval")
    graph = ET.SubElement(root, "graph", graph_attrs)
    _attribute_block(graph, "node", NODE_ATTRIBUTES)
    _attribute_block(graph, "edge", EDGE_ATTRIBUTES)
    metrics = actor_metrics(actors, ties)
    dates: dict[str, set[str]] = defaultdict(set)
    undated: set[str] = set()
    for tie in ties:
        for end in (tie.source, tie.target):
            if tie.date:
                dates[end].add(tie.date)
            else:
                undated.add(end)
    nodes = ET.SubElement(graph, "nodes", {"count": str(len(actors))})
    for actor in sorted(actors.values(), key=lambda a: a.key):
        node_dates = dates[actor.iri] if dynamic and actor.iri not in undated else None
        _node(nodes, actor, metrics[actor.iri], node_dates)
    edges = ET.SubElement(graph, "edges", {"count": str(len(ties))})
    for number, tie in enumerate(ties):
        _edge(edges, number, tie, actors, dynamic)
    # Element names without a namespace inherit the default one when serialised.
    for element in root.iter():
        if not element.tag.startswith("{"):
            element.tag = f"{{{GEXF_NS}}}{element.tag}"
    ET.indent(root)
    return ET.ElementTree(root)


def write_gexf(
    store: Store,
    out: BinaryIO,
    *,
    dynamic: bool = False,
    base_iri: str,
    modality: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> None:
    """Write the actor network as GEXF 1.3.

    Args:
        store: The store.
        out: Binary stream to write to.
        dynamic: Add time spells for Gephi's timeline.
        base_iri: The instance-data base IRI.
        modality: Keep only ties with this modality (e.g. ``Asserted``).
        since: Keep only ties dated on or after this ``YYYY-MM-DD``.
        until: Keep only ties dated on or before this ``YYYY-MM-DD``.
    """
    actors, ties = load_network(
        store, base_iri=base_iri, tie_filter=_filter(modality, since, until)
    )
    tree = build_gexf(actors, ties, dynamic=dynamic, description="actor network of conflict-kg")
    tree.write(out, encoding="utf-8", xml_declaration=True)


def write_graphml(
    store: Store,
    out: BinaryIO,
    *,
    base_iri: str,
    modality: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> None:
    """Write the actor network as GraphML (through networkx).

    Args:
        store: The store.
        out: Binary stream to write to.
        base_iri: The instance-data base IRI.
        modality: Keep only ties with this modality.
        since: Keep only ties dated on or after this ``YYYY-MM-DD``.
        until: Keep only ties dated on or before this ``YYYY-MM-DD``.
    """
    import networkx as nx

    graph = to_networkx(store, base_iri=base_iri, modality=modality, since=since, until=until)
    nx.write_graphml(graph, out, encoding="utf-8")


def write_csv(
    store: Store,
    directory: Path,
    *,
    base_iri: str,
    modality: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[Path, Path]:
    """Write ``nodes.csv`` and ``edges.csv`` (Gephi's spreadsheet import) into ``directory``.

    Args:
        store: The store.
        directory: Where to write (created if missing).
        base_iri: The instance-data base IRI.
        modality: Keep only ties with this modality.
        since: Keep only ties dated on or after this ``YYYY-MM-DD``.
        until: Keep only ties dated on or before this ``YYYY-MM-DD``.

    Returns:
        The paths of the node and edge files.
    """
    actors, ties = load_network(
        store, base_iri=base_iri, tie_filter=_filter(modality, since, until)
    )
    metrics = actor_metrics(actors, ties)
    directory.mkdir(parents=True, exist_ok=True)
    node_rows = []
    for actor in sorted(actors.values(), key=lambda a: a.key):
        m = metrics[actor.iri]
        attrs = node_attributes(actor)
        node_rows.append(
            {
                "Id": actor.key,
                "Label": attrs.pop("label"),
                **attrs,
                "degree": m.degree,
                "betweenness": m.betweenness,
                "community": m.community,
            }
        )
    edge_rows = []
    for number, tie in enumerate(ties):
        attrs_e = edge_attributes(tie)
        edge_rows.append(
            {
                "Id": number,
                "Source": actors[tie.source].key,
                "Target": actors[tie.target].key,
                "Type": "Directed" if tie.is_directed else "Undirected",
                "Label": attrs_e.pop("label"),
                **attrs_e,
            }
        )
    nodes_path, edges_path = directory / "nodes.csv", directory / "edges.csv"
    for path, rows in ((nodes_path, node_rows), (edges_path, edge_rows)):
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    return nodes_path, edges_path
