"""Warnings and vows that are threats: "X warned that the army would crush ...".

CAMEO 13 (threaten) covers a speaker announcing hostile action by their own side; a warning
about what someone else might do ("warned that Azerbaijan could launch an offensive") or
against an act ("warned against an offensive") is not a threat by the speaker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.modality_cues import is_negated

if TYPE_CHECKING:
    from spacy.tokens import Token

    from kg.models import Entity

# speech verbs whose clause content can be the speaker's own hostile act
THREAT_FRAMES = {"warn", "vow", "pledge", "promise"}
# verbs of hostile action that are not attack triggers on their own
HOSTILE_VERBS = {
    "respond",
    "retaliate",
    "avenge",
    "crush",
    "pursue",
    "punish",
    "destroy",
    "eliminate",
    "hunt",
    "wipe",
}
MODALS = {"would", "will", "could", "'ll", "shall"}
OWN_FORCES = {"army", "military", "force", "troop", "fighter", "we", "navy", "air"}


def threat_clause(token: Token) -> Token | None:
    """The content clause of a warning/vow when it announces future action ("would attack")."""
    if token.lemma_.lower() not in THREAT_FRAMES:
        return None
    for child in token.children:
        if child.dep_ not in {"ccomp", "xcomp"}:
            continue
        has_modal = child.dep_ == "xcomp" or any(
            c.dep_ == "aux" and c.lower_ in MODALS for c in child.children
        )
        if has_modal and not is_negated(child):
            return child
    return None


def is_hostile_verb(verb: Token) -> bool:
    """ "crush any group", "Kabul would respond" (but not "respond to the proposal")."""
    lemma = verb.lemma_.lower()
    if lemma not in HOSTILE_VERBS:
        return False
    return not (
        lemma == "respond" and any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children)
    )


def own_side(speaker: str, entities: dict[str, Entity], capitals: dict[str, str]) -> set[str]:
    """The speaker and the state or organisation the speaker belongs to."""
    side = {speaker}
    entity = entities.get(speaker)
    if entity is not None:
        side.update(k for k in (entity.country, entity.member_of) if k)
    side.update(capital for capital, state in capitals.items() if state in side)
    return side


def is_own_forces(subject: Token) -> bool:
    """ "the army", "our forces", "its fighters", "we": the speaker's side, unnamed."""
    lemma = subject.lemma_.lower()
    if subject.lower_ == "we":
        return True
    if lemma not in OWN_FORCES:
        return False
    return any(
        c.dep_ in {"det", "poss"} and c.lower_ in {"the", "our", "its", "his", "her", "their"}
        for c in subject.children
    ) and not any(c.dep_ in {"amod", "compound"} and c.pos_ == "PROPN" for c in subject.children)
