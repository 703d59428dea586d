"""Modality marked on a trigger itself: negation, modal auxiliaries, hedging modifiers.

"did not attack", "will meet", "could strike", "should withdraw", "proposed talks", "any
assault", "planned talks"; and "would" as the reported "will" after a past speech verb ("said
the talks would begin"). :mod:`kg.extract.modality` walks the trigger's governors when these are
silent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.models import Modality

if TYPE_CHECKING:
    from spacy.tokens import Token

NEG_WORDS = {"not", "n't", "never", "no"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
HYPO_AUX = {"may", "might", "could", "would", "can"}
REQUEST_AUX = {"should", "must"}
HYPO_MODS = {
    "potential",
    "possible",
    "likely",
    "hypothetical",
    "prospective",
    "feared",
    "threatened",
    "expected",
    "anticipated",
    "would-be",
    "such",
    "any",
    "eventual",
    "lasting",
    "permanent",
    "sustainable",
}
FUTURE_MODS = {
    "planned",
    "upcoming",
    "future",
    "next",
    "further",
    "imminent",
    "forthcoming",
    "scheduled",
    "new",
}
PROPOSED_MODS = {"proposed", "suggested", "offered"}
ASSERTIVE_SPEECH = {
    "say",
    "state",
    "announce",
    "declare",
    "report",
    "confirm",
    "tell",
    "claim",
    "add",
    "emphasize",
    "emphasise",
    "stress",
    "insist",
    "reiterate",
    "express",
    "accuse",
    "blame",
    "condemn",
    "criticize",
    "criticise",
}


def is_negated(token: Token) -> bool:
    """Whether a token carries its own negation ("did not attack", "no ceasefire")."""
    for child in token.children:
        if child.dep_ == "neg" or child.lower_ in {"never"}:
            return True
        if child.dep_ == "det" and child.lower_ == "no":
            return True
    return False


def local_modality(token: Token) -> Modality | None:
    """Modality marked on the trigger itself, or None."""
    if is_negated(token):
        return Modality.NEGATED
    for child in token.children:
        low = child.lower_
        if child.dep_ in {"aux", "auxpass"}:
            if low in FUTURE_AUX or (low == "would" and _is_reported_future(token)):
                return Modality.FUTURE
            if low in HYPO_AUX:
                return Modality.HYPOTHETICAL
            if low in REQUEST_AUX:
                return Modality.REQUESTED
        if child.dep_ == "mark" and low in {"if", "unless", "whether"}:
            return Modality.HYPOTHETICAL
        if child.dep_ in {"amod", "advmod", "nmod", "compound", "predet", "det"} and (
            low in PROPOSED_MODS
        ):
            return Modality.PROPOSED
    return None


def _is_reported_future(token: Token) -> bool:
    """ "said the talks would begin in February": "would" is "will" in reported speech.

    Only in the complement of a past-tense assertive speech verb, and only without a condition
    ("would attack if ...") or a negation, which keep "would" hypothetical.
    """
    head = token.head
    if token.dep_ != "ccomp" or head.tag_ != "VBD" or head.lemma_.lower() not in ASSERTIVE_SPEECH:
        return False
    for child in token.children:
        if child.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in child.children
        ):
            return False
        if child.dep_ == "neg":
            return False
    return True


def weak_modality(token: Token) -> Modality | None:
    """A hedge on the trigger ("any assault", "further talks") that a governor overrides."""
    for child in token.children:
        if child.dep_ not in {"amod", "advmod", "nmod", "compound", "predet", "det"}:
            continue
        low = child.lower_
        if low in HYPO_MODS:
            return Modality.HYPOTHETICAL
        if low in FUTURE_MODS and token.pos_ in {"NOUN", "PROPN"} and low != "new":
            return Modality.FUTURE
    return None
