"""Matching event triggers: a token and the lexicon entry it triggers, with its constraints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon, Trigger, lemma_candidates
from kg.extract.syntax import is_misparsed_gerund, mod_lemmas, objects

if TYPE_CHECKING:
    from spacy.tokens import Token

NO_TRIGGER = Trigger(
    lemma="",
    event_class="",
    cameo=None,
    plover=None,
    needs_mod=frozenset(),
    needs_obj=frozenset(),
    needs_prep=frozenset(),
    speech=None,
    is_mediator=False,
    is_agent_noun=False,
    is_container=False,
    is_irrealis_default=False,
    plural_only=False,
    needs_comp=False,
    is_neg_raising=False,
)


def _names_person(token: Token) -> bool:
    if token.ent_type_ == "PERSON":
        return True
    return any(
        c.dep_ == "prep" and c.lower_ == "of" and any(g.ent_type_ == "PERSON" for g in c.children)
        for c in token.children
    )


def match_trigger(
    token: Token, lexicon: Lexicon, places: frozenset[int] = frozenset()
) -> Trigger | None:
    """The lexicon entry a token triggers, checking the entry's constraints.

    Args:
        token: A verb or noun.
        lexicon: Extraction word lists.
        places: Indices of tokens that name places ("take Goma" is a capture).
    """
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB" or is_misparsed_gerund(token):
        candidates = lemma_candidates(token.lemma_, token.text)
        lemma = next((c for c in candidates if c in lexicon.verbs), lemma)
        trig = lexicon.verbs.get(lemma)
        if trig is None or (token.dep_ == "amod" and not is_misparsed_gerund(token)):
            return None
        if lemma == "call" and any(c.dep_ == "prt" and c.lower_ == "off" for c in token.children):
            return None
        found = objects(token)
        if (
            trig.needs_obj
            and not any(
                o.lemma_.lower() in trig.needs_obj
                or (
                    trig.event_class == "Offensive"
                    and (o.i in places or o.ent_type_ in {"GPE", "LOC"})
                )
                # "freed the father of Luis Diaz", "released Ahmed Ali": a person is let go
                or (trig.event_class == "HostageRelease" and _names_person(o))
                for o in found
            )
            and not any(c.dep_ == "prep" and c.lower_ in trig.obj_preps for c in token.children)
        ):
            return None
        if trig.needs_obj and any(
            (lexicon.nouns.get(o.lemma_.lower()) or NO_TRIGGER).event_class == trig.event_class
            for o in found
            if o.dep_ == "dobj"
        ):
            return None  # "attend the meeting", "sign a pact": the noun is the event
        if trig.needs_prep and not any(
            c.dep_ in {"prep", "dative"} and c.lower_ in trig.needs_prep for c in token.children
        ):
            return None
        if trig.needs_comp and not any(c.dep_ in {"ccomp", "xcomp"} for c in token.children):
            return None
        return trig
    if token.pos_ in {"NOUN", "PROPN"}:
        trig = lexicon.nouns.get(lemma) or lexicon.nouns.get(token.lower_)
        if trig is None:
            return None
        if trig.plural_only and token.tag_ not in {"NNS", "NNPS"}:
            return None
        plural = token.tag_ in {"NNS", "NNPS"}
        if (
            trig.needs_mod
            and not (mod_lemmas(token) & trig.needs_mod)
            and not (trig.plural_free and plural)
        ):
            return None
        head_trig = lexicon.nouns.get(token.head.lemma_.lower())
        if (
            token.dep_ == "compound"
            and head_trig is not None
            and (head_trig.event_class == trig.event_class or lemma in head_trig.needs_mod)
        ):
            return None
        if token.dep_ == "pobj" and token.head.dep_ == "prep":
            owner = lexicon.nouns.get(token.head.head.lemma_.lower())
            if owner is not None and lemma in owner.needs_mod:
                return None
        return trig
    return None
