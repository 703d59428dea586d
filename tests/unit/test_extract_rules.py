"""Extraction rules on parsed sentences: modality minimal pairs, roles, resolution, titles.

These run the pinned small English model (the rules read its parse); the hand-built Doc tests at
the end pin rules that must not depend on what the parser outputs.
"""

from __future__ import annotations

import datetime as dt

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract.lexicon import load_lexicon
from kg.extract.modality import modality_of
from kg.models import Event, Modality, Report
from kg.pipeline import Extractor

pytestmark = pytest.mark.model
PUB = dt.date(2024, 5, 8)


def _events(extractor: Extractor, text: str) -> list[Event]:
    return list(extractor.extract(Report(id="t", text=text, published=PUB)).events)


def _one(events: list[Event], cls: str) -> Event:
    found = [e for e in events if e.event_class == cls]
    assert found, f"no {cls} in {[(e.event_class, e.trigger) for e in events]}"
    return found[0]


ACTORS = [
    ("Russia", "Ukraine"),
    ("Hamas", "Israel"),
    ("The Houthis", "Saudi Arabia"),
    ("The Rapid Support Forces", "El Fasher"),
]


VERBS = [  # (base, past, -ing) of attack verbs from the lexicon
    ("attack", "attacked", "attacking"),
    ("shell", "shelled", "shelling"),
    ("bomb", "bombed", "bombing"),
    ("raid", "raided", "raiding"),
    ("strike", "struck", "striking"),
]


@pytest.mark.parametrize(("agent", "target"), ACTORS)
@pytest.mark.parametrize(("base", "past", "ing"), VERBS)
def test_extract_rules_modality_minimal_pairs(
    extractor: Extractor, agent: str, target: str, base: str, past: str, ing: str
) -> None:
    cases = {
        f"{agent} {past} {target}.": Modality.ASSERTED,
        f"{agent} did not {base} {target}.": Modality.NEGATED,
        f"{agent} may {base} {target}.": Modality.HYPOTHETICAL,
        f"{agent} will {base} {target}.": Modality.FUTURE,
        f"{agent} is set to {base} {target}.": Modality.FUTURE,
        f"{agent} denied {ing} {target}.": Modality.NEGATED,
        f"{agent} threatened to {base} {target}.": Modality.THREATENED,
        f"{agent} warned against {ing} {target}.": Modality.WARNED_AGAINST,
    }
    agent_key = agent.removeprefix("The ").lower().replace(" ", "-")
    for text, expected in cases.items():
        attack = _one(_events(extractor, text), "Attack")
        assert attack.modality is expected, text
        if expected is Modality.WARNED_AGAINST:
            continue  # who would attack is not said: the speaker warns others
        agents = [key for role, key in attack.roles if role == "agent"]
        assert any(agent_key in key or key in agent_key for key in agents), (text, attack.roles)


@pytest.mark.parametrize(("agent", "target"), ACTORS)
def test_extract_rules_proposal_minimal_pair(extractor: Extractor, agent: str, target: str) -> None:
    events = _events(extractor, f"{agent} proposed a truce with {target}.")
    assert _one(events, "Proposal").modality is Modality.ASSERTED
    assert _one(events, "Ceasefire").modality is Modality.PROPOSED
    assert not [e for e in events if e.event_class == "Attack"]


def test_extract_rules_warning_is_a_demand_not_a_threat(extractor: Extractor) -> None:
    events = _events(extractor, "The UN warned against an offensive in Rafah.")
    demand = _one(events, "Demand")
    offensive = _one(events, "Offensive")
    assert demand.modality is Modality.ASSERTED
    assert demand.about == offensive.number
    assert offensive.modality is Modality.WARNED_AGAINST
    assert ("location", "rafah") in offensive.roles
    assert not [e for e in events if e.event_class == "Threat"]


def test_extract_rules_threat_codes_follow_the_content(extractor: Extractor) -> None:
    events = _events(extractor, "ECOWAS threatened new sanctions against Niger.")
    threat = _one(events, "Threat")
    assert threat.cameo == "1312"
    assert _one(events, "Sanction").modality is Modality.THREATENED


def test_extract_rules_proposal_terms_and_exchange(extractor: Extractor) -> None:
    events = _events(
        extractor,
        "Qatar proposed a truce in exchange for the release of hostages.",
    )
    proposal = _one(events, "Proposal")
    truce = _one(events, "Ceasefire")
    release = _one(events, "HostageRelease")
    assert ("agent", "qatar") in proposal.roles
    assert {truce.number, release.number} <= set(proposal.provisions)
    assert truce.modality is Modality.PROPOSED and release.modality is Modality.PROPOSED
    assert truce.in_exchange_for == release.number


def test_extract_rules_negated_belief_negates_content(extractor: Extractor) -> None:
    events = _events(extractor, "US officials do not believe an offensive is imminent.")
    statement = _one(events, "Statement")
    offensive = _one(events, "Offensive")
    assert statement.modality is Modality.ASSERTED
    assert offensive.modality is Modality.NEGATED
    assert ("accordingTo", "american-officials") in offensive.roles


def test_extract_rules_mediator_of_talks(extractor: Extractor) -> None:
    events = _events(extractor, "Israel and Hamas held talks in Doha mediated by Egypt.")
    talks = _one(events, "Negotiation")
    assert ("mediator", "egypt") in talks.roles
    assert ("location", "doha") in talks.roles


def test_extract_rules_dates_resolve_against_publication(extractor: Extractor) -> None:
    events = _events(extractor, "Russian forces shelled Kharkiv on Monday.")
    attack = _one(events, "Attack")
    assert attack.start_date == "2024-05-06" and attack.time_precision == "day"
    assert ("agent", "russian-armed-forces") in attack.roles or any(
        r == "agent" for r, _ in attack.roles
    )


def test_extract_rules_capital_acts_for_its_state(extractor: Extractor) -> None:
    events = _events(extractor, "Moscow has threatened to strike Kyiv.")
    assert ("agent", "russia") in _one(events, "Threat").roles


def test_extract_rules_resolution_pronouns_variants_titles(extractor: Extractor) -> None:
    text = (
        "Foreign Minister Sergey Lavrov met Chinese officials in Beijing. "
        "Lavrov said his talks were useful."
    )
    x = extractor.extract(Report(id="t", text=text, published=PUB))
    people = [e for e in x.entities if "Person" in e.types]
    assert len(people) == 1
    lavrov = people[0]
    assert "Foreign Minister" in lavrov.role_titles
    keys = {m.text: m.entity_key for m in x.mentions}
    assert keys["Lavrov"] == keys["his"] == lavrov.key
    officials = next(e for e in x.entities if e.key == keys["Chinese officials"])
    assert officials.types == ("GovernmentBody",) and officials.country == "china"


def test_extract_rules_no_asserted_deal_from_a_bare_mention(extractor: Extractor) -> None:
    events = _events(extractor, "Negotiators discussed the possibility of a deal.")
    assert all(e.modality is not Modality.ASSERTED for e in events if e.event_class == "Agreement")


# --- rules on hand-built Docs (independent of the parser) ------------------------------------


def _doc(
    words: list[str],
    heads: list[int],
    deps: list[str],
    pos: list[str],
    lemmas: list[str],
    tags: list[str],
) -> Doc:
    vocab = spacy.blank("en").vocab  # lexical attributes (lower_, is_title) need a language
    return Doc(vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas, tags=tags)


def test_extract_rules_modality_on_hand_built_doc() -> None:
    lexicon = load_lexicon()
    # "Hamas did not attack Israel ." with a fixed parse
    doc = _doc(
        words=["Hamas", "did", "not", "attack", "Israel", "."],
        heads=[3, 3, 3, 3, 3, 3],
        deps=["nsubj", "aux", "neg", "ROOT", "dobj", "punct"],
        pos=["PROPN", "AUX", "PART", "VERB", "PROPN", "PUNCT"],
        lemmas=["Hamas", "do", "not", "attack", "Israel", "."],
        tags=["NNP", "VBD", "RB", "VB", "NNP", "."],
    )
    assert modality_of(doc[3], lexicon) is Modality.NEGATED
    # "X warned against an attack ." : the attack is warned against
    doc = _doc(
        words=["X", "warned", "against", "an", "attack", "."],
        heads=[1, 1, 1, 4, 2, 1],
        deps=["nsubj", "ROOT", "prep", "det", "pobj", "punct"],
        pos=["PROPN", "VERB", "ADP", "DET", "NOUN", "PUNCT"],
        lemmas=["X", "warn", "against", "an", "attack", "."],
        tags=["NNP", "VBD", "IN", "DT", "NN", "."],
    )
    assert modality_of(doc[4], lexicon) is Modality.WARNED_AGAINST
