"""Types for names the gazetteer does not know, read from how the text introduces them.

The NER model types "Gran Grif" a person and "Pont-Sonde" an organisation; "the Gran Grif gang"
and "the town of Pont-Sonde" say what they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span

ARMED_HEADS = {
    "gang",
    "gangs",
    "militia",
    "militias",
    "rebel",
    "rebels",
    "insurgents",
    "guerrilla",
    "guerrillas",
    "jihadists",
    "paramilitaries",
}
ARMED_NAME_WORDS = {"liberation", "militia", "brigade", "brigades", "mujahideen", "jihad"}


def is_armed_name(span: Span) -> bool:
    """An unknown name that names an armed group: "the Gran Grif gang", "National Liberation
    Army", "Martyrs Brigade"."""
    root = span.root
    if root.dep_ == "compound" and root.head.lower_ in ARMED_HEADS:
        return True
    words = {t.lower_ for t in span}
    return bool(words & ARMED_NAME_WORDS) and span.root.pos_ == "PROPN"


PLACE_NOUNS = {
    "town",
    "city",
    "village",
    "province",
    "region",
    "district",
    "department",
    "county",
    "municipality",
    "neighbourhood",
    "neighborhood",
    "suburb",
    "camp",
    "area",
    "state",
    "governorate",
    "oblast",
}


def is_named_place(span: Span) -> bool:
    """A name the NER model mistyped that the text calls a place: "the town of Pont-Sonde"."""
    root = span.root
    return (
        root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.lemma_.lower() in PLACE_NOUNS
        and root.head.head.pos_ == "NOUN"
    )
