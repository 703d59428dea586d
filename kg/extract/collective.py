"""Collective references to earlier parties: "the two sides", "both countries".

"The two sides are due to open talks" names no one; it refers back to the parties of the most
recent negotiation, meeting, agreement or fighting the report mentioned ("talks between the ELN
and the government ... The two sides"). A state noun ("the two countries", "both nations") maps
each party to its state ("Nyusi, who met Kagame ... the two countries" -> Mozambique, Rwanda).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.models import ACTOR_TYPES, Entity

if TYPE_CHECKING:
    from spacy.tokens import Token

    from kg.extract.drafts import Draft

PARTY_NOUNS = {"side", "party"}
STATE_NOUNS = {"country", "nation", "state", "neighbour", "neighbor"}
NUMBERS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
# events whose parties "the two sides" can refer back to
PARTY_CLASSES = {
    "Meeting",
    "Negotiation",
    "Agreement",
    "Ceasefire",
    "Proposal",
    "Attack",
    "Offensive",
}
FIGHTING = {"Attack", "Offensive"}
LOOKBACK_SENTENCES = 3


def collective_size(token: Token) -> int | None:
    """How many parties a collective noun phrase names: "the two sides" -> 2, "both sides" -> 2.

    Only a plural party or state noun with "both" or "the" + a number counts ("all sides",
    "two countries" and "sides" alone are generic).
    """
    lemma = token.lemma_.lower()
    if lemma not in PARTY_NOUNS | STATE_NOUNS or token.tag_ != "NNS":
        return None
    words = {c.lower_: c.dep_ for c in token.children}
    if words.get("both") in {"det", "predet", "preconj"}:
        return 2
    size = next((NUMBERS[w] for w, dep in words.items() if dep == "nummod" and w in NUMBERS), None)
    if size is not None and words.get("the") == "det":
        return size
    return None


def _parties(d: Draft, entities: dict[str, Entity], states: bool) -> list[str]:
    roles = {"agent", "participant"} | ({"target"} if d.event_class in FIGHTING else set())
    keys: list[str] = []
    for role, key in d.roles:
        if role not in roles:
            continue
        ent = entities.get(key)
        if ent is None or not set(ent.types) & ACTOR_TYPES:
            continue
        if states:
            key = key if "State" in ent.types else (ent.country or "")
            if not key or key not in entities:
                continue
        if key not in keys:
            keys.append(key)
    return keys


def collective_parties(
    token: Token,
    earlier: Iterable[Draft],
    entities: dict[str, Entity],
    *,
    sentence_index: int,
) -> list[str]:
    """The parties a collective phrase refers back to (empty when it is not one).

    Args:
        token: Head noun of the phrase ("sides").
        earlier: Drafts mentioned before the phrase, in report order.
        entities: Resolved entities by key.
        sentence_index: Sentence of the phrase (only recent sentences are searched).
    """
    size = collective_size(token)
    if size is None:
        return []
    states = token.lemma_.lower() in STATE_NOUNS
    recent = [
        d
        for d in earlier
        if d.event_class in PARTY_CLASSES
        and sentence_index - d.sentence_index <= LOOKBACK_SENTENCES
        and not d.trigger.is_agent_noun
    ]
    fallback: list[str] = []
    for d in reversed(recent):
        parties = _parties(d, entities, states)
        if len(parties) >= 2:
            return parties
        if parties and not fallback:
            fallback = parties  # only one side named ("talks between the ELN and the government")
    return fallback
