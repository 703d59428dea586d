"""The SPARQL 1.1 Service Description of the endpoint (served by ``GET /sparql``)."""

from __future__ import annotations

from typing import Final

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from kg.store.base import ResultFormat

SD: Final = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS: Final = Namespace("http://www.w3.org/ns/formats/")

#: The W3C format IRI of each result format.
FORMAT_IRIS: Final[dict[ResultFormat, URIRef]] = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle,
    "ntriples": FORMATS["N-Triples"],
    "jsonld": FORMATS["JSON-LD"],
    "rdfxml": FORMATS.RDF_XML,
    "nquads": FORMATS["N-Quads"],
    "trig": FORMATS.TriG,
}
#: Media types the description itself can be sent as, with rdflib's serializer names.
DESCRIPTION_OFFERS: Final[tuple[tuple[str, str], ...]] = (
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
)


def build_service_description(endpoint: str, *, is_update_enabled: bool) -> Graph:
    """Describe the endpoint: languages, result formats, features and its default dataset.

    Args:
        endpoint: The absolute URL of the endpoint.
        is_update_enabled: Whether SPARQL Update is accepted (with the right credentials).

    Returns:
        The description as a graph.

    >>> g = build_service_description("http://127.0.0.1:8000/sparql", is_update_enabled=False)
    >>> (URIRef("http://127.0.0.1:8000/sparql"), SD.feature, SD.UnionDefaultGraph) in g
    True
    """
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, RDFS.label, Literal("conflict-kg SPARQL endpoint")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if is_update_enabled:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, iri))
    dataset, default_graph = BNode(), BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add(
        (
            default_graph,
            RDFS.comment,
            Literal("The union of all named graphs: queries without GRAPH see every graph."),
        )
    )
    return graph
