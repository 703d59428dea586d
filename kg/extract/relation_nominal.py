"""Relations stated inside noun phrases: possessives, locative modifiers, "such as" lists.

"Mr. Stoll 's hunt" -> (Mr. Stoll; has; hunt); "the trackage at Charles City" -> (the
trackage; was at; Charles City); "regions such as Darfur" -> (regions; are such as; Darfur).
The verb is synthesised, inflected for the head noun's number and the sentence's tense, so the
relation reads as English; ``lemma`` is its normalised form ("have", "be at").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.extract.relation_args import Arg, arg_tokens, conj_heads

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

NP_PREPS = {"in", "at", "on", "from", "near", "inside", "outside", "across"}
ARGUMENT_DEPS = {
    "nsubj",
    "nsubjpass",
    "dobj",
    "pobj",
    "attr",
    "appos",
    "conj",
    "ROOT",
    "dative",
    "oprd",
}
NOMINAL = {"NOUN", "PROPN"}
PLACE_TYPES = {"GPE", "LOC", "FAC", "ORG", "NORP"}


@dataclass(frozen=True, slots=True)
class NominalRelation:
    """A relation read off a noun phrase.

    Attributes:
        rule: Rule name (``possessive``, ``np-prep``, ``such-as``).
        subject: Subject argument.
        relation: Relation text ("has", "were in").
        lemma: Normalised relation ("have", "be in").
        obj: Object argument.
        anchor: The token the relation is read from (for character offsets).
    """

    rule: str
    subject: Arg
    relation: str
    lemma: str
    obj: Arg
    anchor: Token


def _is_past(sent: Span) -> bool:
    root = sent.root
    return root.tag_ == "VBD" or any(
        c.dep_ in {"aux", "auxpass"} and c.tag_ == "VBD" for c in root.children
    )


def _be(noun: Token, *, past: bool) -> str:
    plural = noun.tag_ in {"NNS", "NNPS"}
    if past:
        return "were" if plural else "was"
    return "are" if plural else "is"


def _is_place(token: Token) -> bool:
    """A named place or organisation ("in Gaza", "from Qatar"), not "in exchange", "in 1886"."""
    return token.ent_type_ in PLACE_TYPES or (token.pos_ == "PROPN" and not token.ent_type_)


def _possessives(sent: Span) -> list[NominalRelation]:
    out: list[NominalRelation] = []
    for tok in sent:
        if tok.dep_ != "poss" or tok.pos_ != "PROPN" or tok.head.pos_ != "NOUN":
            continue
        nxt = tok.doc[tok.right_edge.i + 1] if tok.right_edge.i + 1 < len(tok.doc) else None
        if nxt is not None and nxt.tag_ in {"VBN", "VBD"}:
            continue  # "Israel 's proposed ...": the 's is "has", not a possessive
        owner = tuple(t for t in tok.subtree if t.dep_ != "case" and not t.is_punct)
        owned = arg_tokens(tok.head, drop={t.i for t in tok.subtree})
        if not owner or not owned:
            continue
        out.append(
            NominalRelation(
                "possessive", Arg(owner, tok), "has", "have", Arg(owned, tok.head), tok.head
            )
        )
    return out


def _np_preps(sent: Span, past: bool) -> list[NominalRelation]:
    out: list[NominalRelation] = []
    for noun in sent:
        if noun.pos_ not in NOMINAL or noun.dep_ not in ARGUMENT_DEPS:
            continue
        for prep in noun.children:
            if prep.dep_ != "prep" or prep.lower_ not in NP_PREPS:
                continue
            pobjs = [c for c in prep.children if c.dep_ == "pobj"]
            if not pobjs or not _is_place(pobjs[0]):
                continue
            subject = arg_tokens(noun, drop={t.i for t in prep.subtree})
            if not subject:
                continue
            relation = f"{_be(noun, past=past)} {prep.lower_}"
            for pobj in conj_heads(pobjs[0]):
                obj = arg_tokens(pobj)
                if obj:
                    out.append(
                        NominalRelation(
                            "np-prep",
                            Arg(subject, noun),
                            relation,
                            f"be {prep.lower_}",
                            Arg(obj, pobj),
                            prep,
                        )
                    )
    return out


def _such_as(sent: Span, past: bool) -> list[NominalRelation]:
    out: list[NominalRelation] = []
    for prep in sent:
        if prep.lower_ != "as" or prep.dep_ != "prep" or prep.head.pos_ not in NOMINAL:
            continue
        if not any(c.lower_ == "such" for c in prep.children) and prep.nbor(-1).lower_ != "such":
            continue
        noun = prep.head
        subject = arg_tokens(noun, drop={t.i for t in prep.subtree} | {prep.i - 1})
        pobjs = [c for c in prep.children if c.dep_ == "pobj"]
        if not subject or not pobjs:
            continue
        relation = f"{_be(noun, past=past)} such as"
        for pobj in conj_heads(pobjs[0]):
            obj = arg_tokens(pobj)
            if obj:
                out.append(
                    NominalRelation(
                        "such-as", Arg(subject, noun), relation, "be such as", Arg(obj, pobj), prep
                    )
                )
    return out


def find_nominal_relations(sent: Span) -> list[NominalRelation]:
    """Relations stated inside the noun phrases of a sentence.

    Args:
        sent: A parsed sentence.

    Returns:
        Possessive, locative-modifier and "such as" relations, in that order.
    """
    past = _is_past(sent)
    return _possessives(sent) + _np_preps(sent, past) + _such_as(sent, past)
