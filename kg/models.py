"""Frozen dataclasses that carry data between the pipeline stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Modality(StrEnum):
    """Factuality of an event or relation (local names of the ``ck:`` modality values)."""

    ASSERTED = "Asserted"
    NEGATED = "Negated"
    HYPOTHETICAL = "Hypothetical"
    FUTURE = "Future"
    PROPOSED = "Proposed"
    REQUESTED = "Requested"
    THREATENED = "Threatened"
    WARNED_AGAINST = "WarnedAgainst"

    @property
    def label(self) -> str:
        """Lowercase label used in JSON output, e.g. ``warned-against``."""
        return "warned-against" if self is Modality.WARNED_AGAINST else self.value.lower()


ENTITY_TYPES: tuple[str, ...] = (
    "Person",
    "State",
    "GovernmentBody",
    "ArmedGroup",
    "InternationalOrganization",
    "Organization",
    "PopulationGroup",
    "Location",
)
ACTOR_TYPES: frozenset[str] = frozenset(t for t in ENTITY_TYPES if t != "Location")


@dataclass(frozen=True, slots=True)
class Report:
    """One news report to ingest.

    Attributes:
        id: Stable report id (used in IRIs).
        text: The full text, exactly as stored (offsets point into it).
        title: Headline, if known.
        published: Publication date; relative dates resolve against it.
        url: Where the report came from, if known.
        source: The file (and line) it was read from, for messages.
    """

    id: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a report with character offsets into the report text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A text span that names or refers to an entity.

    Attributes:
        start: Character offset of the span in the report.
        end: Character end offset.
        text: The span text.
        sentence_index: Sentence the span is in.
        entity_key: Canonical entity key it resolves to.
        kind: ``name``, ``alias``, ``pronoun``, ``nominal`` or ``demonym``.
        role_title: A title that the text gives the entity here ("Prime Minister").
    """

    start: int
    end: int
    text: str
    sentence_index: int
    entity_key: str
    kind: str = "name"
    role_title: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity (resolved across mentions and reports).

    Attributes:
        key: Slug used in the entity IRI.
        label: Canonical name.
        types: Ontology class local names (``State``, ``Person``...).
        aliases: Every other name seen or known.
        same_as: External IRIs (Wikidata, GeoNames).
        role_titles: Role titles seen in the text.
        country: Key of the state the entity belongs to.
        member_of: Key of an organisation the entity belongs to.
        cameo_code: CAMEO actor code.
    """

    key: str
    label: str
    types: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    role_titles: tuple[str, ...] = ()
    country: str | None = None
    member_of: str | None = None
    cameo_code: str | None = None


@dataclass(frozen=True, slots=True)
class Argument:
    """An argument of a relation: a span of the sentence, maybe resolved to an entity."""

    text: str
    start: int
    end: int
    entity_key: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """An open subject-relation-object triple (layer 2).

    Attributes:
        sentence_index: Sentence it was read from.
        subject: The subject argument.
        relation: Relation phrase as in the text ("do not believe").
        lemma: Normalised relation ("believe"), used to mint the property.
        object: Object argument, if any.
        extra_args: Further arguments (time, place, prepositional objects), in order.
        modality: Factuality.
        confidence: Graded confidence in [0, 1].
        start: Character start of the whole relation span.
        end: Character end.
        rule: Name of the rule that produced it.
    """

    sentence_index: int
    subject: Argument
    relation: str
    lemma: str
    object: Argument | None
    extra_args: tuple[Argument, ...]
    modality: Modality
    confidence: float
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Event:
    """A typed event mention (layer 3).

    Attributes:
        number: Number of the event within its sentence (1-based).
        sentence_index: Sentence it was read from.
        event_class: Ontology class local name (``Negotiation``...).
        trigger: Trigger text; ``start``/``end`` are its character offsets.
        roles: (role, entity key) pairs; roles are ``agent``, ``target``, ``participant``,
            ``mediator``, ``location``, ``accordingTo``.
        modality: Factuality.
        cameo: CAMEO event code.
        plover: PLOVER category.
        about: Number of the event that is the content of this speech act.
        provisions: Numbers of events this proposal or agreement stipulates.
        in_exchange_for: Number of the event this one is exchanged for.
        part_of: Number of the event this one is part of.
        coreferent_with: (sentence index, number) of an earlier mention of the same event.
        start_date: ISO date the event starts.
        end_date: ISO date it ends.
        time_precision: ``day``, ``week``, ``month``, ``year`` or ``document-date``.
        confidence: Graded confidence in [0, 1].
    """

    number: int
    sentence_index: int
    event_class: str
    trigger: str
    start: int
    end: int
    roles: tuple[tuple[str, str], ...]
    modality: Modality
    cameo: str | None = None
    plover: str | None = None
    about: int | None = None
    provisions: tuple[int, ...] = ()
    in_exchange_for: int | None = None
    part_of: int | None = None
    coreferent_with: tuple[int, int] | None = None
    start_date: str | None = None
    end_date: str | None = None
    time_precision: str | None = None
    confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything read from one report: the input of the RDF stage."""

    report: Report
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    events: tuple[Event, ...]
    extractor: str = "conflict-kg"
    extractor_version: str = "0"
    model: str = ""
    run_digest: str = field(default="")


@dataclass(frozen=True, slots=True)
class MentionCandidate:
    """A span that may refer to an entity, found in a parsed sentence, before resolution.

    Attributes:
        start: Character start in the report.
        end: Character end.
        text: Span text.
        sentence_index: Sentence the span is in.
        head: Document index of the span's syntactic head token.
        tokens: Document indices of the span's tokens.
        kind: ``name`` (NER or gazetteer), ``group`` (demonym + group noun), ``population``,
            ``pronoun``, ``definite`` (a definite description such as "the enclave").
        label: NER label or the class guessed for the span.
        gazetteer_key: Gazetteer entry matched, if any.
        country_key: State the span is tied to by a demonym or title.
        role_title: Title given in the text ("Prime Minister").
        member_of_key: Organisation the title ties the person to ("Hamas leader").
        hint: Extra cue for coreference (the noun of a definite description, a pronoun's number).
        is_subject: Whether the span is a clause subject (coreference prefers subjects).
    """

    start: int
    end: int
    text: str
    sentence_index: int
    head: int
    tokens: tuple[int, ...]
    kind: str
    label: str
    gazetteer_key: str | None = None
    country_key: str | None = None
    role_title: str | None = None
    member_of_key: str | None = None
    hint: str | None = None
    is_subject: bool = False
