"""Event structure: speech-act content, proposal provisions, exchanges, mediation, coreference.

A mixin of :class:`kg.extract.events._SentenceEvents`; it reads the drafts the role pass built.
It also joins event nouns to the events they attach to: "killed 16 soldiers in an attack" (one
act, sharing agent and date), "met in Jeddah for talks" (the talks' parties).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.dates import resolve_date
from kg.extract.drafts import Draft, EventContext
from kg.extract.lexicon import Lexicon
from kg.extract.modality_cues import is_negated
from kg.extract.syntax import CONTAINERS, SPEECH_CLASSES, SUBJ, SYMMETRIC, entities_of
from kg.extract.threats import is_hostile_verb, is_own_forces, own_side, threat_clause
from kg.models import Entity, Modality

if TYPE_CHECKING:
    from spacy.tokens import Token


VIOLENCE = {"Attack", "Offensive", "CivilianHarm", "Abduction", "Arrest"}
# kindred violent classes: one act may be named by a verb of one and a noun of another
# ("killed 16 soldiers in an attack", "launched an offensive")
VIOLENCE_CLASSES = {"Attack", "Offensive", "CivilianHarm"}


class StructureMixin:
    """Links between the events of one sentence (and to earlier ones)."""

    drafts: list[Draft]
    by_token: dict[int, Draft]
    lexicon: Lexicon
    entities: dict[str, Entity]
    te: dict[int, str]
    ctx: EventContext

    def _content_tokens(self, d: Draft) -> list[Token]:
        token = d.token
        found: list[Token] = []
        if token.pos_ == "VERB":
            for child in token.children:
                if child.dep_ in {"ccomp", "xcomp", "dobj"}:
                    found.extend(self._events_in(child))
                if child.dep_ == "prep" and child.lower_ in {"against", "of", "about", "on", "for"}:
                    found.extend(self._events_in(child))
        else:
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in {
                    "against",
                    "of",
                    "about",
                    "for",
                    "on",
                    "to",
                }:
                    found.extend(self._events_in(child))
                if child.dep_ == "acl":
                    found.extend(self._events_in(child))
        return found

    def _events_in(self, root: Token) -> list[Token]:
        """Event triggers under ``root``, not looking inside other events' complements."""
        out: list[Token] = []
        stack = [root]
        while stack:
            cur = stack.pop(0)
            if cur.i in self.by_token:
                out.append(cur)
                continue
            stack.extend(cur.children)
        return out

    def _structure(self, d: Draft) -> None:
        if d.trigger.speech == "WarnedAgainst" and not self._warns_against(d):
            d.event_class = "Statement"
            d.cameo, d.plover = "010", "STATEMENT"
        if d.event_class in SPEECH_CLASSES and d.trigger.speech:
            contents = [self.by_token[t.i] for t in self._content_tokens(d)]
            contents = [c for c in contents if c is not d]
            if contents:
                content = contents[0]
                d.about = content.number
                speakers = d.keys("agent")
                if (
                    (speakers and content.modality is not Modality.ASSERTED)
                    or (speakers and d.trigger.speech != "Asserted")
                    or (speakers and d.event_class != "Statement")
                    or speakers
                ):
                    content.according_to = speakers[0]
                if d.event_class == "Threat":
                    d.cameo = self.lexicon.threat_codes.get(content.event_class, d.cameo)
                    if not content.has("agent") and speakers:
                        # a leader threatens with his state's force; a group with its own
                        speaker = self.entities[speakers[0]]
                        country = speaker.country if "Person" in speaker.types else None
                        content.add("agent", country if country in self.entities else speakers[0])
        if d.event_class in {"Statement", "Demand"} and d.token.pos_ == "VERB":
            self._threat_frame(d)
        if d.trigger.is_container or d.event_class in CONTAINERS:
            self._provisions(d)
        if d.event_class == "Proposal" and d.part_of is None:
            self._part_of(d)

    def _threat_frame(self, d: Draft) -> None:
        """ "Fidan warned that Ankara would launch an operation", "vowed that Kabul would
        respond": the speaker announces hostile action by their own side, a threat."""
        clause = threat_clause(d.token)
        speakers = d.keys("agent")
        if clause is None or not speakers:
            return
        content = self.by_token.get(clause.i)
        if content is None or content.event_class not in self.lexicon.threat_codes:
            found = [self.by_token[t.i] for t in self._events_in(clause)]
            content = next((c for c in found if c.event_class in VIOLENCE), None)
        if content is None and not is_hostile_verb(clause):
            return
        if content is not None and content.event_class not in VIOLENCE:
            return
        subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        keys = entities_of(subject, self.te) if subject is not None else []
        side = own_side(speakers[0], self.entities, self.ctx.capitals)
        own = (
            subject is None
            or d.token.lemma_.lower() in {"vow", "pledge"}
            or is_own_forces(subject)
            or bool(set(keys) & side)
        )
        if not own:
            return
        d.event_class = "Threat"
        d.plover = "THREATEN"
        d.cameo = "138"
        if content is None:
            return
        d.cameo = self.lexicon.threat_codes.get(content.event_class, "138")
        d.about = content.number
        content.modality = Modality.THREATENED
        content.according_to = speakers[0]
        if not content.has("agent"):
            actor = next((k for k in keys if k in side), None)
            speaker = self.entities[speakers[0]]
            country = speaker.country if "Person" in speaker.types else None
            actor = actor or (country if country in self.entities else speakers[0])
            content.add("agent", self.ctx.capitals.get(actor, actor))

    def _warns_against(self, d: Draft) -> bool:
        for child in d.token.children:
            if child.dep_ == "prep" and child.lower_ in {"against", "of"}:
                return True
            if child.dep_ in {"xcomp", "ccomp"} and is_negated(child):
                return True
        return False

    def _provisions(self, d: Draft) -> None:
        token = d.token
        provisions: list[Draft] = []
        head = token.head
        if token.dep_ in SUBJ and head.lemma_.lower() in self.lexicon.provision_verbs:
            for child in head.children:
                if child.dep_ in {"dobj", "xcomp", "ccomp", "prep"}:
                    provisions.extend(self.by_token[t.i] for t in self._events_in(child))
        if token.pos_ == "VERB":
            for child in token.children:
                if child.dep_ in {"dobj", "xcomp", "ccomp"}:
                    provisions.extend(self.by_token[t.i] for t in self._events_in(child))
        for child in token.children:
            if child.dep_ == "compound" and child.i in self.by_token:
                provisions.append(self.by_token[child.i])
            if child.dep_ == "compound":
                for grand in child.children:
                    if grand.dep_ == "compound" and grand.i in self.by_token:
                        provisions.append(self.by_token[grand.i])
            if child.dep_ == "prep" and child.lower_ in {"for", "on", "of", "including"}:
                provisions.extend(self.by_token[t.i] for t in self._events_in(child))
        if token.dep_ == "conj" and head.i in self.by_token and token.head.dep_ in {"pobj", "dobj"}:
            pass
        for prev in token.children:
            if prev.dep_ == "conj" and prev.i in self.by_token:
                continue
        if (
            token.dep_ == "conj"
            and head.i in self.by_token
            and d.event_class == "Agreement"
            and (token.pos_ in {"NOUN", "PROPN"})
        ):
            provisions.append(self.by_token[head.i])
        seen: set[int] = set()
        for prov in provisions:
            if prov is d or prov.number in seen or prov.event_class in SPEECH_CLASSES:
                continue
            seen.add(prov.number)
            d.provisions.append(prov.number)
            if prov.modality in {Modality.ASSERTED, Modality.HYPOTHETICAL, Modality.FUTURE}:
                prov.modality = Modality.PROPOSED
            partners = self._exchange_partners(prov.token)
            if not partners and prov.token.head == d.token and d.token.pos_ == "VERB":
                # "proposed a truce in exchange for ...": the exchange hangs off the verb
                partners = self._exchange_partners(d.token)
            for other in partners:
                if other is d or other.number in seen:
                    continue
                seen.add(other.number)
                d.provisions.append(other.number)
                other.modality = prov.modality
                prov.in_exchange_for = other.number

    def _exchange_partners(self, token: Token) -> list[Draft]:
        """Events given "in exchange for" / "in return for" what ``token`` heads."""
        out: list[Draft] = []
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and pobj.lemma_.lower() in {"exchange", "return"}:
                        for prep in pobj.children:
                            if prep.dep_ == "prep" and prep.lower_ == "for":
                                out.extend(self.by_token[t.i] for t in self._events_in(prep))
        return out

    def _part_of(self, d: Draft) -> None:
        token = d.token
        if token.dep_ != "dobj":
            return
        verb = token.head
        for _ in range(3):
            subject = next((c for c in verb.children if c.dep_ in SUBJ), None)
            if subject is not None:
                if subject.i in self.by_token and self.by_token[subject.i] is not d:
                    d.part_of = self.by_token[subject.i].number
                return
            if verb.dep_ not in {"advcl", "xcomp", "conj"}:
                return
            verb = verb.head

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

    def _mediation(self) -> None:
        """ "talks mediated by X" / "an exchange brokered by X": X mediates that event."""
        for d in list(self.drafts):
            if not d.trigger.is_mediator or d.token.pos_ != "VERB":
                continue
            target = None
            if d.token.dep_ == "acl" and d.token.head.i in self.by_token:
                target = self.by_token[d.token.head.i]
            else:
                for child in d.token.children:
                    if child.dep_ in {"dobj", "nsubjpass"} and child.i in self.by_token:
                        target = self.by_token[child.i]
            if target is None or target is d:
                continue
            for role, key in d.roles:
                if role in {"mediator", "agent"}:
                    target.add("mediator", key)
            d.event_class = "Negotiation"
            d.part_of = target.number

    def _finish(self, d: Draft) -> None:
        if d.date_text:
            future = d.modality is Modality.FUTURE
            resolved = resolve_date(d.date_text, self.ctx.published, future=future)
            if resolved:
                d.start_date, d.time_precision = resolved
        token = d.token
        definite = any(
            c.dep_ in {"det", "predet"} and c.lower_ in {"the", "this", "that", "such", "these"}
            for c in token.children
        )
        if token.pos_ in {"NOUN", "PROPN"} and definite and not d.has("agent"):
            for prior in reversed(self.ctx.history):
                if prior.event_class == d.event_class or (
                    {prior.event_class, d.event_class} <= {"Attack", "Offensive"}
                ):
                    d.coreferent_with = (prior.sentence_index, prior.number)
                    for role, key in prior.roles:
                        if role == "agent" and not d.has(role) and d.event_class in CONTAINERS:
                            d.add(role, key)
                    break
        if d.has("location"):
            d.confidence += 0.05
        if d.start_date:
            d.confidence += 0.05
