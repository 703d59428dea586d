"""Typed events (layer 3): triggers, roles, modality, attribution, dates, structure.

Pure functions over a parsed report. Triggers come from the lexicon (verbs and nouns with
CAMEO/PLOVER codes, :mod:`kg.extract.triggers`) and are picked here; roles from dependency paths
(:mod:`kg.extract.event_roles`, :mod:`kg.extract.syntax`, :mod:`kg.extract.setting`); modality
from :mod:`kg.extract.modality`; speech-act content, provisions, exchanges, mediation, event
nouns joined to their verbs and coreference from :mod:`kg.extract.event_structure`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kg.extract.drafts import Draft, EventContext
from kg.extract.event_roles import RolesMixin
from kg.extract.event_structure import VIOLENCE_CLASSES, StructureMixin
from kg.extract.lexicon import Lexicon, Trigger
from kg.extract.mediators import CONVENER_VERBS, acting_as, through_span
from kg.extract.modality import modality_of
from kg.extract.modality_cues import is_negated
from kg.extract.setting import location_keys
from kg.extract.syntax import (
    LIGHT_VERBS,
    SPEECH_CLASSES,
    SUBJ,
    SYMMETRIC,
    VISIT_VERBS,
    entities_of,
)
from kg.extract.triggers import match_trigger
from kg.models import Entity, Event, Modality

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


class _SentenceEvents(RolesMixin, StructureMixin):
    def __init__(
        self,
        sent: Span,
        sentence_index: int,
        *,
        token_entity: dict[int, str],
        entities: dict[str, Entity],
        lexicon: Lexicon,
        context: EventContext,
    ) -> None:
        self.sent = sent
        self.index = sentence_index
        self.te = token_entity
        self.entities = entities
        self.lexicon = lexicon
        self.ctx = context
        self.drafts: list[Draft] = []
        self.by_token: dict[int, Draft] = {}

    def _new(
        self, token: Token, trig: Trigger, event_class: str | None = None, text: str | None = None
    ) -> Draft:
        draft = Draft(
            number=len(self.drafts) + 1,
            sentence_index=self.index,
            token=token,
            trigger=trig,
            event_class=event_class or trig.event_class,
            text=text or token.text,
            start=token.idx,
            end=token.idx + len(token.text),
            cameo=trig.cameo,
            plover=trig.plover,
            confidence=0.7 if token.pos_ == "VERB" else 0.6,
        )
        self.drafts.append(draft)
        self.by_token[token.i] = draft
        return draft

    def run(self) -> list[Draft]:
        places = frozenset(
            i for i, key in self.te.items() if "Location" in self.entities[key].types
        )
        for token in self.sent:
            if token.i in self.te and token.pos_ == "PROPN":
                continue
            trig = match_trigger(token, self.lexicon, places)
            if (
                trig is not None
                and token.pos_ == "VERB"
                and token.dep_ == "acl"
                and (token.tag_ == "VBN")
            ):
                owner = match_trigger(through_span(token.head), self.lexicon)
                if owner is not None and (
                    owner.event_class == trig.event_class
                    or trig.is_mediator
                    or (token.lemma_.lower() in CONVENER_VERBS and owner.event_class in SYMMETRIC)
                ):
                    continue  # "a framework proposed by Egypt": a role of the noun's event
            if (
                trig is not None
                and trig.is_agent_noun
                and (
                    token.i in self.te or (token.dep_ == "compound" and token.head.pos_ == "PROPN")
                )
            ):
                continue  # "Saudi mediators", "negotiator Mohammed Abdulsalam": actors, not events
            if trig is not None and trig.event_class in SPEECH_CLASSES and token.pos_ == "VERB":
                subject = next((c for c in token.children if c.dep_ in {"nsubj", "csubj"}), None)
                subj_trig = match_trigger(subject, self.lexicon) if subject is not None else None
                if (
                    subject is not None
                    and subj_trig is not None
                    and not subj_trig.is_agent_noun  # "negotiators demanded": actors speak
                    and (subject.i not in self.te)
                ):
                    continue  # "their attacks threaten trade": not a speech act
            if trig is not None and self._is_support_verb(token, trig, places):
                continue  # "launch a military operation": the operation is the event
            if trig is not None:
                self._new(token, trig)
            elif token.lemma_ in VISIT_VERBS and token.pos_ in {"AUX", "VERB"}:
                self._copular_visit(token)
        for draft in list(self.drafts):
            self._roles(draft)
        for draft in self.drafts:
            self._share_with_governor(draft)
        for draft in self.drafts:
            self._modality(draft)
        for draft in self.drafts:
            self._structure(draft)
        self._mediation()
        self._acting_as()
        for draft in self.drafts:
            self._inherit_parties(draft)
        for draft in self.drafts:
            self._finish(draft)
        return self.drafts

    def _acting_as(self) -> None:
        """ "open talks, with Mexico and Cuba acting as guarantors": third parties of the talks."""
        for g in list(self.drafts):
            if not g.trigger.is_agent_noun:
                continue
            event, keys = acting_as(g.token, self.by_token, self.te)
            if event is None or event is g:
                continue
            for key in keys:
                event.add("mediator" if g.trigger.is_mediator else "participant", key)
                g.add("participant", key)

    def _is_support_verb(self, token: Token, trig: Trigger, places: frozenset[int]) -> bool:
        if token.pos_ != "VERB" or not trig.needs_obj or token.lemma_.lower() not in LIGHT_VERBS:
            return False
        for child in token.children:
            if child.dep_ != "dobj":
                continue
            noun = match_trigger(child, self.lexicon, places)
            if noun is not None and {noun.event_class, trig.event_class} <= VIOLENCE_CLASSES:
                return True
        return False

    # -- triggers that need more than a word -----------------------------------------------
    def _copular_visit(self, token: Token) -> None:
        subject = next((c for c in token.children if c.dep_ in SUBJ), None)
        if subject is None:
            return
        locations = location_keys(token, self.te, self.entities, self._skip())
        if not locations:
            return
        subj_trig = match_trigger(subject, self.lexicon)
        if subj_trig is not None:
            return  # "negotiators are in Cairo": the location of that event (see _roles)
        actors = [
            k
            for k in entities_of(subject, self.te)
            if set(self.entities[k].types) & {"Person", "GovernmentBody"}
        ]
        if not actors:
            return
        home = {self.entities[a].country for a in actors}
        away = [
            loc for loc in locations if loc not in home and self.entities[loc].country not in home
        ]
        if not away:
            return
        visit = self.lexicon.nouns["visit"]
        draft = self._new(
            token,
            visit,
            text=f"{token.text} {token.head.text if token.head is not token else ''}".strip(),
        )
        draft.text = " ".join(
            t.text for t in token.sent[token.i - token.sent.start : token.i - token.sent.start + 2]
        )
        for actor in actors:
            draft.add("agent", actor)
        for loc in away:
            draft.add("location", loc)
        draft.confidence = 0.6

    # -- modality, speech acts, provisions ------------------------------------------------------
    def _modality(self, d: Draft) -> None:
        d.modality = modality_of(
            d.token, self.lexicon, is_irrealis_default=d.trigger.is_irrealis_default
        )
        if (
            d.event_class == "Proposal"
            and d.has("agent")
            and d.modality in {Modality.HYPOTHETICAL, Modality.FUTURE, Modality.PROPOSED}
            and not is_negated(d.token)
        ):
            d.modality = Modality.ASSERTED  # the tabling of a proposal by a named party
        if (
            d.event_class in SPEECH_CLASSES
            and d.token.pos_ == "VERB"
            and d.modality not in {Modality.NEGATED, Modality.FUTURE, Modality.HYPOTHETICAL}
        ):
            d.modality = Modality.ASSERTED  # a speech act happened; its content carries the rest


def extract_events(
    doc: Doc,
    *,
    token_entity: dict[int, str],
    entities: dict[str, Entity],
    lexicon: Lexicon,
    published: dt.date | None,
    capitals: dict[str, str] | None = None,
) -> list[Event]:
    """Every typed event mention of a parsed report.

    Args:
        doc: The parsed report.
        token_entity: Token index -> entity key, from resolution.
        entities: Resolved entities by key.
        lexicon: Extraction word lists.
        published: Publication date (relative dates resolve against it).
        capitals: Capital city key -> state key: a capital acting ("Moscow has threatened")
            stands for its state.

    Returns:
        Events in sentence order, numbered within each sentence.
    """
    context = EventContext(published=published, capitals=capitals or {})
    events: list[Event] = []
    for index, sent in enumerate(doc.sents):
        drafts = _SentenceEvents(
            sent,
            index,
            token_entity=token_entity,
            entities=entities,
            lexicon=lexicon,
            context=context,
        ).run()
        context.history.extend(drafts)
        events.extend(d.freeze() for d in drafts)
    return events
