"""Mentions that are not names: groups, acting weapons, populations, definite nouns, pronouns.

"Israeli officials" (a demonym group), "Turkish drones struck" (a weapon acting for its state),
"civilians" (a population), "the town" (a definite description) and "it" or "they". Each
finder skips the tokens already covered by a name mention and marks what it takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.candidates import SUBJECT_DEPS, make_candidate
from kg.extract.lexicon import Lexicon
from kg.extract.titles import key_of
from kg.gazetteer import Gazetteer
from kg.models import MentionCandidate

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Weapons and platforms are not actors: "Turkish drones struck" is an act of the state.
WEAPON_NOUNS = {
    "warplane",
    "warship",
    "drone",
    "aircraft",
    "jet",
    "helicopter",
    "gunship",
    "artillery",
}

COLLECTIVE_NOUNS = {
    "government",
    "military",
    "army",
    "police",
    "leadership",
    "administration",
    "cabinet",
    "ministry",
    "junta",
    "navy",
    "delegation",
    "authority",
}


def _is_acting(token: Token) -> bool:
    """The token is the doer of its clause: a subject, or the object of a passive's "by"."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ == "nsubj":
        return True
    return token.dep_ == "pobj" and token.head.lower_ == "by"


def _modifier_state_of(child: Token, gazetteer: Gazetteer) -> str | None:
    entry = gazetteer.lookup_demonym(child.text) or gazetteer.lookup(child.text)
    if entry is not None and "State" in tuple(getattr(entry, "types", ())):
        return key_of(entry)
    return None


def _modifier_state(token: Token, gazetteer: Gazetteer) -> str | None:
    """The state named by a modifier of a group noun ("Israeli officials", "US officials")."""
    for child in token.children:
        if child.dep_ not in {"amod", "compound", "nmod", "poss", "npadvmod"}:
            continue
        key = _modifier_state_of(child, gazetteer)
        if key is not None:
            return key
    return None


def _modifier_org(token: Token, gazetteer: Gazetteer) -> str | None:
    """An organisation named by a modifier of a group noun ("RSF fighters", "NATO leaders")."""
    for child in token.children:
        if child.dep_ not in {"compound", "amod", "nmod"}:
            continue
        entry = gazetteer.lookup(child.text)
        types = set(getattr(entry, "types", ())) if entry is not None else set()
        if types & {"ArmedGroup", "InternationalOrganization", "GovernmentBody", "Organization"}:
            return key_of(entry)
    return None


def find_group_mentions(
    doc: Doc,
    sent_of: dict[int, int],
    covered: set[int],
    gazetteer: Gazetteer,
    lexicon: Lexicon,
) -> list[MentionCandidate]:
    """Group, weapon, population and definite-description mentions of a report.

    "Israeli officials" and "RSF fighters" are groups of a state or an organisation; "Turkish
    drones struck" is an act of the state (only when the weapon acts); "civilians" and
    "displaced families" are populations; "the town" is a definite description that coreference
    resolves later.

    Args:
        doc: The parsed report.
        sent_of: Token index -> sentence index.
        covered: Indices of tokens already in a mention; updated with the tokens taken here.
        gazetteer: The gazetteer (state and organisation lookups).
        lexicon: Extraction word lists (group, population and definite nouns).

    Returns:
        The mentions found, in token order.
    """
    out: list[MentionCandidate] = []
    for token in doc:
        if token.i in covered or token.pos_ not in {"NOUN", "PROPN"}:
            continue
        lemma = token.lemma_.lower()
        plural = token.tag_ in {"NNS", "NNPS"}
        if lemma in WEAPON_NOUNS and _is_acting(token):
            country = _modifier_state(token, gazetteer)
            if country is not None:
                left = min(
                    c.i
                    for c in token.children
                    if c.dep_ in {"amod", "compound", "nmod", "poss"}
                    and _modifier_state_of(c, gazetteer) == country
                )
                out.append(
                    make_candidate(
                        doc[left : token.i + 1],
                        sent_of=sent_of,
                        kind="group",
                        label="State",
                        country_key=country,
                        hint=lemma,
                    )
                )
                covered.update(range(left, token.i + 1))
                continue
        if lemma in lexicon.group_nouns:
            if not plural and lemma not in COLLECTIVE_NOUNS:
                continue
            org = _modifier_org(token, gazetteer)
            if org is not None:
                left = min(
                    c.i
                    for c in token.children
                    if c.dep_ in {"compound", "amod", "nmod"}
                    and key_of(gazetteer.lookup(c.text)) == org
                )
                span = doc[left : token.i + 1]
                out.append(
                    make_candidate(
                        span, sent_of=sent_of, kind="name", label="ORG", gazetteer_key=org
                    )
                )
                covered.add(token.i)
                continue
            country = _modifier_state(token, gazetteer)
            if country is not None:
                left = min(
                    [token.i]
                    + [
                        c.left_edge.i
                        for c in token.children
                        if c.dep_ in {"amod", "compound", "nmod", "poss"}
                    ]
                )
                while (
                    left < token.i
                    and doc[left].pos_ in {"DET", "ADJ"}
                    and (gazetteer.lookup_demonym(doc[left].text) is None)
                ):
                    left += 1
                span = doc[left : token.i + 1]
                out.append(
                    make_candidate(
                        span,
                        sent_of=sent_of,
                        kind="group",
                        label=lexicon.group_nouns[lemma],
                        country_key=country,
                        hint=lemma,
                    )
                )
                covered.update(range(left, token.i + 1))
                continue
        if lemma in lexicon.population_nouns:
            if lemma in lexicon.population_needs_plural and not plural:
                continue
            if lemma == "population" and not any(
                c.lemma_.lower() == "civilian" for c in token.children
            ):
                continue
            left = token.i
            for child in token.lefts:
                if child.dep_ in {"amod", "compound"} and child.lemma_.lower() == "civilian":
                    left = min(left, child.i)
            span = doc[left : token.i + 1]
            out.append(
                make_candidate(
                    span,
                    sent_of=sent_of,
                    kind="population",
                    label="PopulationGroup",
                    hint=lexicon.population_nouns[lemma],
                )
            )
            covered.update(range(left, token.i + 1))
            continue
        if (token.dep_ != "compound" and lemma in lexicon.definite_places) or (
            lemma in lexicon.definite_groups and token.dep_ != "compound"
        ):
            det = [c for c in token.children if c.dep_ == "det"]
            named = any(  # "the town of Paletwa" names its place itself
                c.dep_ == "prep" and c.lower_ == "of" and any(g.pos_ == "PROPN" for g in c.children)
                for c in token.children
            )
            if det and det[0].lower_ in {"the", "this", "that"} and not plural and not named:
                span = doc[det[0].i : token.i + 1]
                out.append(
                    make_candidate(
                        span, sent_of=sent_of, kind="definite", label="definite", hint=lemma
                    )
                )
                covered.update(range(det[0].i, token.i + 1))
    return out


def _is_referential_it(token: Token) -> bool:
    """ "It said it had delivered food" refers; "it is expected", "it was the first" do not."""
    head = token.head
    if token.lower_ == "its":
        # "the army did not halt its offensive": "its" is the common-noun subject's
        while head.dep_ in {"dobj", "pobj", "prep", "conj"} and head.head is not head:
            head = head.head
        subject = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
        return subject is None or subject.pos_ != "NOUN"
    if token.dep_ != "nsubj":
        return False  # "would treat it as a declaration of war": a thing, not an actor
    if head.lemma_.lower() in {"be", "seem", "appear", "take", "remain", "rain", "become"}:
        return False
    return not any(c.dep_ == "auxpass" for c in head.children)


def find_pronoun_mentions(
    doc: Doc, sent_of: dict[int, int], covered: set[int], lexicon: Lexicon
) -> list[MentionCandidate]:
    """Personal pronouns, "they/them/their", and referential "it/its".

    Args:
        doc: The parsed report.
        sent_of: Token index -> sentence index.
        covered: Indices of tokens already in a mention (read only).
        lexicon: Extraction word lists (person pronouns).

    Returns:
        Pronoun mentions, hinted "person", "group" or "organisation", in token order.
    """
    out: list[MentionCandidate] = []
    for token in doc:
        if token.i in covered or token.pos_ != "PRON":
            continue
        low = token.lower_
        if low in lexicon.pronouns_person:
            hint = "person"
        elif low in {"they", "them", "their"}:
            hint = "group"
        elif low in {"it", "its"} and _is_referential_it(token):
            hint = "organisation"
        else:
            continue
        out.append(
            make_candidate(
                doc[token.i : token.i + 1],
                sent_of=sent_of,
                kind="pronoun",
                label="pronoun",
                hint=hint,
            )
        )
    return out
