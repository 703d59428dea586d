"""Entity resolution and in-report coreference: mention candidates -> canonical entities.

Pure: no I/O, no spaCy. Names resolve through the gazetteer (which also repairs NER errors),
name variants ("Blinken" after "Antony Blinken") to the earlier person, demonym groups
("Israeli officials") to a government body of their state, pronouns and definite descriptions
("the enclave") to the closest compatible antecedent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from kg.extract.name_types import is_international_name
from kg.gazetteer import Gazetteer, GazetteerEntry
from kg.ids import slugify
from kg.models import Entity, Mention, MentionCandidate

logger = logging.getLogger(__name__)

NER_TYPES = {
    "PERSON": ("Person",),
    "ORG": ("Organization",),
    "ARMED": ("ArmedGroup",),
    "GPE": ("Location",),
    "LOC": ("Location",),
    "FAC": ("Location",),
}
WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"
PRONOUN_WINDOW = 2
DEFINITE_WINDOW = 5
GROUP_TYPES = {
    "State",
    "GovernmentBody",
    "ArmedGroup",
    "InternationalOrganization",
    "Organization",
    "PopulationGroup",
}


@dataclass
class _Draft:
    key: str
    label: str
    types: tuple[str, ...]
    aliases: set[str] = field(default_factory=set)
    same_as: tuple[str, ...] = ()
    role_titles: set[str] = field(default_factory=set)
    country: str | None = None
    member_of: str | None = None
    cameo: str | None = None

    def freeze(self) -> Entity:
        aliases = tuple(sorted(a for a in self.aliases if a and a != self.label))
        return Entity(
            key=self.key,
            label=self.label,
            types=self.types,
            aliases=aliases,
            same_as=self.same_as,
            role_titles=tuple(sorted(self.role_titles)),
            country=self.country,
            member_of=self.member_of,
            cameo_code=self.cameo,
        )


@dataclass(frozen=True, slots=True)
class Resolution:
    """Result of resolving a report's mentions.

    Attributes:
        entities: Canonical entities by key.
        mentions: Resolved mentions in text order.
        token_entity: Document token index -> entity key, for every token of a resolved mention.
    """

    entities: dict[str, Entity]
    mentions: tuple[Mention, ...]
    token_entity: dict[int, str]


def entity_from_entry(entry: GazetteerEntry) -> Entity:
    """The canonical entity of a gazetteer entry."""
    same_as: list[str] = []
    if entry.wikidata:
        same_as.append(WIKIDATA + entry.wikidata)
    if entry.geonames:
        same_as.append(f"{GEONAMES}{entry.geonames}/")
    return Entity(
        key=entry.key,
        label=entry.label,
        types=tuple(entry.types),
        aliases=tuple(sorted(set(entry.aliases))),
        same_as=tuple(same_as),
        country=entry.country,
        member_of=entry.member_of,
        cameo_code=entry.cameo,
    )


def _draft_from_entry(entry: GazetteerEntry) -> _Draft:
    entity = entity_from_entry(entry)
    return _Draft(
        key=entity.key,
        label=entity.label,
        types=entity.types,
        aliases=set(),
        same_as=entity.same_as,
        country=entity.country,
        member_of=entity.member_of,
        cameo=entity.cameo_code,
    )


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun not in {"military", "army", "navy"} and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun in {
        "military",
        "army",
        "navy",
        "police",
        "government",
        "leadership",
        "junta",
        "administration",
        "cabinet",
        "ministry",
        "people",
        "delegation",
    }:
        return noun
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def same_sentence(a: MentionCandidate, b: MentionCandidate) -> bool:
    """Whether two mention candidates are in one sentence."""
    return a.sentence_index == b.sentence_index


class _Resolver:
    def __init__(
        self,
        gazetteer: Gazetteer,
        military_nouns: Iterable[str],
        definite_groups: dict[str, tuple[str, ...]],
    ) -> None:
        self.gazetteer = gazetteer
        self.definite_groups = definite_groups
        self.military = set(military_nouns)
        self.drafts: dict[str, _Draft] = {}
        self.history: list[tuple[MentionCandidate, str]] = []

    def _ensure(self, key: str) -> _Draft:
        draft = self.drafts.get(key)
        if draft is None:
            entry = self.gazetteer.get(key)
            if entry is None:
                raise KeyError(key)
            draft = _draft_from_entry(entry)
            self.drafts[key] = draft
        return draft

    def _add(self, draft: _Draft) -> _Draft:
        existing = self.drafts.get(draft.key)
        if existing is None:
            self.drafts[draft.key] = draft
            return draft
        return existing

    def _demonym(self, state_key: str) -> str:
        entry = self.gazetteer.get(state_key)
        if entry is None:
            return state_key
        for demonym in entry.demonyms:
            if not demonym.endswith("s") or demonym.endswith("ese") or demonym.endswith("ss"):
                return demonym
        return entry.label

    def resolve(self, cand: MentionCandidate) -> str | None:
        handler = {
            "name": self._name,
            "group": self._group,
            "population": self._population,
            "pronoun": self._pronoun,
            "definite": self._definite,
        }.get(cand.kind)
        if handler is None:
            return None
        key = handler(cand)
        if key is not None:
            self.history.append((cand, key))
        return key

    def _name(self, cand: MentionCandidate) -> str | None:
        if cand.gazetteer_key and self.gazetteer.get(cand.gazetteer_key) is not None:
            draft = self._ensure(cand.gazetteer_key)
        else:
            types = NER_TYPES.get(cand.label)
            if types is None:
                return None
            # a name's hint is the long name an acronym abbreviates ("ELN")
            name = cand.hint or cand.text
            if types == ("Organization",) and is_international_name(name):
                types = ("InternationalOrganization",)
            variant = self._person_variant(name) if types == ("Person",) else None
            draft = variant or self._add(_Draft(key=slugify(name), label=name, types=types))
        draft.aliases.add(cand.text)
        if cand.role_title:
            draft.role_titles.update(t for t in cand.role_title.split("|") if t)
        if cand.country_key and draft.country is None and "Person" in draft.types:
            draft.country = cand.country_key
        if cand.member_of_key and draft.member_of is None and "Person" in draft.types:
            draft.member_of = cand.member_of_key
        return draft.key

    def _person_variant(self, text: str) -> _Draft | None:
        # case-blind: "Al-Kabir" opening a sentence is "Sadiq al-Kabir"
        words = set(text.replace("'s", "").lower().split())
        for draft in reversed(list(self.drafts.values())):
            if "Person" not in draft.types:
                continue
            label_words = set(draft.label.lower().split())
            if words and (words <= label_words or label_words <= words):
                return draft
        return None

    def _group(self, cand: MentionCandidate) -> str | None:
        if cand.country_key is None or cand.hint is None:
            return None
        if self.gazetteer.get(cand.country_key) is not None:
            self._ensure(cand.country_key)
            if cand.label == "State":
                return cand.country_key  # "Turkish drones": the state acts through its weapons
        noun = _plural(cand.hint)
        label = f"{self._demonym(cand.country_key)} {noun}"
        types = (cand.label,)
        entry = self.gazetteer.get(cand.country_key)
        cameo = None
        if entry is not None and entry.cameo and cand.label == "GovernmentBody":
            cameo = entry.cameo + ("MIL" if cand.hint in self.military else "GOV")
        draft = self._add(
            _Draft(
                key=slugify(label), label=label, types=types, country=cand.country_key, cameo=cameo
            )
        )
        draft.aliases.add(cand.text)
        return draft.key

    def _population(self, cand: MentionCandidate) -> str | None:
        if cand.hint is None:
            label = cand.text
            if cand.country_key is None:
                return None
        elif cand.country_key is not None:
            label = f"{self._demonym(cand.country_key)} {cand.hint}"
        else:
            entry = self.gazetteer.lookup(cand.hint)
            if entry is not None and "PopulationGroup" in entry.types:
                draft = self._ensure(entry.key)
                draft.aliases.add(cand.text)
                return draft.key
            label = cand.hint
        draft = self._add(
            _Draft(
                key=slugify(label),
                label=label,
                types=("PopulationGroup",),
                country=cand.country_key,
            )
        )
        draft.aliases.add(cand.text)
        return draft.key

    def _pronoun(self, cand: MentionCandidate) -> str | None:
        best: tuple[int, int, int, str] | None = None
        wanted = cand.hint if cand.hint in {"group", "organisation"} else "person"
        for prior, key in reversed(self.history):
            if cand.sentence_index - prior.sentence_index > PRONOUN_WINDOW:
                break
            if prior.start >= cand.start or prior.kind == "pronoun":
                continue
            types = set(self.drafts[key].types)
            if wanted == "person" and "Person" not in types:
                continue
            if wanted != "person" and (
                "Person" in types
                or not types & GROUP_TYPES
                or types == {"Location"}
                or cand.sentence_index - prior.sentence_index > 1
            ):
                continue
            if wanted == "organisation" and (
                "PopulationGroup" in types or not (prior.is_subject or same_sentence(prior, cand))
            ):
                continue  # "it": one body, most often the subject just before
            same = prior.sentence_index == cand.sentence_index
            score = (0 if same else 1, 0 if prior.is_subject else 1, -prior.start, key)
            if best is None or score < best:
                best = score
        return best[3] if best else None

    def _definite(self, cand: MentionCandidate) -> str | None:
        hint = cand.hint or ""
        for prior, key in reversed(self.history):
            if cand.sentence_index - prior.sentence_index > DEFINITE_WINDOW:
                break
            if prior.start >= cand.start:
                continue
            types = self.drafts[key].types
            entry = self.gazetteer.get(key)
            is_city = entry is None or getattr(entry, "population", None) is not None
            if hint in {"city", "town", "capital"}:
                if "Location" in types and "State" not in types and is_city:
                    return key
            elif hint in {"enclave", "strip", "territory", "province"}:
                if "Location" in types and "State" not in types:
                    return key
            elif hint in {"country", "state", "nation"}:
                if "State" in types:
                    return key
            elif hint == "junta":
                draft = self.drafts[key]
                military = (draft.cameo or "").endswith("MIL") or any(
                    w in draft.label.lower() for w in ("military", "army", "junta", "forces")
                )
                if "GovernmentBody" in types and military:
                    return key
            elif hint in self.definite_groups and set(self.definite_groups[hint]) & set(types):
                return key
        return None

    def entities(self) -> dict[str, Entity]:
        frozen: dict[str, Entity] = {}
        for draft in self.drafts.values():
            if draft.country and draft.country not in self.drafts:
                entry = self.gazetteer.get(draft.country)
                if entry is None:
                    draft.country = None
        for key, draft in sorted(self.drafts.items()):
            frozen[key] = draft.freeze()
        for entity in list(frozen.values()):
            for ref in (entity.country, entity.member_of):
                if ref and ref not in frozen:
                    entry = self.gazetteer.get(ref)
                    if entry is not None:
                        frozen[ref] = entity_from_entry(entry)
        return frozen


def resolve_mentions(
    candidates: Sequence[MentionCandidate],
    *,
    gazetteer: Gazetteer,
    military_nouns: Iterable[str] = (),
    definite_groups: dict[str, tuple[str, ...]] | None = None,
) -> Resolution:
    """Resolve a report's mention candidates (in text order) to canonical entities.

    Args:
        candidates: Mention candidates of one report.
        gazetteer: Entity gazetteer.
        military_nouns: Group nouns that denote the military (for CAMEO ``MIL`` codes).
        definite_groups: Nouns of definite descriptions ("the group", "the bloc") -> the
            entity types they can refer to.

    Returns:
        The entities, resolved mentions and the token-to-entity map.
    """
    resolver = _Resolver(gazetteer, military_nouns, definite_groups or {})
    mentions: list[Mention] = []
    token_entity: dict[int, str] = {}
    for cand in sorted(candidates, key=lambda c: (c.start, c.end)):
        key = resolver.resolve(cand)
        if key is None:
            continue
        mentions.append(
            Mention(
                start=cand.start,
                end=cand.end,
                text=cand.text,
                sentence_index=cand.sentence_index,
                entity_key=key,
                kind="alias" if cand.kind == "name" and cand.gazetteer_key is None else cand.kind,
                role_title=cand.role_title,
            )
        )
        for token in cand.tokens:
            token_entity[token] = key
    entities = resolver.entities()
    mentions = [replace(m, kind="name") if m.kind == "alias" else m for m in mentions]
    return Resolution(entities=entities, mentions=tuple(mentions), token_entity=token_entity)
