"""Deterministic IRI minting: the same input always gives the same IRI.

>>> slugify("Antony Blinken")
'antony-blinken'
>>> slugify("Hamas' attack")
'hamas-attack'
>>> slugify("Côte d'Ivoire")
'cote-d-ivoire'
>>> mint_entity_iri("https://w3id.org/conflict-kg/id/", "united-states")
'https://w3id.org/conflict-kg/id/entity/united-states'
>>> sentence_graph_iri("https://w3id.org/conflict-kg/id/", "a1", 6)
'https://w3id.org/conflict-kg/id/graph/a1-s6'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

DEFAULT_BASE_IRI = "https://w3id.org/conflict-kg/id/"
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_APOSTROPHE = re.compile(r"(?<=[a-z])['\u2019]s\b|['\u2019]")
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def slugify(text: str) -> str:
    """Turn a name into a lowercase ASCII slug (letters, digits, hyphens)."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    norm = re.sub(r"(?<=[a-z])'(?=[a-z]{2,})", "-", norm)
    norm = _APOSTROPHE.sub("", norm)
    slug = _NON_SLUG.sub("-", norm).strip("-")
    if not slug:
        slug = "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return slug[:120]


def is_valid_doc_id(doc_id: str) -> bool:
    """Whether a report id is usable in IRIs.

    >>> is_valid_doc_id("blinken-ceasefire-talks")
    True
    >>> is_valid_doc_id("a b")
    False
    """
    return bool(_DOC_ID.match(doc_id))


def doc_id_from_name(name: str) -> str:
    """Derive a report id from a file name or title.

    >>> doc_id_from_name("Sudan talks (2024).txt")
    'sudan-talks-2024'
    """
    stem = re.sub(r"\.(txt|md|json|jsonl)$", "", name, flags=re.IGNORECASE)
    return slugify(stem)


def mint_entity_iri(base: str, key: str) -> str:
    """IRI of a canonical entity."""
    return f"{base}entity/{key}"


def mint_doc_iri(base: str, doc_id: str) -> str:
    """IRI of a report."""
    return f"{base}doc/{doc_id}"


def mint_event_iri(base: str, doc_id: str, sentence_index: int, number: int) -> str:
    """IRI of the ``number``-th event mention of a sentence."""
    return f"{base}event/{doc_id}-s{sentence_index}-e{number}"


def mint_statement_iri(base: str, doc_id: str, sentence_index: int, number: int) -> str:
    """IRI of the ``number``-th open relation (rdf:Statement) of a sentence."""
    return f"{base}statement/{doc_id}-s{sentence_index}-r{number}"


def mint_relation_iri(base: str, lemma: str) -> str:
    """IRI of an open relation property, minted from its lemma.

    >>> mint_relation_iri("https://w3id.org/conflict-kg/id/", "be set to meet with")
    'https://w3id.org/conflict-kg/id/rel/be-set-to-meet-with'
    """
    return f"{base}rel/{slugify(lemma)}"


def sentence_graph_iri(base: str, doc_id: str, sentence_index: int) -> str:
    """IRI of the named graph that holds one sentence's extractions."""
    return f"{base}graph/{doc_id}-s{sentence_index}"


def doc_graph_iri(base: str, doc_id: str, part: str) -> str:
    """IRI of a per-report graph such as ``entities`` or ``provenance``.

    >>> doc_graph_iri("https://w3id.org/conflict-kg/id/", "a1", "provenance")
    'https://w3id.org/conflict-kg/id/graph/a1-provenance'
    """
    return f"{base}graph/{doc_id}-{part}"


def ontology_graph_iri(base: str) -> str:
    """IRI of the graph that holds the ontology."""
    return f"{base}graph/ontology"


def mint_sentence_iri(base: str, doc_id: str, start: int, end: int) -> str:
    """NIF-style IRI of a sentence (character offsets into the report)."""
    return f"{base}doc/{doc_id}#char={start},{end}"


def mint_run_iri(base: str, doc_id: str, digest: str) -> str:
    """IRI of the extraction run that produced a report's graphs (content-addressed)."""
    return f"{base}run/{doc_id}-{digest[:12]}"
