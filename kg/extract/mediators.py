"""Third parties of talks and where talks are held, read through measure nouns and conveners.

* "two days of talks facilitated by X", "a round of negotiations brokered by X": the parser
  hangs the participle on the measure noun; it belongs to the event noun after "of".
* "X convened a meeting of A and B", "X will chair the talks", "talks hosted by X between A and
  B": whoever convenes, chairs or hosts talks between other parties is their mediator.
* "with X, Y and Z acting as guarantors": an absolute phrase naming third parties of the event.
* "a meeting of A and officials in Addis Ababa": a place on the meeting's people is the
  meeting's place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.syntax import SUBJ, SYMMETRIC, conjuncts, entities_of

if TYPE_CHECKING:
    from spacy.tokens import Token

    from kg.extract.drafts import Draft

SPAN_NOUNS = {"day", "week", "month", "hour", "round", "series", "year", "session"}
CONVENER_VERBS = {"convene", "chair", "host", "preside"}
ACTING_VERBS = {"act", "serve"}


def of_object(token: Token) -> Token | None:
    """The object of a noun's "of" phrase."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def through_span(token: Token) -> Token:
    """The event a measure noun measures: "two days of talks" -> talks."""
    if token.lemma_.lower() in SPAN_NOUNS:
        return of_object(token) or token
    return token


def span_of(token: Token) -> Token | None:
    """The measure noun an event noun hangs from: talks in "two days of talks" -> days."""
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in SPAN_NOUNS:
        return head.head
    return None


def convener_is_mediator(verb: Token, d: Draft, convener: list[str]) -> bool:
    """Whether those who convene, chair or host event ``d`` (with ``verb``) mediate it.

    Chairing or convening talks, or a meeting of named others, is mediation; hosting is only
    when the talks are between two others ("Qatar hosted talks between A and B"), since a host
    often takes part ("Egypt hosted talks with Israel").
    """
    lemma = verb.lemma_.lower()
    if lemma not in CONVENER_VERBS or d.event_class not in SYMMETRIC or not convener:
        return False
    others = [k for k in d.keys("participant") if k not in convener]
    if lemma == "host":
        return len(others) >= 2
    return bool(others) or d.event_class == "Negotiation"


def acting_as(
    agent_noun: Token, by_token: dict[int, Draft], te: dict[int, str]
) -> tuple[Draft | None, list[str]]:
    """ "open talks ..., with Mexico and Cuba acting as guarantors": (the talks, their names).

    ``agent_noun`` is the role noun ("guarantors"); the event is the verb the "with" phrase
    hangs from, or that verb's object (through a measure noun: "open a round of talks").
    """
    prep = agent_noun.head
    verb = prep.head
    if agent_noun.dep_ != "pobj" or prep.lower_ != "as" or verb.lemma_.lower() not in ACTING_VERBS:
        return None, []
    if verb.dep_ not in {"pcomp", "advcl"} or verb.head.lower_ != "with":
        return None, []
    subject = next((c for c in verb.children if c.dep_ in SUBJ), None)
    if subject is None:
        return None, []
    governor = verb.head.head
    event = by_token.get(governor.i)
    if event is None or event.event_class not in SYMMETRIC:
        obj = next((c for c in governor.children if c.dep_ == "dobj"), None)
        event = by_token.get(through_span(obj).i) if obj is not None else None
    return event, entities_of(subject, te)


def people_places(token: Token, person_noun: set[str]) -> list[Token]:
    """The people of a meeting noun, for their places: "a meeting of A and officials in X".

    The "of" object and its conjuncts, and a noun the parser coordinated with the governing
    verb instead ("convene a meeting of A and officials": "officials" a conjunct of "convene").
    """
    out: list[Token] = []
    obj = of_object(token)
    if obj is not None:
        out.extend(conjuncts(obj))
        if token.dep_ == "dobj":
            out.extend(
                c
                for c in token.head.children
                if c.dep_ == "conj" and c.pos_ == "NOUN" and c.i > token.i
            )
    return [t for t in out if t.lemma_.lower() in person_noun or t.pos_ == "PROPN"]
