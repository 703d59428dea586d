"""The extraction word lists (trigger lexicon, titles, group nouns), loaded from JSON data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import PipelineError

PATTERNS_DIR = Path(__file__).resolve().parent.parent / "patterns"


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger lexicon entry.

    Attributes:
        lemma: The trigger lemma.
        event_class: Ontology class local name.
        cameo: CAMEO code.
        plover: PLOVER category.
        needs_mod: Lemmas of which one must modify the trigger (or be its prepositional object).
        needs_obj: Lemmas of which one must be the trigger's object.
        needs_prep: Prepositions of which one must attach to the verb.
        speech: For speech acts, the modality given to their content.
        is_mediator: The subject mediates (``mediate``, ``broker``).
        is_agent_noun: The noun names the participants ("negotiators").
        is_container: The event has provisions (proposal, deal).
        is_irrealis_default: A bare nominal mention does not assert it happened (a deal).
        plural_only: Only the plural is an event ("talks").
        needs_comp: The verb is a trigger only with a clausal complement.
        plural_free: The plural needs no modifier ("strikes").
        is_neg_raising: "do not believe X" negates X.
        obj_preps: Prepositions whose object may stand for the required object ("fired at").
    """

    lemma: str
    event_class: str
    cameo: str | None
    plover: str | None
    needs_mod: frozenset[str]
    needs_obj: frozenset[str]
    needs_prep: frozenset[str]
    speech: str | None
    is_mediator: bool
    is_agent_noun: bool
    is_container: bool
    is_irrealis_default: bool
    plural_only: bool
    needs_comp: bool
    is_neg_raising: bool
    plural_free: bool = False
    obj_preps: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All extraction word lists."""

    verbs: dict[str, Trigger]
    nouns: dict[str, Trigger]
    threat_codes: dict[str, str]
    realis_verbs: frozenset[str]
    provision_verbs: frozenset[str]
    title_heads: frozenset[str]
    title_words: frozenset[str]
    group_nouns: dict[str, str]
    military_nouns: frozenset[str]
    population_nouns: dict[str, str]
    population_needs_plural: frozenset[str]
    pronouns_person: frozenset[str]
    pronouns_group: frozenset[str]
    definite_places: dict[str, str]
    definite_groups: dict[str, tuple[str, ...]]


def lemma_candidates(lemma: str, text: str) -> tuple[str, ...]:
    """The lemma and spellings that undo a mis-lemmatised inflection ("hoped" -> "hop").

    >>> lemma_candidates("hop", "hoped")
    ('hop', 'hope')
    >>> lemma_candidates("attack", "attacks")
    ('attack',)
    """
    low = text.lower()
    out = [lemma.lower()]
    for suffix, repl in (("ed", "e"), ("es", "e"), ("ing", "e"), ("ing", "")):
        if low.endswith(suffix):
            candidate = low[: -len(suffix)] + repl
            if candidate not in out and len(candidate) > 2:
                out.append(candidate)
    return tuple(out)


def _trigger(lemma: str, data: dict[str, Any]) -> Trigger:
    return Trigger(
        lemma=lemma,
        event_class=str(data["class"]),
        cameo=data.get("cameo"),
        plover=data.get("plover"),
        needs_mod=frozenset(data.get("needs_mod", ())),
        needs_obj=frozenset(data.get("needs_obj", ())),
        needs_prep=frozenset(data.get("needs_prep", ())),
        speech=data.get("speech"),
        is_mediator=bool(data.get("mediator", False)),
        is_agent_noun=bool(data.get("agent_noun", False)),
        is_container=bool(data.get("container", False)),
        is_irrealis_default=bool(data.get("irrealis_default", False)),
        plural_only=bool(data.get("plural_only", False)),
        needs_comp=bool(data.get("needs_comp", False)),
        is_neg_raising=bool(data.get("neg_raising", False)),
        plural_free=bool(data.get("plural_free", False)),
        obj_preps=frozenset(data.get("obj_preps", ())),
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(
            f"{path}: cannot read pattern data ({exc}); reinstall conflict-kg"
        ) from exc
    if not isinstance(data, dict):
        raise PipelineError(f"{path}: pattern data must be a JSON object")
    return data


def load_lexicon(patterns_dir: Path | None = None) -> Lexicon:
    """Load ``events.json`` and ``lexicon.json`` from the patterns directory.

    Raises:
        PipelineError: A file is missing or malformed.
    """
    base = patterns_dir or PATTERNS_DIR
    events = _read_json(base / "events.json")
    words = _read_json(base / "lexicon.json")
    try:
        return Lexicon(
            verbs={k: _trigger(k, v) for k, v in events["verbs"].items()},
            nouns={k: _trigger(k, v) for k, v in events["nouns"].items()},
            threat_codes=dict(events["threat_codes"]),
            realis_verbs=frozenset(events["realis_verbs"]),
            provision_verbs=frozenset(events["provision_verbs"]),
            title_heads=frozenset(words["title_heads"]),
            title_words=frozenset(words["title_words"]),
            group_nouns=dict(words["group_nouns"]),
            military_nouns=frozenset(words["military_nouns"]),
            population_nouns=dict(words["population_nouns"]),
            population_needs_plural=frozenset(words["population_needs_plural"]),
            pronouns_person=frozenset(words["pronouns_person"]),
            pronouns_group=frozenset(words["pronouns_group"]),
            definite_places=dict(words["definite_places"]),
            definite_groups={k: tuple(v) for k, v in words["definite_groups"].items()},
        )
    except (KeyError, TypeError) as exc:
        raise PipelineError(f"{base}: pattern data lacks {exc}; reinstall conflict-kg") from exc
