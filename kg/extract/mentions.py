"""Finding entity mentions in a parsed report: names, titles, demonym groups, pronouns.

Pure functions over a spaCy ``Doc``; the gazetteer's names are matched by a ``PhraseMatcher``
built once per pipeline (:func:`build_name_matcher`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kg.extract.acronyms import find_acronyms, with_acronyms
from kg.extract.lexicon import Lexicon
from kg.extract.name_types import context_place_spans, is_armed_name, is_named_place
from kg.extract.titles import (
    find_appositive_title,
    find_counterpart_title,
    find_title,
    key_of,
    split_ranks,
    strip_affiliation,
    title_affiliation,
    types_of,
)
from kg.gazetteer import Gazetteer
from kg.models import MentionCandidate

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span, Token

logger = logging.getLogger(__name__)

NER_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"}
GEO_HEADS = {
    "river",
    "sea",
    "lake",
    "valley",
    "mountains",
    "desert",
    "basin",
    "region",
    "province",
    "strip",
    "bank",
    "coast",
    "delta",
    "plateau",
    "gulf",
    "bay",
    "corridor",
    "border",
    "crossing",
    "airport",
    "port",
    "canal",
    "island",
    "islands",
    "peninsula",
    "heights",
}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}


def build_name_matcher(nlp: Language, gazetteer: Gazetteer) -> PhraseMatcher:
    """A case-sensitive PhraseMatcher over every gazetteer name, each labelled with its key."""
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    by_key: dict[str, list[str]] = {}
    for surface, key in gazetteer.surface_forms():
        by_key.setdefault(key, []).append(surface)
    for key, surfaces in by_key.items():
        matcher.add(key, [nlp.make_doc(surface) for surface in surfaces])
    return matcher


def _span_chars(span: Span) -> tuple[int, int]:
    return span.start_char, span.end_char


def _sentence_of(doc: Doc) -> dict[int, int]:
    index: dict[int, int] = {}
    for n, sent in enumerate(doc.sents):
        for token in sent:
            index[token.i] = n
    return index


def _candidate(
    span: Span,
    *,
    sent_of: dict[int, int],
    kind: str,
    label: str,
    **extra: str | None,
) -> MentionCandidate:
    start, end = _span_chars(span)
    return MentionCandidate(
        start=start,
        end=end,
        text=span.text,
        sentence_index=sent_of[span.root.i],
        head=span.root.i,
        tokens=tuple(range(span.start, span.end)),
        kind=kind,
        label=label,
        gazetteer_key=extra.get("gazetteer_key"),
        country_key=extra.get("country_key"),
        role_title=extra.get("role_title"),
        member_of_key=extra.get("member_of_key"),
        hint=extra.get("hint"),
        is_subject=span.root.dep_ in SUBJECT_DEPS,
    )


def _looks_like_person(tokens: Span) -> bool:
    # "Kassym-Jomart Tokayev": a hyphen between name parts is part of the name
    words = [
        t for t in tokens if not (t.tag_ == "HYPH" and 0 < t.i - tokens.start < len(tokens) - 1)
    ]
    return 2 <= len(words) <= 4 and all(
        t.pos_ == "PROPN" and (t.is_title or "-" in t.text) for t in words
    )


def _name_spans(
    doc: Doc, matcher: PhraseMatcher, lexicon: Lexicon
) -> list[tuple[int, int, str, str | None]]:
    """Gazetteer matches and NER entities without overlaps.

    Gazetteer names win over the NER spans that contain them ("Kyiv and Kharkiv" tagged as one
    organisation), except inside a PERSON span ("Jordan Bardella"). What an NER span keeps beyond
    a leading gazetteer place is re-read: a title-cased two-to-four word rest is a person
    ("US Special Envoy for Sudan Tom Perriello"). An NER organisation or place right after a role
    title is a person too ("government spokeswoman Yolande Makolo").
    """
    gaz: list[tuple[int, int, str]] = []
    for match_id, start, end in matcher(doc):
        gaz.append((start, end, doc.vocab.strings[match_id]))
    gaz.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    ner: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ not in NER_LABELS:
            continue
        start, end = ent.start, ent.end
        while start < end and doc[start].lower_ in {"the"}:
            start += 1
        while end > start and doc[end - 1].tag_ == "POS":
            end -= 1
        titled = ent.label_ == "PERSON"
        while titled and end - start > 2 and doc[start].lower_ in lexicon.title_heads:
            start += 1  # "Archbishop Bagrat Galstanyan": the title is not part of the name
        if end <= start:
            continue
        label = ent.label_
        if (
            label in {"ORG", "GPE", "NORP", "FAC"}
            and start > 0
            and (doc[start - 1].lower_ in lexicon.title_heads)
            and _looks_like_person(doc[start:end])
        ):
            label = "PERSON"
        ner.append((start, end, label))
    # a name the text calls a place ("the Tajoura district", "the town of Macomia") is a place,
    # whatever the NER model made of it (nothing, or a nationality)
    in_ner = {i for s, e, label in ner if label != "NORP" for i in range(s, e)}
    places = context_place_spans(doc, in_ner)
    if places:
        in_place = {i for s, e in places for i in range(s, e)}
        ner = [n for n in ner if not (n[2] == "NORP" and in_place & set(range(n[0], n[1])))]
        ner.extend((s, e, "GPE") for s, e in places)
    taken: set[int] = set()
    chosen: list[tuple[int, int, str, str | None]] = []
    persons = [(s, e) for s, e, label in ner if label == "PERSON"]
    for start, end, label in ner:
        if label in {"LOC", "GPE", "FAC", "ORG"} and doc[end - 1].lower_ in GEO_HEADS:
            persons.append((start, end))  # "Niger River" is not Niger
    for start, end, key in gaz:
        if any(i in taken for i in range(start, end)):
            continue
        if any(ps <= start and end <= pe and (pe - ps) > (end - start) for ps, pe in persons):
            continue
        taken.update(range(start, end))
        chosen.append((start, end, "GAZ", key))
    for start, end, label in sorted(ner, key=lambda s: (-(s[1] - s[0]), s[0])):
        free = [i for i in range(start, end) if i not in taken]
        if not free:
            continue
        if len(free) < end - start:
            # keep the longest run of free tokens after the gazetteer names
            runs: list[list[int]] = []
            for i in free:
                if runs and runs[-1][-1] == i - 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
            run = max(runs, key=len)
            rest = doc[run[0] : run[-1] + 1]
            while len(rest) and rest[0].pos_ in {"CCONJ", "PUNCT", "ADP", "DET"}:
                rest = rest[1:]
            while len(rest) and rest[-1].pos_ in {"CCONJ", "PUNCT", "ADP", "DET"}:
                rest = rest[:-1]
            if not len(rest) or not all(t.pos_ == "PROPN" for t in rest):
                continue
            start, end = rest.start, rest.end
            if label != "PERSON" and _looks_like_person(rest):
                label = "PERSON"
        if any(i in taken for i in range(start, end)):
            continue
        taken.update(range(start, end))
        chosen.append((start, end, label, None))
    chosen.sort()
    return chosen


def find_mentions(
    doc: Doc,
    *,
    matcher: PhraseMatcher,
    gazetteer: Gazetteer,
    lexicon: Lexicon,
) -> list[MentionCandidate]:
    """Every span of a report that may refer to an entity, in text order.

    Args:
        doc: The parsed report.
        matcher: Gazetteer name matcher from :func:`build_name_matcher`.
        gazetteer: The gazetteer (lookups by name and demonym).
        lexicon: Extraction word lists.

    Returns:
        Mention candidates sorted by position.
    """
    sent_of = _sentence_of(doc)
    names = _name_spans(doc, matcher, lexicon)
    acronyms = {a.text: a for a in find_acronyms(doc, names)}
    if acronyms:
        names = with_acronyms(doc, names, acronyms)
    out: list[MentionCandidate] = []
    covered: set[int] = set()
    title_tokens: set[int] = set()
    person_like: list[tuple[int, int, str, str | None]] = []
    for start, end, label, key in names:
        span = doc[start:end]
        entry = gazetteer.lookup(span.text) if key is None else None
        gkey = key or key_of(entry)
        types = types_of(gazetteer, gkey)
        is_person = label == "PERSON" if gkey is None else "Person" in types
        if is_person:
            person_like.append((start, end, label, gkey))
    for start, end, _label, _key in person_like:
        found = find_title(doc, doc[start:end], lexicon)
        if found:
            title_tokens.update(range(found[0], start))
    for start, end, label, key in names:
        span = doc[start:end]
        if all(i in title_tokens for i in range(start, end)):
            # a word of a role title ("State" in "Secretary of State"): not a mention,
            # unless it names a state ("US" in "US Secretary of State").
            entry = gazetteer.lookup(span.text)
            types = types_of(gazetteer, key_of(entry))
            if "State" not in types:
                continue
        entry = None if key else gazetteer.lookup(span.text)
        gkey = key or key_of(entry)
        if gkey is None and label in {"ORG", "PERSON", "GPE", "NORP"} and is_armed_name(span):
            label = "ARMED"
        elif gkey is None and label in {"ORG", "PERSON", "NORP"} and is_named_place(span):
            label = "GPE"
        if (
            gkey is None
            and len(span) == 1
            and (span.root.pos_ == "ADJ" or span.root.dep_ == "amod")
        ):
            continue  # "Emirati officials": a demonym, handled with its group noun
        if (
            gkey is None
            and label != "NORP"
            and len(span) == 1
            and gazetteer.lookup_demonym(span.text) is not None
        ):
            continue  # "a Kazakh diplomat" mistagged as an organisation: a demonym, not a name
        if label == "NORP" and gkey is None:
            demonym = gazetteer.lookup_demonym(span.text)
            if demonym is not None and span.root.tag_ in {"NNPS", "NNS"}:
                out.append(
                    _candidate(
                        span,
                        sent_of=sent_of,
                        kind="population",
                        label="PopulationGroup",
                        country_key=key_of(demonym),
                    )
                )
                covered.update(range(start, end))
            continue
        antecedent = _alias_antecedent(span, names, gazetteer)
        if antecedent is not None and gkey is None:
            # "Cherizier, who is known as Barbecue": another name of the person
            out.append(
                _candidate(span, sent_of=sent_of, kind="name", label="PERSON", hint=antecedent)
            )
            covered.update(range(start, end))
            continue
        extra: dict[str, str | None] = {"gazetteer_key": gkey}
        acronym = acronyms.get(span.text)
        if acronym is not None and gkey is None and start != acronym.start:
            extra["hint"] = acronym.long_text  # the entity of the long name
        types = types_of(gazetteer, gkey)
        is_person = label == "PERSON" if gkey is None else "Person" in types
        if is_person:
            found = find_title(doc, span, lexicon)
            title: str | None = None
            if found:
                title_start, title = found
                country, member = title_affiliation(doc, title_start, start, gazetteer)
                extra["country_key"] = country
                extra["member_of_key"] = member
                title = strip_affiliation(title, doc, title_start, start, gazetteer)
            if not title:
                counterpart = find_counterpart_title(span.root, names, lexicon, gazetteer)
                if counterpart is not None:
                    title, extra["country_key"] = counterpart
            if not title:
                found_appos = find_appositive_title(span.root, lexicon, gazetteer)
                if found_appos is not None:
                    title, affiliation = found_appos
                    types = types_of(gazetteer, affiliation)
                    if "State" in types:
                        extra["country_key"] = affiliation
                    elif affiliation:
                        extra["member_of_key"] = affiliation
            extra["role_title"] = "|".join(split_ranks(title)) if title else None
        out.append(_candidate(span, sent_of=sent_of, kind="name", label=label, **extra))
        covered.update(range(start, end))
    out.extend(_group_mentions(doc, sent_of, covered, gazetteer, lexicon))
    out.extend(_pronoun_mentions(doc, sent_of, covered, lexicon))
    out.sort(key=lambda m: (m.start, m.end))
    return out


ALIAS_VERBS = {"know", "call", "nickname", "dub", "nicknamed", "dubbed"}


def _alias_antecedent(
    span: Span, names: list[tuple[int, int, str, str | None]], gazetteer: Gazetteer
) -> str | None:
    """The person a name is another name of: "Cherizier, (who is) known as Barbecue"."""
    root = span.root
    verb = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "as" else root.head
    if root.dep_ not in {"pobj", "oprd", "dobj"} or verb.lemma_.lower() not in ALIAS_VERBS:
        return None
    if verb.dep_ not in {"relcl", "acl"} or verb.tag_ != "VBN":
        return None
    target = verb.head.i
    for start, end, label, key in names:
        if start <= target < end:
            is_person = label == "PERSON" if key is None else "Person" in types_of(gazetteer, key)
            return span.doc[start:end].text if is_person else None
    return None


def _is_acting(token: Token) -> bool:
    """The token is the doer of its clause: a subject, or the object of a passive's "by"."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ == "nsubj":
        return True
    return token.dep_ == "pobj" and token.head.lower_ == "by"


def _modifier_state_of(child: Token, gazetteer: Gazetteer) -> str | None:
    entry = gazetteer.lookup_demonym(child.text) or gazetteer.lookup(child.text)
    if entry is not None and "State" in tuple(getattr(entry, "types", ())):
        return key_of(entry)
    return None


def _modifier_state(token: Token, gazetteer: Gazetteer) -> str | None:
    """The state named by a modifier of a group noun ("Israeli officials", "US officials")."""
    for child in token.children:
        if child.dep_ not in {"amod", "compound", "nmod", "poss", "npadvmod"}:
            continue
        key = _modifier_state_of(child, gazetteer)
        if key is not None:
            return key
    return None


# Weapons and platforms are not actors: "Turkish drones struck" is an act of the state.
WEAPON_NOUNS = {
    "warplane",
    "warship",
    "drone",
    "aircraft",
    "jet",
    "helicopter",
    "gunship",
    "artillery",
}

COLLECTIVE_NOUNS = {
    "government",
    "military",
    "army",
    "police",
    "leadership",
    "administration",
    "cabinet",
    "ministry",
    "junta",
    "navy",
    "delegation",
    "authority",
}


def _modifier_org(token: Token, gazetteer: Gazetteer) -> str | None:
    """An organisation named by a modifier of a group noun ("RSF fighters", "NATO leaders")."""
    for child in token.children:
        if child.dep_ not in {"compound", "amod", "nmod"}:
            continue
        entry = gazetteer.lookup(child.text)
        types = set(getattr(entry, "types", ())) if entry is not None else set()
        if types & {"ArmedGroup", "InternationalOrganization", "GovernmentBody", "Organization"}:
            return key_of(entry)
    return None


def _group_mentions(
    doc: Doc,
    sent_of: dict[int, int],
    covered: set[int],
    gazetteer: Gazetteer,
    lexicon: Lexicon,
) -> list[MentionCandidate]:
    out: list[MentionCandidate] = []
    for token in doc:
        if token.i in covered or token.pos_ not in {"NOUN", "PROPN"}:
            continue
        lemma = token.lemma_.lower()
        plural = token.tag_ in {"NNS", "NNPS"}
        if lemma in WEAPON_NOUNS and _is_acting(token):
            country = _modifier_state(token, gazetteer)
            if country is not None:
                left = min(
                    c.i
                    for c in token.children
                    if c.dep_ in {"amod", "compound", "nmod", "poss"}
                    and _modifier_state_of(c, gazetteer) == country
                )
                out.append(
                    _candidate(
                        doc[left : token.i + 1],
                        sent_of=sent_of,
                        kind="group",
                        label="State",
                        country_key=country,
                        hint=lemma,
                    )
                )
                covered.update(range(left, token.i + 1))
                continue
        if lemma in lexicon.group_nouns:
            if not plural and lemma not in COLLECTIVE_NOUNS:
                continue
            org = _modifier_org(token, gazetteer)
            if org is not None:
                left = min(
                    c.i
                    for c in token.children
                    if c.dep_ in {"compound", "amod", "nmod"}
                    and key_of(gazetteer.lookup(c.text)) == org
                )
                span = doc[left : token.i + 1]
                out.append(
                    _candidate(span, sent_of=sent_of, kind="name", label="ORG", gazetteer_key=org)
                )
                covered.add(token.i)
                continue
            country = _modifier_state(token, gazetteer)
            if country is not None:
                left = min(
                    [token.i]
                    + [
                        c.left_edge.i
                        for c in token.children
                        if c.dep_ in {"amod", "compound", "nmod", "poss"}
                    ]
                )
                while (
                    left < token.i
                    and doc[left].pos_ in {"DET", "ADJ"}
                    and (gazetteer.lookup_demonym(doc[left].text) is None)
                ):
                    left += 1
                span = doc[left : token.i + 1]
                out.append(
                    _candidate(
                        span,
                        sent_of=sent_of,
                        kind="group",
                        label=lexicon.group_nouns[lemma],
                        country_key=country,
                        hint=lemma,
                    )
                )
                covered.update(range(left, token.i + 1))
                continue
        if lemma in lexicon.population_nouns:
            if lemma in lexicon.population_needs_plural and not plural:
                continue
            if lemma == "population" and not any(
                c.lemma_.lower() == "civilian" for c in token.children
            ):
                continue
            left = token.i
            for child in token.lefts:
                if child.dep_ in {"amod", "compound"} and child.lemma_.lower() == "civilian":
                    left = min(left, child.i)
            span = doc[left : token.i + 1]
            out.append(
                _candidate(
                    span,
                    sent_of=sent_of,
                    kind="population",
                    label="PopulationGroup",
                    hint=lexicon.population_nouns[lemma],
                )
            )
            covered.update(range(left, token.i + 1))
            continue
        if (token.dep_ != "compound" and lemma in lexicon.definite_places) or (
            lemma in lexicon.definite_groups and token.dep_ != "compound"
        ):
            det = [c for c in token.children if c.dep_ == "det"]
            named = any(  # "the town of Paletwa" names its place itself
                c.dep_ == "prep" and c.lower_ == "of" and any(g.pos_ == "PROPN" for g in c.children)
                for c in token.children
            )
            if det and det[0].lower_ in {"the", "this", "that"} and not plural and not named:
                span = doc[det[0].i : token.i + 1]
                out.append(
                    _candidate(span, sent_of=sent_of, kind="definite", label="definite", hint=lemma)
                )
                covered.update(range(det[0].i, token.i + 1))
    return out


def _is_referential_it(token: Token) -> bool:
    """ "It said it had delivered food" refers; "it is expected", "it was the first" do not."""
    head = token.head
    if token.lower_ == "its":
        # "the army did not halt its offensive": "its" is the common-noun subject's
        while head.dep_ in {"dobj", "pobj", "prep", "conj"} and head.head is not head:
            head = head.head
        subject = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
        return subject is None or subject.pos_ != "NOUN"
    if token.dep_ != "nsubj":
        return False  # "would treat it as a declaration of war": a thing, not an actor
    if head.lemma_.lower() in {"be", "seem", "appear", "take", "remain", "rain", "become"}:
        return False
    return not any(c.dep_ == "auxpass" for c in head.children)


def _pronoun_mentions(
    doc: Doc, sent_of: dict[int, int], covered: set[int], lexicon: Lexicon
) -> list[MentionCandidate]:
    out: list[MentionCandidate] = []
    for token in doc:
        if token.i in covered or token.pos_ != "PRON":
            continue
        low = token.lower_
        if low in lexicon.pronouns_person:
            hint = "person"
        elif low in {"they", "them", "their"}:
            hint = "group"
        elif low in {"it", "its"} and _is_referential_it(token):
            hint = "organisation"
        else:
            continue
        out.append(
            _candidate(
                doc[token.i : token.i + 1],
                sent_of=sent_of,
                kind="pronoun",
                label="pronoun",
                hint=hint,
            )
        )
    return out
