"""Types for names the gazetteer does not know, read from how the text introduces them.

The NER model types "Gran Grif" a person and "Pont-Sonde" an organisation; "the Gran Grif gang"
and "the town of Pont-Sonde" say what they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

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


#: Nouns that name a kind of place ("the town of X", "X province", "fled to the capital").
PLACE_NOUNS = {
    "capital",
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


# Place nouns after which a bare capitalised name is the place's own name ("Paktika province").
NAME_BEFORE_PLACE = {"province", "district", "region", "governorate", "county", "oblast"}


def context_place_spans(doc: Doc, taken: set[int]) -> list[tuple[int, int]]:
    """Names the NER model missed that the text introduces as places.

    "the town of Macomia" (the name is the object of "of" after a place noun) and "Paktika
    province" (a run of proper nouns compounded onto a province/district noun). Tokens in
    ``taken`` (already inside a named entity) are never re-read.
    """
    out: list[tuple[int, int]] = []
    for token in doc:
        if token.pos_ != "NOUN" or token.lemma_.lower() not in PLACE_NOUNS:
            continue
        runs: list[list[int]] = []
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                runs.extend([g.i] for g in child.children if g.dep_ == "pobj" and g.pos_ == "PROPN")
        if token.lemma_.lower() in NAME_BEFORE_PLACE:
            run = [c.i for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
            if run and run[-1] == token.i - 1 and run == list(range(run[0], token.i)):
                runs.append(run)
        for run in runs:
            start = min(doc[i].left_edge.i if doc[i].dep_ == "pobj" else i for i in run)
            end = max(run) + 1
            while start < end and doc[start].pos_ != "PROPN":
                start += 1
            span = range(start, end)
            if not span or any(i in taken for i in span):
                continue
            if not all(doc[i].pos_ == "PROPN" and doc[i].is_title for i in span):
                continue
            out.append((start, end))
    return out


# A body named after an international organisation belongs to it: "United Nations Support
# Mission in Libya", "African Union Mission in Somalia", "UN Office for ...".
INTERNATIONAL_PREFIXES = ("united nations ", "un ", "u.n. ", "african union ", "european union ")


def is_international_name(name: str) -> bool:
    """An unknown organisation named as a body of an international organisation.

    >>> is_international_name("United Nations Assistance Mission in Afghanistan")
    True
    >>> is_international_name("National Oil Corporation")
    False
    """
    return name.lower().startswith(INTERNATIONAL_PREFIXES)
