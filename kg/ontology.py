"""Namespaces of the ontology and the vocabularies it reuses; loading and checking the ontology.

``ontologies/conflict.ttl`` is the single source of the ``ck:`` terms and ``ontologies/shapes.ttl``
holds the SHACL shapes of ingested graphs. In a source checkout both live in ``ontologies/`` at the
repository root; an installed wheel carries them as ``kg/_ontologies/`` (hatch ``force-include``).
Nothing here touches the file system until a function is called.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import OntologyError

__all__ = [
    "CK",
    "CKSHAPE",
    "CK_IRI",
    "DCTERMS",
    "GEONAMES",
    "ITSRDF",
    "NIF",
    "ONTOLOGY_FILE",
    "ONTOLOGY_IRI",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SEM",
    "SHAPES_FILE",
    "SKOS",
    "WD",
    "XSD",
    "check_terms",
    "load_ontology",
    "load_shapes",
    "ontology_path",
    "ontology_terms",
    "shapes_path",
]

CK_IRI = "https://w3id.org/conflict-kg/ontology#"
"""Namespace IRI of the project's classes, properties and modality values."""

ONTOLOGY_IRI = "https://w3id.org/conflict-kg/ontology"
"""IRI of the ``owl:Ontology`` node itself."""

CK = Namespace(CK_IRI)
CKSHAPE = Namespace("https://w3id.org/conflict-kg/shapes#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD = Namespace("http://www.wikidata.org/entity/")
GEONAMES = Namespace("https://sws.geonames.org/")

ONTOLOGY_FILE = "conflict.ttl"
SHAPES_FILE = "shapes.ttl"


def _search_dirs() -> tuple[Path, Path]:
    """Directories that may hold the ontology files: packaged first, then the source checkout."""
    package_dir = Path(__file__).resolve().parent
    return package_dir / "_ontologies", package_dir.parent / "ontologies"


def _locate(filename: str) -> Path:
    """Find one of the packaged ontology files.

    Args:
        filename: File name inside the ontologies directory.

    Returns:
        The path of the first existing candidate.

    Raises:
        OntologyError: The file is in neither location.
    """
    candidates = [directory / filename for directory in _search_dirs()]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(candidate) for candidate in candidates)
    raise OntologyError(
        f"cannot find {filename} (looked in {searched}). In a source checkout it is "
        f"ontologies/{filename} at the repository root; in an installed package it is "
        f"kg/_ontologies/{filename}. Reinstall conflict-kg or pass the file's path explicitly."
    )


def ontology_path() -> Path:
    """Locate the ontology file ``conflict.ttl``.

    Looks in the installed package (``kg/_ontologies/``) first, then in the source checkout
    (``ontologies/`` at the repository root).

    Returns:
        The path of ``conflict.ttl``.

    Raises:
        OntologyError: The file is in neither location.
    """
    return _locate(ONTOLOGY_FILE)


def shapes_path() -> Path:
    """Locate the SHACL shapes file ``shapes.ttl`` (same search as :func:`ontology_path`).

    Returns:
        The path of ``shapes.ttl``.

    Raises:
        OntologyError: The file is in neither location.
    """
    return _locate(SHAPES_FILE)


def _parse_turtle(path: Path, *, what: str) -> Graph:
    """Parse a Turtle file, turning every failure into an :class:`OntologyError`."""
    if not path.is_file():
        raise OntologyError(
            f"{what} file {path} does not exist or is not a file; "
            "check the path (setting KG_ONTOLOGY_PATH) or reinstall conflict-kg"
        )
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises SyntaxError, IndexError, ValueError... on bad input
        raise OntologyError(
            f"{what} file {path} is not valid Turtle ({type(exc).__name__}: {exc}); "
            "fix the syntax (e.g. check it with `rapper -i turtle` or rdflib) and try again"
        ) from exc
    if len(graph) == 0:
        raise OntologyError(f"{what} file {path} contains no triples; is it the right file?")
    return graph


def load_ontology(path: Path | None = None) -> Graph:
    """Parse the ontology into a new graph.

    Args:
        path: A Turtle file; defaults to the packaged ``conflict.ttl`` (:func:`ontology_path`).

    Returns:
        A graph holding the ontology's triples.

    Raises:
        OntologyError: The file is missing, empty or not valid Turtle.
    """
    return _parse_turtle(ontology_path() if path is None else path, what="ontology")


def load_shapes(path: Path | None = None) -> Graph:
    """Parse the SHACL shapes into a new graph.

    Args:
        path: A Turtle file; defaults to the packaged ``shapes.ttl`` (:func:`shapes_path`).

    Returns:
        A graph holding the shapes.

    Raises:
        OntologyError: The file is missing, empty or not valid Turtle.
    """
    return _parse_turtle(shapes_path() if path is None else path, what="SHACL shapes")


def ontology_terms(graph: Graph) -> frozenset[str]:
    """The ``ck:`` terms an ontology defines.

    A term is defined when its IRI, in the ``ck:`` namespace, is the subject of a triple.

    Args:
        graph: An ontology graph, e.g. from :func:`load_ontology`.

    Returns:
        The full IRIs of the defined terms.

    Example:
        >>> g = Graph().parse(data="@prefix ck: <https://w3id.org/conflict-kg/ontology#> .\\n"
        ...     "ck:Attack ck:cameoRoot '18' ; ck:partOf ck:Undefined .", format="turtle")
        >>> sorted(ontology_terms(g))
        ['https://w3id.org/conflict-kg/ontology#Attack']
    """
    return frozenset(
        str(subject)
        for subject in graph.subjects(unique=True)
        if isinstance(subject, URIRef) and subject.startswith(CK_IRI) and subject != CK_IRI
    )


def check_terms(iris: Iterable[str], defined: frozenset[str]) -> None:
    """Fail if any ``ck:`` IRI is not defined by the ontology.

    IRIs outside the ``ck:`` namespace (instance data, PROV, NIF...) are ignored.

    Args:
        iris: IRIs used by the code or a graph (e.g. every predicate and class it emits).
        defined: The defined terms, from :func:`ontology_terms`.

    Raises:
        OntologyError: Some ``ck:`` IRIs are unknown; the message names each of them.

    Example:
        >>> attack = CK_IRI + "Attack"
        >>> check_terms([attack, "http://www.w3.org/ns/prov#Activity"], frozenset({attack}))
        >>> check_terms([CK_IRI + "Atack"], frozenset({attack}))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        kg.errors.OntologyError: unknown ontology term ck:Atack; ...
    """
    unknown = sorted({iri for iri in iris if iri.startswith(CK_IRI) and iri not in defined})
    if not unknown:
        return
    names = ", ".join(f"ck:{iri[len(CK_IRI) :]}" for iri in unknown)
    plural = "s" if len(unknown) > 1 else ""
    raise OntologyError(
        f"unknown ontology term{plural} {names}; define {'them' if plural else 'it'} in "
        "ontologies/conflict.ttl (with rdfs:label and rdfs:comment) or fix the name"
    )
