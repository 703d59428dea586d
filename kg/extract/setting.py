"""An event's setting: the places and the date expression attached to its trigger.

Pure functions over spaCy tokens: places come from locative prepositions ("in Gaza", "near the
town of X", "airstrikes on villages in Sagaing") and place nouns that name their place ("the
Catatumbo region"); the date from temporal modifiers ("on Tuesday night"), resolved later.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kg.extract.dates import NOW_WORDS
from kg.extract.name_types import PLACE_NOUNS
from kg.extract.syntax import TARGET_PREPS, conjuncts, entity
from kg.models import Entity

if TYPE_CHECKING:
    from spacy.tokens import Token

LOCATION_PREPS = {
    "in",
    "at",
    "near",
    "inside",
    "across",
    "around",
    "outside",
    "into",
    "to",
    "toward",
    "towards",
    "throughout",
    "within",
}


def named_place(
    token: Token, token_entity: dict[int, str], entities: dict[str, Entity]
) -> str | None:
    """The place a place noun names: "the town of Pont-Sonde", "the Catatumbo region"."""
    if token.lemma_.lower() not in PLACE_NOUNS or token.pos_ != "NOUN":
        return None
    for child in token.children:
        found: list[Token] = []
        if child.dep_ in {"compound", "nmod"}:
            found = [child]
        elif child.dep_ == "prep" and child.lower_ == "of":
            found = [g for g in child.children if g.dep_ == "pobj"]
        for cand in found:
            key = entity(cand, token_entity)
            if key is not None and "Location" in entities[key].types:
                return key
    return None


def location_keys(
    token: Token,
    token_entity: dict[int, str],
    entities: dict[str, Entity],
    skip: frozenset[int] = frozenset(),
) -> list[str]:
    """Places attached to a token by a locative preposition (not through other events)."""
    keys: list[str] = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in TARGET_PREPS:
            # "airstrikes on villages in Sagaing": the place of the target
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.i not in token_entity and pobj.i not in skip:
                    keys.extend(
                        k
                        for k in location_keys(pobj, token_entity, entities, skip)
                        if k not in keys
                    )
            continue
        if child.dep_ != "prep" or child.lower_ not in LOCATION_PREPS:
            continue
        for pobj in child.children:
            if pobj.dep_ != "pobj":
                continue
            for conj in conjuncts(pobj):
                key = entity(conj, token_entity) or named_place(conj, token_entity, entities)
                if key and "Location" in entities[key].types and key not in keys:
                    keys.append(key)
            if not keys and pobj.i not in skip:
                keys.extend(location_keys(pobj, token_entity, entities, skip))
    return keys


def date_of(token: Token, published: dt.date | None) -> str | None:
    """The date expression attached to a trigger (resolved later, once modality is known)."""
    doc = token.doc
    candidates: list[Token] = []
    for child in token.children:
        if child.dep_ in {"npadvmod", "tmod", "advmod"}:
            candidates.append(child)
        if child.dep_ == "prep" and child.lower_ in {"on", "in", "during", "since", "last", "at"}:
            candidates.extend(g for g in child.children if g.dep_ == "pobj")
    for cand in candidates:
        if cand.lower_ in NOW_WORDS or cand.lower_ in {"today", "yesterday"}:
            return cand.lower_
        if cand.ent_type_ in {"DATE", "TIME"}:  # "on Tuesday night": the day of the night
            span = [
                t for t in doc[cand.left_edge.i : cand.right_edge.i + 1] if t.ent_type_ == "DATE"
            ]
            if span:
                return doc[span[0].i : span[-1].i + 1].text
    return None
