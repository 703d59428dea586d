"""Event roles: agents, targets, participants, mediators, locations and dates of one event.

A mixin of :class:`kg.extract.events._SentenceEvents`. Verb triggers read their roles from
subjects, passive "by" phrases, objects and prepositions; noun triggers from possessives,
modifiers and "by/of/with" phrases; a noun without an agent of its own takes one from the verb
it is the object of ("launched an attack", "denied bombing El Fasher"). An acting capital stands
for its state; a place in an actor role becomes the event's location.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.collective import collective_parties
from kg.extract.drafts import Draft, EventContext
from kg.extract.lexicon import Lexicon
from kg.extract.mediators import SPAN_NOUNS, convener_is_mediator, people_places, span_of
from kg.extract.modality_cues import is_negated
from kg.extract.setting import date_of, location_keys, named_place
from kg.extract.syntax import (
    LIGHT_VERBS,
    OBJECT_CONTROL,
    PARTICIPANT_PREPS,
    SUBJ,
    SYMMETRIC,
    TARGET_PREPS,
    agent_key,
    clause_subject,
    conjuncts,
    entities_of,
    entity,
    is_misparsed_gerund,
    through_quantity,
)
from kg.models import ACTOR_TYPES, Entity

if TYPE_CHECKING:
    from spacy.tokens import Token


class RolesMixin:
    """Role assignment for the drafts of one sentence."""

    by_token: dict[int, Draft]
    lexicon: Lexicon
    entities: dict[str, Entity]
    te: dict[int, str]
    ctx: EventContext
    index: int

    def _collective(self, token: Token | None) -> list[str]:
        """ "the two sides", "both countries": the parties of the latest earlier talks or fight."""
        if token is None:
            return []
        earlier = [*self.ctx.history, *(d for d in self.by_token.values() if d.token.i < token.i)]
        return collective_parties(token, earlier, self.entities, sentence_index=self.index)

    def _skip(self) -> frozenset[int]:
        """Trigger tokens: locations are not read through other events."""
        return frozenset(self.by_token)

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
        if not d.has("location") and d.event_class in SYMMETRIC and token.pos_ == "NOUN":
            people = set(self.lexicon.group_nouns) | self.lexicon.title_heads
            for person in people_places(token, people):  # "a meeting of officials in Doha"
                for loc in location_keys(person, self.te, self.entities, self._skip()):
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
            agents.extend(entities_of(tok, self.te) or self._collective(tok))
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
            agents.extend(agent_key(subject, self.te) or self._collective(subject))
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
            for conj in conjuncts(obj)[1:]:  # "met A and B in Kabul": the place of them all
                if conj.i not in self.by_token:
                    for loc in location_keys(conj, self.te, self.entities, self._skip()):
                        d.add("location", loc)
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
        span = span_of(token)  # "two days of talks facilitated by X": on the measure noun
        participles = [*token.children, *(span.children if span is not None else ())]
        for child in participles:
            if child.dep_ == "acl" and child.tag_ == "VBN":
                agents.extend(self._participle_agents(d, child))
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

    def _participle_agents(self, d: Draft, participle: Token) -> list[str]:
        """ "talks mediated by X" (X mediates), "a meeting chaired by X", "an attack by X"."""
        verb_trig = self.lexicon.verbs.get(participle.lemma_.lower())
        keys = [
            key
            for agent in participle.children
            if agent.dep_ == "agent"
            for g in agent.children
            if g.dep_ == "pobj"
            for key in entities_of(g, self.te)
        ]
        if (verb_trig is not None and verb_trig.is_mediator) or convener_is_mediator(
            participle, d, keys
        ):
            for key in keys:
                d.add("mediator", key)
            return []
        return keys

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
            # "are due to open a round of talks": through the predicative adjective too
            subject = clause_subject(head, through={"xcomp", "conj", "advcl", "acomp"})
            role = "participant" if d.event_class in SYMMETRIC else "agent"
            keys = agent_key(subject, self.te) or self._collective(subject)
            if convener_is_mediator(head, d, keys):
                role = "mediator"  # "X will chair the talks", "X convened a meeting of A and B"
            for key in keys:
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
