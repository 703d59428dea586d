"""Relations stated inside noun phrases: appositions, possessives, locative modifiers, "such as".

"Hamdan, the RSF commander" -> (Hamdan; is; the RSF commander); "Goma, North Kivu" -> (Goma; is
in; North Kivu); "keyboardist Philippe Saisse" -> (Philippe Saisse; is; keyboardist); "Mr.
Stoll 's hunt" -> (Mr. Stoll; has; hunt); "the trackage at Charles City" -> (the trackage; was
at; Charles City); "regions such as Darfur" -> (regions; are such as; Darfur). The verb is
synthesised (appositions and titles read "is"; the others are inflected for the head noun's
number and the sentence's tense), so the relation reads as English; ``lemma`` is its normalised
form ("have", "be at").
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
REGION_TYPES = {"GPE", "LOC"}
NUMERIC_TYPES = {"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}


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


def _is_listed(token: Token) -> bool:
    """Whether a noun is an item of a list ("A, B and C"); the parser often reads those as appos."""
    return any(c.dep_ == "conj" for c in token.children) or token.dep_ == "conj"


def _appositions(sent: Span) -> list[NominalRelation]:
    out: list[NominalRelation] = []
    for appos in sent:
        head = appos.head
        if (
            appos.dep_ != "appos"
            or appos.pos_ not in NOMINAL
            or head.pos_ not in NOMINAL
            or appos.ent_type_ in NUMERIC_TYPES
            or head.ent_type_ in NUMERIC_TYPES
            or _is_listed(appos)
            or _is_listed(head)
            or not sent.doc[max(appos.left_edge.i - 1, 0)].is_punct  # "Envoy for Sudan Tom P."
        ):
            continue
        subject = arg_tokens(head)
        obj = arg_tokens(appos)
        if not subject or not obj:
            continue
        relation, lemma = "is", "be"  # the gold reads appositions as timeless
        if appos.ent_type_ in REGION_TYPES and head.ent_type_ in REGION_TYPES:
            relation, lemma = "is in", "be in"  # "Goma, North Kivu"
        out.append(
            NominalRelation("appos", Arg(subject, head), relation, lemma, Arg(obj, appos), appos)
        )
    return out


def _name_titles(sent: Span) -> list[NominalRelation]:
    """Common-noun titles before a person's name: "keyboardist Philippe Saisse"."""
    out: list[NominalRelation] = []
    for head in sent:
        if head.ent_type_ != "PERSON" or head.pos_ != "PROPN" or head.dep_ == "compound":
            continue
        left = [c for c in head.lefts if c.dep_ == "compound"]
        name = [t for t in left if t.ent_type_ == "PERSON" and t.pos_ == "PROPN"] + [head]
        before = [t for t in left if t.i < name[0].i]
        if (
            not before
            or not any(t.pos_ == "NOUN" for t in before)
            or len(name) != head.i - name[0].i + 1
        ):
            continue
        title = tuple(sent.doc[before[0].left_edge.i : name[0].i])
        if title[-1].pos_ == "NOUN" and not any(
            t.ent_type_ == "PERSON" or t.is_punct or t.dep_ == "det" for t in title
        ):
            out.append(
                NominalRelation(
                    "name-title", Arg(tuple(name), head), "is", "be", Arg(title, before[-1]), head
                )
            )
    return out


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
        Apposition, possessive, locative-modifier and "such as" relations, in that order.
    """
    past = _is_past(sent)
    return (
        _appositions(sent)
        + _name_titles(sent)
        + _possessives(sent)
        + _np_preps(sent, past)
        + _such_as(sent, past)
    )
