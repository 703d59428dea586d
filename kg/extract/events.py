"""Typed events (layer 3): triggers, roles, modality, attribution, dates, structure.

Pure functions over a parsed report. Triggers come from the lexicon (verbs and nouns with
CAMEO/PLOVER codes, :mod:`kg.extract.triggers`); roles from dependency paths (this module and
:mod:`kg.extract.syntax`); modality from :mod:`kg.extract.modality`; speech-act content,
provisions, exchanges, mediation and coreference from :mod:`kg.extract.event_structure`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kg.extract.drafts import Draft, EventContext
from kg.extract.event_structure import StructureMixin
from kg.extract.lexicon import Lexicon, Trigger
from kg.extract.modality import is_negated, modality_of
from kg.extract.syntax import (
    LIGHT_VERBS,
    OBJECT_CONTROL,
    PARTICIPANT_PREPS,
    SPEECH_CLASSES,
    SUBJ,
    SYMMETRIC,
    TARGET_PREPS,
    VISIT_VERBS,
    agent_key,
    clause_subject,
    date_of,
    entities_of,
    entity,
    is_misparsed_gerund,
    location_keys,
    named_place,
    through_quantity,
)
from kg.extract.triggers import match_trigger
from kg.models import ACTOR_TYPES, Entity, Event, Modality

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


VIOLENCE_CLASSES = {"Attack", "Offensive", "CivilianHarm"}
SPAN_NOUNS = {"day", "week", "month", "hour", "round", "series", "year", "session"}


class _SentenceEvents(StructureMixin):
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

    def _skip(self) -> frozenset[int]:
        """Trigger tokens: locations are not read through other events."""
        return frozenset(self.by_token)

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
                owner = match_trigger(token.head, self.lexicon)
                if owner is not None and (
                    owner.event_class == trig.event_class or trig.is_mediator
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
        for draft in self.drafts:
            self._inherit_parties(draft)
        for draft in self.drafts:
            self._finish(draft)
        return self.drafts

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

    # -- roles -------------------------------------------------------------------------------
    def _roles(self, d: Draft) -> None:
        token = d.token
        if d.event_class == "DiplomaticVisit" and token.lemma_ in {"be", "stay"}:
            self._date(d)
            return
        if token.pos_ == "VERB" or is_misparsed_gerund(token):
            self._verb_roles(d)
        else:
            self._noun_roles(d)
        for loc in location_keys(token, self.te, self.entities, self._skip()):
            d.add("location", loc)
        if (
            not d.has("location")
            and token.dep_ in {"dobj", "pobj", "nsubj"}
            and token.pos_ != "VERB"
        ):
            # "attacks continued in Gaza", "clashes erupted in the Tajoura district"
            head = token.head if token.dep_ in {"dobj", "nsubj"} else token.head.head
            if head.pos_ == "VERB" and head.i not in self.by_token:
                for loc in location_keys(head, self.te, self.entities, self._skip()):
                    d.add("location", loc)
        # an acting capital stands for its state ("Moscow has threatened"); a capital that is
        # attacked or visited stays the city ("attack Mogadishu")
        for role in ("agent", "participant", "mediator"):
            for key in d.keys(role):
                state = self.ctx.capitals.get(key)
                if state is not None and state in self.entities:
                    d.roles[d.roles.index((role, key))] = (role, state)
        for role in ("agent", "target", "participant"):
            for key in d.keys(role):
                if set(self.entities[key].types) == {"Location"} and role != "participant":
                    d.roles.remove((role, key))
                    d.add("location", key)
        self._date(d)

    def _date(self, d: Draft) -> None:
        found = date_of(d.token, self.ctx.published)
        if (
            found is None
            and d.token.pos_ in {"NOUN", "PROPN"}
            and d.token.dep_ in {"dobj", "nsubj"}
        ):
            head = d.token.head
            if head.i not in self.by_token:
                found = date_of(head, self.ctx.published)
        if found:
            d.date_text = found

    def _verb_roles(self, d: Draft) -> None:
        token = d.token
        subjects = [c for c in token.children if c.dep_ in {"nsubj", "csubj"}]
        passive_subjects = [c for c in token.children if c.dep_ == "nsubjpass"]
        by_agent = [
            g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"
        ]
        agent_tokens = subjects or by_agent
        agents: list[str] = []
        for tok in agent_tokens:
            agents.extend(entities_of(tok, self.te))
        if (
            not agent_tokens
            and not passive_subjects
            and token.dep_ in {"xcomp", "advcl", "conj", "pcomp", "acl", "ccomp"}
        ):
            subject = clause_subject(token.head)
            if token.dep_ == "xcomp":
                # "urged Hamas to accept": the object acts; "visited Haiti to meet": the subject
                controller = next(
                    (c for c in token.head.children if c.dep_ in {"dobj", "dative"}), None
                )
                if token.head.lemma_.lower() not in OBJECT_CONTROL:
                    controller = None
                subject = controller or next(
                    (c for c in token.head.children if c.dep_ in SUBJ), subject
                )
            if token.dep_ == "acl" and token.tag_ == "VBN":
                subject = None
            agents.extend(agent_key(subject, self.te))
        if not agent_tokens and is_misparsed_gerund(token):
            agents.extend(agent_key(clause_subject(token.head), self.te))
        role = "mediator" if d.trigger.is_mediator else "agent"
        for key in agents:
            d.add(role, key)
        objects = [c for c in token.children if c.dep_ in {"dobj", "dative"}] + passive_subjects
        if is_misparsed_gerund(token):
            objects.append(token.head)
        if token.dep_ == "acl" and token.tag_ == "VBN":
            objects.append(token.head)
        for quantity in objects:
            obj = through_quantity(quantity)
            if obj is not quantity:  # "displaced thousands of people in the Catatumbo region"
                for loc in location_keys(quantity, self.te, self.entities, self._skip()):
                    d.add("location", loc)
            for key in entities_of(obj, self.te):
                d.add("participant" if d.event_class in SYMMETRIC else "target", key)
            if obj is not token.head and obj.i not in self.by_token:
                self._including(d, obj)
                place = named_place(obj, self.te, self.entities)  # "attacked the town of X"
                if place is not None and d.event_class not in SYMMETRIC:
                    d.add("location", place)
                for loc in location_keys(obj, self.te, self.entities, self._skip()):
                    d.add("location", loc)
        for subj in subjects:
            source = self.by_token.get(subj.i)
            if source is not None and source.trigger.is_agent_noun:
                for key in source.keys("participant"):
                    d.add("participant", key)
        if d.event_class == "Demand" and not d.has("target"):
            for comp in token.children:
                if comp.dep_ in {"ccomp", "xcomp"}:
                    for sub in comp.children:
                        if sub.dep_ in SUBJ:
                            for key in entities_of(sub, self.te):
                                d.add("target", key)
        for prep in token.children:
            if prep.dep_ != "prep":
                continue
            pobjs = [g for g in prep.children if g.dep_ == "pobj"]
            for pobj in pobjs:
                keys = entities_of(pobj, self.te)
                if prep.lower_ in PARTICIPANT_PREPS:
                    for key in keys:
                        d.add("participant", key)
                    self._including(d, pobj)
                elif prep.lower_ in TARGET_PREPS and d.event_class not in SYMMETRIC:
                    for key in keys:
                        if (
                            "Location" not in self.entities[key].types
                            or set(self.entities[key].types) & ACTOR_TYPES
                        ):
                            d.add("target", key)
        if d.event_class in SYMMETRIC:
            for key in d.keys("participant"):
                if key in d.keys("agent"):
                    d.roles.remove(("participant", key))
        d.confidence += 0.1 if d.has("agent") or d.has("mediator") else -0.1

    def _including(self, d: Draft, pobj: Token) -> None:
        for child in pobj.children:
            if child.dep_ == "prep" and child.lower_ in {"including", "like", "notably"}:
                for g in child.children:
                    if g.dep_ == "pobj":
                        for key in entities_of(g, self.te):
                            d.add("participant", key)
            if child.dep_ == "appos":
                for key in entities_of(child, self.te):
                    d.add("participant", key)

    def _noun_roles(self, d: Draft) -> None:
        token = d.token
        trig = d.trigger
        agents: list[str] = []
        for child in token.children:
            if child.dep_ == "poss" or (
                child.dep_ in {"amod", "compound", "nmod"} and entity(child, self.te)
            ):
                keys = entities_of(child, self.te)
                for key in keys:
                    if "Location" in self.entities[key].types and not (
                        set(self.entities[key].types) & ACTOR_TYPES
                    ):
                        d.add("location", key)
                    else:
                        agents.append(key)
            if child.dep_ == "prep":
                pobjs = [g for g in child.children if g.dep_ == "pobj"]
                for pobj in pobjs:
                    keys = entities_of(pobj, self.te)
                    low = child.lower_
                    if low == "by":
                        agents.extend(keys)
                    elif (
                        (trig.is_agent_noun and low in {"from", "of", "representing"})
                        or low in PARTICIPANT_PREPS
                        or (d.event_class in SYMMETRIC and low == "of")
                    ):
                        for key in keys:
                            d.add("participant", key)
                    elif low in TARGET_PREPS | {"of", "to"}:
                        for key in keys:
                            if set(self.entities[key].types) & ACTOR_TYPES:
                                d.add(
                                    "participant" if d.event_class in SYMMETRIC else "target", key
                                )
                            elif low in TARGET_PREPS:
                                d.add("location", key)
            if child.dep_ == "acl" and child.tag_ == "VBN":
                verb_trig = self.lexicon.verbs.get(child.lemma_.lower())
                for agent in child.children:
                    if agent.dep_ == "agent":
                        for g in agent.children:
                            if g.dep_ != "pobj":
                                continue
                            if verb_trig is not None and verb_trig.is_mediator:
                                for key in entities_of(g, self.te):
                                    d.add("mediator", key)
                            else:
                                agents.extend(entities_of(g, self.te))
        if trig.is_agent_noun:
            for conj in token.children:
                if conj.dep_ == "conj":
                    for key in entities_of(conj, self.te):
                        d.add("participant", key)
            head = token.head
            if token.dep_ in SUBJ and head.lemma_ in {"be", "meet", "gather", "arrive"}:
                for loc in location_keys(head, self.te, self.entities, self._skip()):
                    d.add("location", loc)
                found = date_of(head, self.ctx.published)
                if found:
                    d.date_text = found
        role = "mediator" if trig.is_mediator and not trig.is_agent_noun else "agent"
        if d.event_class in SYMMETRIC and role == "agent":
            role = "participant" if trig.is_agent_noun else "agent"
        for key in agents:
            d.add(role, key)
        if not agents and not trig.is_agent_noun:
            self._inherit_agent(d)
        d.confidence += 0.1 if (agents or d.has("participant")) else -0.05

    def _share_with_governor(self, d: Draft) -> None:
        """ "killed 16 soldiers in an attack", "agreed on Wednesday ... in a deal brokered by X":
        an event noun in an "in" phrase of a kindred event verb is the same act, so it shares
        the verb's agent and date."""
        token = d.token
        if token.pos_ != "NOUN" or token.dep_ != "pobj" or token.head.lower_ != "in":
            return
        owner = self.by_token.get(token.head.head.i)
        if owner is None or owner is d or owner.token.pos_ != "VERB":
            return
        kin = {owner.event_class, d.event_class}
        if not (len(kin) == 1 or kin <= VIOLENCE_CLASSES):
            return
        if not d.has("agent"):
            for key in owner.keys("agent"):
                d.add("agent", key)
        if not d.date_text and owner.date_text:
            d.date_text = owner.date_text

    def _inherit_parties(self, d: Draft) -> None:
        """ "met in Jeddah for talks", "agreed to a ceasefire after talks in Kunming": talks
        without named parties are held by the parties of the event they attach to."""
        token = d.token
        if d.event_class not in SYMMETRIC or d.has("participant") or d.has("agent"):
            return
        if token.dep_ != "pobj" or token.head.dep_ != "prep":
            return
        owner = self.by_token.get(token.head.head.i)
        if owner is None or owner is d:
            return
        for role in ("agent", "participant"):
            for key in owner.keys(role):
                d.add("participant", key)

    def _inherit_agent(self, d: Draft) -> None:
        token = d.token
        head = token.head
        if (
            token.dep_ == "pobj"
            and head.lower_ == "of"
            and head.head.dep_ == "dobj"
            and head.head.lemma_.lower() in SPAN_NOUNS
        ):
            token = head.head  # "ended two days of talks": the talks are what was ended
            head = token.head
        if (
            token.dep_ == "dobj"
            and token.lower_.endswith("ing")
            and head.pos_ == "VERB"
            and not any(c.dep_ in {"det", "poss", "amod"} for c in token.children)
        ):
            # a gerund object shares its verb's subject: "the RSF denied bombing El Fasher"
            for key in agent_key(clause_subject(head), self.te):
                d.add("agent", key)
            return
        if token.dep_ == "dobj" and head.lemma_.lower() in LIGHT_VERBS:
            if is_negated(head):
                return  # "did not attend the meeting": no part in it
            subject = clause_subject(head, through={"xcomp", "conj", "advcl"})
            role = "participant" if d.event_class in SYMMETRIC else "agent"
            for key in agent_key(subject, self.te):
                d.add(role, key)
            if subject is not None and subject.i in self.by_token:
                for key in self.by_token[subject.i].keys("participant"):
                    d.add("participant", key)
            return
        if token.dep_ == "dobj" and head.pos_ == "VERB":
            subject = next((c for c in head.children if c.dep_ in SUBJ), None)
            if subject is not None and subject.i in self.by_token:
                source = self.by_token[subject.i]
                if source.event_class == d.event_class or d.event_class == "DiplomaticVisit":
                    for key in source.keys("agent"):
                        d.add("agent", key)

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
