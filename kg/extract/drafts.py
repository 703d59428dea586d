"""The mutable event draft used while reading one report, and the report-wide context."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.extract.lexicon import Trigger
from kg.models import Event, Modality

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass
class Draft:
    number: int
    sentence_index: int
    token: Token
    trigger: Trigger
    event_class: str
    text: str
    start: int
    end: int
    roles: list[tuple[str, str]] = field(default_factory=list)
    modality: Modality = Modality.ASSERTED
    cameo: str | None = None
    plover: str | None = None
    about: int | None = None
    provisions: list[int] = field(default_factory=list)
    in_exchange_for: int | None = None
    part_of: int | None = None
    coreferent_with: tuple[int, int] | None = None
    start_date: str | None = None
    time_precision: str | None = None
    confidence: float = 0.5
    according_to: str | None = None
    date_text: str | None = None

    def add(self, role: str, key: str | None) -> None:
        if key and (role, key) not in self.roles:
            self.roles.append((role, key))

    def has(self, role: str) -> bool:
        return any(r == role for r, _ in self.roles)

    def keys(self, role: str) -> list[str]:
        return [k for r, k in self.roles if r == role]

    def freeze(self) -> Event:
        roles = list(self.roles)
        if self.according_to:
            roles.append(("accordingTo", self.according_to))
        return Event(
            number=self.number,
            sentence_index=self.sentence_index,
            event_class=self.event_class,
            trigger=self.text,
            start=self.start,
            end=self.end,
            roles=tuple(roles),
            modality=self.modality,
            cameo=self.cameo,
            plover=self.plover,
            about=self.about,
            provisions=tuple(self.provisions),
            in_exchange_for=self.in_exchange_for,
            part_of=self.part_of,
            coreferent_with=self.coreferent_with,
            start_date=self.start_date,
            time_precision=self.time_precision,
            confidence=round(min(0.99, max(0.05, self.confidence)), 3),
        )


@dataclass
class EventContext:
    """State shared across a report's sentences (for event coreference)."""

    published: dt.date | None
    capitals: dict[str, str] = field(default_factory=dict)
    history: list[Draft] = field(default_factory=list)
