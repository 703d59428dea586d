"""Modality: whether an event or relation is asserted, negated, planned, proposed, threatened...

Local cues on the trigger (negation, modal auxiliaries, "potential", "planned";
:mod:`kg.extract.modality_cues`) come first; otherwise the trigger's governors are walked
upwards: the content of "threatened", "warned against", "urged", "proposed", "denied", of a
negated "believe", of "the possibility of"... takes that governor's modality. Adverbial and
relative clauses are their own assertions, so the walk stops there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.lexicon import lemma_candidates
from kg.extract.modality_cues import (
    ASSERTIVE_SPEECH,
    is_negated,
    local_modality,
    weak_modality,
)
from kg.extract.syntax import is_misparsed_gerund
from kg.models import Modality

if TYPE_CHECKING:
    from spacy.tokens import Token

    from kg.extract.lexicon import Lexicon

GOVERNORS: dict[str, Modality] = {
    # intention, plans, schedules
    "plan": Modality.FUTURE,
    "intend": Modality.FUTURE,
    "aim": Modality.FUTURE,
    "seek": Modality.FUTURE,
    "want": Modality.FUTURE,
    "try": Modality.FUTURE,
    "attempt": Modality.FUTURE,
    "prepare": Modality.FUTURE,
    "set": Modality.FUTURE,
    "schedule": Modality.FUTURE,
    "due": Modality.FUTURE,
    "expect": Modality.FUTURE,
    "commit": Modality.FUTURE,
    "await": Modality.FUTURE,
    "pledge": Modality.FUTURE,
    "promise": Modality.FUTURE,
    "vow": Modality.FUTURE,
    "hope": Modality.HYPOTHETICAL,
    "further": Modality.FUTURE,
    # requests
    "urge": Modality.REQUESTED,
    "call": Modality.REQUESTED,
    "demand": Modality.REQUESTED,
    "press": Modality.REQUESTED,
    "pressure": Modality.REQUESTED,
    "push": Modality.REQUESTED,
    "ask": Modality.REQUESTED,
    "appeal": Modality.REQUESTED,
    "need": Modality.REQUESTED,
    "require": Modality.REQUESTED,
    "insist": Modality.REQUESTED,
    "request": Modality.REQUESTED,
    "encourage": Modality.REQUESTED,
    "persuade": Modality.REQUESTED,
    # proposals
    "propose": Modality.PROPOSED,
    "offer": Modality.PROPOSED,
    "suggest": Modality.PROPOSED,
    "proposal": Modality.PROPOSED,
    "framework": Modality.PROPOSED,
    "plan_n": Modality.PROPOSED,
    "term": Modality.PROPOSED,
    "roadmap": Modality.PROPOSED,
    "consider": Modality.HYPOTHETICAL,
    # threats and warnings
    "threaten": Modality.THREATENED,
    "threat": Modality.THREATENED,
    # denials
    "deny": Modality.NEGATED,
    "denial": Modality.NEGATED,
    "reject": Modality.NEGATED,
    "rule": Modality.NEGATED,
    # irrealis nouns and verbs
    "possibility": Modality.HYPOTHETICAL,
    "prospect": Modality.HYPOTHETICAL,
    "chance": Modality.HYPOTHETICAL,
    "risk": Modality.HYPOTHETICAL,
    "fear": Modality.HYPOTHETICAL,
    "concern": Modality.HYPOTHETICAL,
    "consequence": Modality.HYPOTHETICAL,
    "prevent": Modality.HYPOTHETICAL,
    "avoid": Modality.HYPOTHETICAL,
    "avert": Modality.HYPOTHETICAL,
    "block": Modality.NEGATED,
    "obstruct": Modality.NEGATED,
    "halt": Modality.NEGATED,
    "suspend": Modality.NEGATED,
    "cancel": Modality.NEGATED,
    "postpone": Modality.FUTURE,
    "progress": Modality.HYPOTHETICAL,
    "effort": Modality.FUTURE,
    "believe": Modality.HYPOTHETICAL,
    "think": Modality.HYPOTHETICAL,
    "negotiate": Modality.HYPOTHETICAL,
    "negotiation": Modality.HYPOTHETICAL,
    "talk": Modality.HYPOTHETICAL,
}
WARN_LEMMAS = {"warn", "warning", "caution"}
DEFENSIVE_VERBS = {"help", "protect", "defend", "guard", "shield", "deter", "insure", "secure"}
NOMINAL_DEPS = {"dobj", "pobj", "prep", "nsubjpass", "attr", "dative"}
ADJUNCT_PREPS = {
    "after",
    "before",
    "since",
    "during",
    "despite",
    "amid",
    "following",
    "until",
    "upon",
    "while",
    "throughout",
}
HYPO_PREPS = {"without", "towards", "toward"}
STOP_DEPS = {"advcl", "relcl", "parataxis", "ROOT"}
CLIMB_DEPS = {
    "xcomp",
    "ccomp",
    "dobj",
    "pobj",
    "prep",
    "pcomp",
    "acl",
    "conj",
    "nsubj",
    "nsubjpass",
    "attr",
    "oprd",
    "compound",
    "appos",
    "agent",
    "dative",
    "advcl",
}


def _denied_above(token: Token, lexicon: Lexicon) -> bool:
    """Whether a denial governs a plan from higher up: "denied that Baku had plans to attack"."""
    cur = token
    for _ in range(6):
        if cur.dep_ not in CLIMB_DEPS or cur.head is cur:
            return False
        head = cur.head
        if _governor_modality(head, cur, lexicon) is Modality.NEGATED:
            return True
        cur = head
    return False


def _head_lemma(head: Token) -> str:
    candidates = lemma_candidates(head.lemma_, head.text)
    return next((c for c in candidates if c in GOVERNORS), candidates[0])


def _governor_modality(head: Token, child: Token, lexicon: Lexicon) -> Modality | None:
    lemma = _head_lemma(head)
    if child.dep_ in {"nsubj", "csubj"}:
        return None  # "their attacks threaten trade": a subject is not the governor's content
    if lemma == "call" and any(c.dep_ == "prt" and c.lower_ == "off" for c in head.children):
        return Modality.NEGATED  # "the summit was called off"
    if lemma in WARN_LEMMAS:
        if child.dep_ == "prep" and child.lower_ in {"against", "of"}:
            return Modality.WARNED_AGAINST
        if child.dep_ in {"xcomp", "ccomp"} and is_negated(child):
            return Modality.WARNED_AGAINST
        if child.dep_ in {"pobj"} and head.lower_ in {"against"}:
            return Modality.WARNED_AGAINST
        if child.dep_ == "ccomp":
            return Modality.ASSERTED  # "warned that famine is spreading": the speaker asserts it
        return Modality.HYPOTHETICAL
    if head.lower_ in {"against"} and head.head.lemma_.lower() in WARN_LEMMAS:
        return Modality.WARNED_AGAINST
    if head.lower_ == "against" and head.head.lemma_.lower() in DEFENSIVE_VERBS:
        return Modality.HYPOTHETICAL  # "help one another against attacks": any future attack
    if head.pos_ == "ADP" and head.lower_ == "without" and child.dep_ == "pcomp":
        return Modality.NEGATED  # "ended the talks without signing a treaty"
    if head.pos_ == "ADP" and head.lower_ in HYPO_PREPS and child.dep_ == "pobj":
        return Modality.HYPOTHETICAL
    if (
        head.pos_ == "ADP"
        and head.lower_ == "for"
        and head.head.lemma_.lower()
        in {"need", "call", "demand", "push", "appeal", "plea", "pressure"}
    ):
        return Modality.REQUESTED
    trigger = lexicon.verbs.get(lemma) if head.pos_ in {"VERB", "AUX"} else None
    if trigger is not None and trigger.is_neg_raising and is_negated(head):
        return Modality.NEGATED
    if lemma in ASSERTIVE_SPEECH and head.pos_ == "VERB" and child.dep_ in {"ccomp"}:
        return Modality.NEGATED if is_negated(head) else Modality.ASSERTED
    if head.pos_ in {"NOUN", "PROPN"} and lemma == "plan":
        return Modality.PROPOSED
    gov = GOVERNORS.get(lemma)
    if gov is not None and head.pos_ not in {"VERB", "AUX", "NOUN", "PROPN", "ADJ"}:
        gov = None
    if gov is Modality.NEGATED and head.pos_ in {"VERB", "AUX"} and is_negated(head):
        return Modality.HYPOTHETICAL  # "did not rule out military action": still possible
    if gov is not None:
        return gov
    local = local_modality(head)
    if local is not None and child.dep_ in {"xcomp", "ccomp", "dobj", "pcomp"}:
        if local is Modality.NEGATED and child.dep_ == "dobj":
            return None
        return local
    return None


def modality_of(token: Token, lexicon: Lexicon, *, is_irrealis_default: bool = False) -> Modality:
    """The modality of an event or relation whose trigger is ``token``.

    Args:
        token: The trigger (verb or event noun).
        lexicon: Extraction word lists (for neg-raising verbs and realis verbs).
        is_irrealis_default: A bare mention does not assert the event (deals, ceasefires):
            asserted only under a realis verb ("reached a deal", "the truce held").

    Returns:
        The modality.
    """
    local = local_modality(token)
    trigger = lexicon.verbs.get(token.lemma_.lower()) if token.pos_ == "VERB" else None
    if local is Modality.NEGATED and trigger is not None and trigger.is_neg_raising:
        local = None
    if local is not None:
        return local
    cur = token
    if is_misparsed_gerund(token):
        cur = token.head  # "denied raiding Ukraine": the gerund stands where its object hangs
    came_from = token.dep_
    for _ in range(10):
        if cur is not token and cur.pos_ in {"VERB", "AUX"}:
            own = local_modality(cur)  # "would focus on opening corridors": the modal's scope
            nominal = came_from in NOMINAL_DEPS
            if own is not None and not (own is Modality.NEGATED and nominal):
                return own  # ...but "has not agreed to the proposal" does not negate the proposal
        came_from = cur.dep_
        if cur.dep_ in STOP_DEPS and cur is not token:
            break
        head = cur.head
        if head is cur:
            break
        if cur.dep_ == "advcl":
            marks = {c.lower_ for c in cur.children if c.dep_ == "mark"}
            if marks & {"if", "unless"}:
                return Modality.HYPOTHETICAL
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children):
                # a purpose: "is expected to travel to Israel to meet Netanyahu" is as
                # planned as the travel; otherwise only intended
                if modality_of(head, lexicon) is Modality.FUTURE:
                    return Modality.FUTURE
                return Modality.HYPOTHETICAL
            break
        if cur.dep_ == "relcl":
            break
        if cur.dep_ not in CLIMB_DEPS:
            break
        if cur.dep_ == "prep" and cur.lower_ in ADJUNCT_PREPS:
            break  # "after seizing two villages": a temporal adjunct is its own assertion
        if cur.dep_ == "conj" and cur.pos_ in {"VERB", "AUX"}:
            # a coordinated clause shares its head's governors, not the head itself; a finite
            # verb coordinated with a non-finite one is the parser attaching it too low
            finite = cur.tag_ in {"VBD", "VBZ", "VBP"} and head.tag_ in {"VBG", "VB"}
            cur = head.head if finite and head.head is not head else head
            if finite and cur.dep_ in STOP_DEPS:
                break
            continue
        if cur.dep_ in {"nsubj", "nsubjpass"} and head.pos_ in {"VERB", "AUX"}:
            own = local_modality(head)  # "the pact would allow ...": the predicate's modal
            if own is not None:
                return own
        gov = _governor_modality(head, cur, lexicon)
        if gov in {Modality.PROPOSED, Modality.FUTURE} and _denied_above(head, lexicon):
            return Modality.NEGATED  # "denied having any plans to attack"
        if gov is not None:
            return gov
        if (
            is_irrealis_default
            and head.lemma_.lower() in lexicon.realis_verbs
            and head.pos_ in {"VERB", "AUX"}
        ):
            return modality_of(head, lexicon)
        cur = head
    weak = weak_modality(token)
    if weak is not None:
        return weak
    if is_irrealis_default:
        if (
            token.dep_ in {"nsubj", "nsubjpass"}
            and token.head.lemma_.lower() in lexicon.realis_verbs
        ):
            return modality_of(token.head, lexicon)
        return Modality.HYPOTHETICAL
    return Modality.ASSERTED
