"""Typed events (layer 3): triggers, roles, modality, attribution, dates, structure.

Pure functions over a parsed report. Triggers come from the lexicon (verbs and nouns with
CAMEO/PLOVER codes); roles from dependency paths; modality from :mod:`kg.extract.modality`;
speech acts link to their content with ``about``; proposals and deals to their provisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kg.extract.dates import NOW_WORDS, resolve_date
from kg.extract.lexicon import Lexicon, Trigger, lemma_candidates
from kg.extract.modality import is_negated, modality_of
from kg.models import Entity, Event, Modality

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SUBJ = {"nsubj", "nsubjpass", "csubj"}
LIGHT_VERBS = {
    "make",
    "issue",
    "reiterate",
    "repeat",
    "launch",
    "carry",
    "conduct",
    "hold",
    "announce",
    "express",
    "continue",
    "stage",
    "mount",
    "begin",
    "resume",
    "deliver",
    "renew",
    "step",
    "escalate",
    "order",
    "lead",
    "voice",
    "sound",
    "give",
    "attend",
    "join",
    "host",
    "chair",
    "convene",
    "open",
    "start",
    "intensify",
    "expand",
    "sign",
    "reach",
    "conclude",
    "seal",
    "agree",
    "impose",
    "broker",
}
SPEECH_NEEDS_ACTOR = True
_NO_TRIGGER = Trigger(
    lemma="",
    event_class="",
    cameo=None,
    plover=None,
    needs_mod=frozenset(),
    needs_obj=frozenset(),
    needs_prep=frozenset(),
    speech=None,
    is_mediator=False,
    is_agent_noun=False,
    is_container=False,
    is_irrealis_default=False,
    plural_only=False,
    needs_comp=False,
    is_neg_raising=False,
)
LOCATION_PREPS = {
    "in",
    "at",
    "near",
    "inside",
    "across",
    "around",
    "outside",
    "into",
    "to",
    "toward",
    "towards",
    "throughout",
    "within",
}
TARGET_PREPS = {"on", "against", "upon"}
PARTICIPANT_PREPS = {"with", "between", "among"}
SYMMETRIC = {"Meeting", "Negotiation"}
SPEECH_CLASSES = {"Statement", "Threat", "Demand", "Accusation"}
CONTAINERS = {"Proposal", "Agreement"}
ACTOR_TYPES = {
    "Person",
    "State",
    "GovernmentBody",
    "ArmedGroup",
    "InternationalOrganization",
    "Organization",
    "PopulationGroup",
}
VISIT_VERBS = {"arrive", "land", "travel", "be", "stay", "visit"}


@dataclass
class _Draft:
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
    history: list[_Draft] = field(default_factory=list)


def _conjuncts(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(_conjuncts(child))
    return out


def _entity(token: Token, token_entity: dict[int, str]) -> str | None:
    return token_entity.get(token.i)


def _entities_of(token: Token, token_entity: dict[int, str]) -> list[str]:
    keys: list[str] = []
    for conj in _conjuncts(token):
        key = _entity(conj, token_entity)
        if key is None and conj.pos_ == "PROPN":
            # "US Special Envoy for Sudan Tom Perriello": the name is an apposition of the title
            key = next(
                (
                    _entity(c, token_entity)
                    for c in conj.children
                    if c.dep_ == "appos" and _entity(c, token_entity)
                ),
                None,
            )
        if key and key not in keys:
            keys.append(key)
    return keys


def _mod_lemmas(token: Token) -> set[str]:
    lemmas: set[str] = set()
    for child in token.children:
        if child.dep_ in {"amod", "compound", "nmod", "npadvmod", "poss"}:
            lemmas.add(child.lemma_.lower())
            lemmas.add(child.lower_)
        if child.dep_ == "prep":
            lemmas.add(child.lower_)
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    lemmas.add(pobj.lemma_.lower())
                    for grand in pobj.children:
                        if grand.dep_ in {"amod", "compound"}:
                            lemmas.add(grand.lemma_.lower())
    if token.dep_ == "compound":
        lemmas.add(token.head.lemma_.lower())
    if token.dep_ in {"dobj", "nsubjpass"}:
        lemmas.add(token.head.lemma_.lower())
    return lemmas


def _objects(token: Token) -> list[Token]:
    out: list[Token] = []
    for child in token.children:
        if child.dep_ in {"dobj", "nsubjpass", "attr"}:
            out.extend(_conjuncts(child))
        if child.dep_ == "prep":
            out.extend(g for g in child.children if g.dep_ == "pobj")
    return out


def _match_trigger(
    token: Token, lexicon: Lexicon, places: frozenset[int] = frozenset()
) -> Trigger | None:
    """The lexicon entry a token triggers, checking the entry's constraints.

    Args:
        token: A verb or noun.
        lexicon: Extraction word lists.
        places: Indices of tokens that name places ("take Goma" is a capture).
    """
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB":
        candidates = lemma_candidates(token.lemma_, token.text)
        lemma = next((c for c in candidates if c in lexicon.verbs), lemma)
        trig = lexicon.verbs.get(lemma)
        if trig is None or token.dep_ == "amod":
            return None
        if lemma == "call" and any(c.dep_ == "prt" and c.lower_ == "off" for c in token.children):
            return None
        objects = _objects(token)
        if trig.needs_obj and not any(
            o.lemma_.lower() in trig.needs_obj
            or (
                trig.event_class == "Offensive" and (o.i in places or o.ent_type_ in {"GPE", "LOC"})
            )
            for o in objects
        ):
            return None
        if trig.needs_obj and any(
            (lexicon.nouns.get(o.lemma_.lower()) or _NO_TRIGGER).event_class == trig.event_class
            for o in objects
            if o.dep_ == "dobj"
        ):
            return None  # "attend the meeting", "sign a pact": the noun is the event
        if trig.needs_prep and not any(
            c.dep_ in {"prep", "dative"} and c.lower_ in trig.needs_prep for c in token.children
        ):
            return None
        if trig.needs_comp and not any(c.dep_ in {"ccomp", "xcomp"} for c in token.children):
            return None
        return trig
    if token.pos_ in {"NOUN", "PROPN"}:
        trig = lexicon.nouns.get(lemma) or lexicon.nouns.get(token.lower_)
        if trig is None:
            return None
        if trig.plural_only and token.tag_ not in {"NNS", "NNPS"}:
            return None
        plural = token.tag_ in {"NNS", "NNPS"}
        if (
            trig.needs_mod
            and not (_mod_lemmas(token) & trig.needs_mod)
            and not (trig.plural_free and plural)
        ):
            return None
        head_trig = lexicon.nouns.get(token.head.lemma_.lower())
        if (
            token.dep_ == "compound"
            and head_trig is not None
            and (head_trig.event_class == trig.event_class or lemma in head_trig.needs_mod)
        ):
            return None
        if token.dep_ == "pobj" and token.head.dep_ == "prep":
            owner = lexicon.nouns.get(token.head.head.lemma_.lower())
            if owner is not None and lemma in owner.needs_mod:
                return None
        return trig
    return None


def _clause_subject(token: Token, *, through: set[str] | None = None) -> Token | None:
    """The subject of the clause a token belongs to, climbing xcomp/advcl/acl/conj chains.

    Args:
        token: Where to start.
        through: Only climb through these dependency relations (default: any).
    """
    cur = token
    for _ in range(8):
        for child in cur.children:
            if child.dep_ in {"nsubj", "csubj"} or (child.dep_ == "nsubjpass" and cur is not token):
                return child
        if cur.head is cur or (through is not None and cur.dep_ not in through):
            return None
        if cur.dep_ in {"relcl"}:
            return cur.head
        cur = cur.head
    return None


def _agent_key(subject: Token | None, token_entity: dict[int, str]) -> list[str]:
    if subject is None:
        return []
    return _entities_of(subject, token_entity)


def _location_keys(
    token: Token,
    token_entity: dict[int, str],
    entities: dict[str, Entity],
    skip: frozenset[int] = frozenset(),
) -> list[str]:
    """Places attached to a token by a locative preposition (not through other events)."""
    keys: list[str] = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in TARGET_PREPS:
            # "airstrikes on villages in Sagaing": the place of the target
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.i not in token_entity and pobj.i not in skip:
                    keys.extend(
                        k
                        for k in _location_keys(pobj, token_entity, entities, skip)
                        if k not in keys
                    )
            continue
        if child.dep_ != "prep" or child.lower_ not in LOCATION_PREPS:
            continue
        for pobj in child.children:
            if pobj.dep_ != "pobj":
                continue
            for conj in _conjuncts(pobj):
                key = _entity(conj, token_entity)
                if key and "Location" in entities[key].types and key not in keys:
                    keys.append(key)
            if not keys and pobj.i not in skip:
                keys.extend(_location_keys(pobj, token_entity, entities, skip))
    return keys


def _date_of(token: Token, published: dt.date | None) -> str | None:
    """The date expression attached to a trigger (resolved later, once modality is known)."""
    doc = token.doc
    candidates: list[Token] = []
    for child in token.children:
        if child.dep_ in {"npadvmod", "tmod", "advmod"}:
            candidates.append(child)
        if child.dep_ == "prep" and child.lower_ in {"on", "in", "during", "since", "last", "at"}:
            candidates.extend(g for g in child.children if g.dep_ == "pobj")
    for cand in candidates:
        if cand.lower_ in NOW_WORDS or cand.lower_ in {"today", "yesterday"}:
            return cand.lower_
        if cand.ent_type_ == "DATE":
            span = [
                t for t in doc[cand.left_edge.i : cand.right_edge.i + 1] if t.ent_type_ == "DATE"
            ]
            if span:
                return doc[span[0].i : span[-1].i + 1].text
    return None


class _SentenceEvents:
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
        self.drafts: list[_Draft] = []
        self.by_token: dict[int, _Draft] = {}

    def _skip(self) -> frozenset[int]:
        """Trigger tokens: locations are not read through other events."""
        return frozenset(self.by_token)

    def _new(
        self, token: Token, trig: Trigger, event_class: str | None = None, text: str | None = None
    ) -> _Draft:
        draft = _Draft(
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

    def run(self) -> list[_Draft]:
        places = frozenset(
            i for i, key in self.te.items() if "Location" in self.entities[key].types
        )
        for token in self.sent:
            if token.i in self.te and token.pos_ == "PROPN":
                continue
            trig = _match_trigger(token, self.lexicon, places)
            if (
                trig is not None
                and token.pos_ == "VERB"
                and token.dep_ == "acl"
                and (token.tag_ == "VBN")
            ):
                owner = _match_trigger(token.head, self.lexicon)
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
                if (
                    subject is not None
                    and _match_trigger(subject, self.lexicon) is not None
                    and (subject.i not in self.te)
                ):
                    continue  # "their attacks threaten trade": not a speech act
            if trig is not None:
                self._new(token, trig)
            elif token.lemma_ in VISIT_VERBS and token.pos_ in {"AUX", "VERB"}:
                self._copular_visit(token)
        for draft in list(self.drafts):
            self._roles(draft)
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

    # -- triggers that need more than a word -----------------------------------------------
    def _copular_visit(self, token: Token) -> None:
        subject = next((c for c in token.children if c.dep_ in SUBJ), None)
        if subject is None:
            return
        locations = _location_keys(token, self.te, self.entities, self._skip())
        if not locations:
            return
        subj_trig = _match_trigger(subject, self.lexicon)
        if subj_trig is not None:
            return  # "negotiators are in Cairo": the location of that event (see _roles)
        actors = [
            k
            for k in _entities_of(subject, self.te)
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
    def _roles(self, d: _Draft) -> None:
        token = d.token
        if d.event_class == "DiplomaticVisit" and token.lemma_ in {"be", "stay"}:
            self._date(d)
            return
        if token.pos_ == "VERB":
            self._verb_roles(d)
        else:
            self._noun_roles(d)
        for loc in _location_keys(token, self.te, self.entities, self._skip()):
            d.add("location", loc)
        if not d.has("location") and token.dep_ in {"dobj", "pobj"} and token.pos_ != "VERB":
            head = token.head if token.dep_ == "dobj" else token.head.head
            if head.pos_ == "VERB" and head.i not in self.by_token:
                for loc in _location_keys(head, self.te, self.entities, self._skip()):
                    d.add("location", loc)
        for role in ("agent", "target", "participant", "mediator"):
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

    def _date(self, d: _Draft) -> None:
        found = _date_of(d.token, self.ctx.published)
        if (
            found is None
            and d.token.pos_ in {"NOUN", "PROPN"}
            and d.token.dep_ in {"dobj", "nsubj"}
        ):
            head = d.token.head
            if head.i not in self.by_token:
                found = _date_of(head, self.ctx.published)
        if found:
            d.date_text = found

    def _verb_roles(self, d: _Draft) -> None:
        token = d.token
        subjects = [c for c in token.children if c.dep_ in {"nsubj", "csubj"}]
        passive_subjects = [c for c in token.children if c.dep_ == "nsubjpass"]
        by_agent = [
            g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"
        ]
        agent_tokens = subjects or by_agent
        agents: list[str] = []
        for tok in agent_tokens:
            agents.extend(_entities_of(tok, self.te))
        if (
            not agent_tokens
            and not passive_subjects
            and token.dep_ in {"xcomp", "advcl", "conj", "pcomp", "acl", "ccomp"}
        ):
            subject = _clause_subject(token.head)
            if token.dep_ == "xcomp":
                controller = next(
                    (c for c in token.head.children if c.dep_ in {"dobj", "dative"}), None
                )
                subject = controller or next(
                    (c for c in token.head.children if c.dep_ in SUBJ), subject
                )
            if token.dep_ == "acl" and token.tag_ == "VBN":
                subject = None
            agents.extend(_agent_key(subject, self.te))
        role = "mediator" if d.trigger.is_mediator else "agent"
        for key in agents:
            d.add(role, key)
        objects = [c for c in token.children if c.dep_ in {"dobj", "dative"}] + passive_subjects
        if token.dep_ == "acl" and token.tag_ == "VBN":
            objects.append(token.head)
        for obj in objects:
            for key in _entities_of(obj, self.te):
                d.add("participant" if d.event_class in SYMMETRIC else "target", key)
            if obj is not token.head and obj.i not in self.by_token:
                self._including(d, obj)
                for loc in _location_keys(obj, self.te, self.entities, self._skip()):
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
                            for key in _entities_of(sub, self.te):
                                d.add("target", key)
        for prep in token.children:
            if prep.dep_ != "prep":
                continue
            pobjs = [g for g in prep.children if g.dep_ == "pobj"]
            for pobj in pobjs:
                keys = _entities_of(pobj, self.te)
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

    def _including(self, d: _Draft, pobj: Token) -> None:
        for child in pobj.children:
            if child.dep_ == "prep" and child.lower_ in {"including", "like", "notably"}:
                for g in child.children:
                    if g.dep_ == "pobj":
                        for key in _entities_of(g, self.te):
                            d.add("participant", key)
            if child.dep_ == "appos":
                for key in _entities_of(child, self.te):
                    d.add("participant", key)

    def _noun_roles(self, d: _Draft) -> None:
        token = d.token
        trig = d.trigger
        agents: list[str] = []
        for child in token.children:
            if child.dep_ == "poss" or (
                child.dep_ in {"amod", "compound", "nmod"} and _entity(child, self.te)
            ):
                keys = _entities_of(child, self.te)
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
                    keys = _entities_of(pobj, self.te)
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
                                for key in _entities_of(g, self.te):
                                    d.add("mediator", key)
                            else:
                                agents.extend(_entities_of(g, self.te))
        if trig.is_agent_noun:
            for conj in token.children:
                if conj.dep_ == "conj":
                    for key in _entities_of(conj, self.te):
                        d.add("participant", key)
            head = token.head
            if token.dep_ in SUBJ and head.lemma_ in {"be", "meet", "gather", "arrive"}:
                for loc in _location_keys(head, self.te, self.entities, self._skip()):
                    d.add("location", loc)
                found = _date_of(head, self.ctx.published)
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

    def _inherit_parties(self, d: _Draft) -> None:
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

    def _inherit_agent(self, d: _Draft) -> None:
        token = d.token
        head = token.head
        if token.dep_ == "dobj" and head.lemma_.lower() in LIGHT_VERBS:
            if is_negated(head):
                return  # "did not attend the meeting": no part in it
            subject = _clause_subject(head, through={"xcomp", "conj", "advcl"})
            role = "participant" if d.event_class in SYMMETRIC else "agent"
            for key in _agent_key(subject, self.te):
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
    def _modality(self, d: _Draft) -> None:
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

    def _content_tokens(self, d: _Draft) -> list[Token]:
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

    def _structure(self, d: _Draft) -> None:
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
                        country = self.entities[speakers[0]].country
                        content.add("agent", country if country in self.entities else speakers[0])
        if d.trigger.is_container or d.event_class in CONTAINERS:
            self._provisions(d)
        if d.event_class == "Proposal" and d.part_of is None:
            self._part_of(d)

    def _warns_against(self, d: _Draft) -> bool:
        for child in d.token.children:
            if child.dep_ == "prep" and child.lower_ in {"against", "of"}:
                return True
            if child.dep_ in {"xcomp", "ccomp"} and is_negated(child):
                return True
        return False

    def _provisions(self, d: _Draft) -> None:
        token = d.token
        provisions: list[_Draft] = []
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

    def _exchange_partners(self, token: Token) -> list[_Draft]:
        """Events given "in exchange for" / "in return for" what ``token`` heads."""
        out: list[_Draft] = []
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and pobj.lemma_.lower() in {"exchange", "return"}:
                        for prep in pobj.children:
                            if prep.dep_ == "prep" and prep.lower_ == "for":
                                out.extend(self.by_token[t.i] for t in self._events_in(prep))
        return out

    def _part_of(self, d: _Draft) -> None:
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

    def _finish(self, d: _Draft) -> None:
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
    return [replace(e) for e in events]


def negated(token: Token) -> bool:
    """Re-export for relation extraction."""
    return is_negated(token)
