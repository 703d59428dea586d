"""Finding entity mentions in a parsed report: names, titles, aliases, groups, pronouns.

Pure functions over a spaCy ``Doc``. Name spans come from :mod:`kg.extract.name_spans`; this
module types them (people with their role titles, armed groups, places, demonyms, acronyms and
aliases) and adds the mentions that are not names (:mod:`kg.extract.noun_mentions`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kg.extract.acronyms import find_acronyms, with_acronyms
from kg.extract.candidates import make_candidate, sentence_index_of
from kg.extract.lexicon import Lexicon
from kg.extract.name_spans import NameSpan, find_name_spans
from kg.extract.name_types import is_armed_name, is_named_place
from kg.extract.noun_mentions import find_group_mentions, find_pronoun_mentions
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
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span

logger = logging.getLogger(__name__)

ALIAS_VERBS = {"know", "call", "nickname", "dub", "nicknamed", "dubbed"}


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
        matcher: Gazetteer name matcher from :func:`kg.extract.name_spans.build_name_matcher`.
        gazetteer: The gazetteer (lookups by name and demonym).
        lexicon: Extraction word lists.

    Returns:
        Mention candidates sorted by position.
    """
    sent_of = sentence_index_of(doc)
    names = find_name_spans(doc, matcher, lexicon)
    acronyms = {a.text: a for a in find_acronyms(doc, names)}
    if acronyms:
        names = with_acronyms(doc, names, acronyms)
    out: list[MentionCandidate] = []
    covered: set[int] = set()
    title_tokens: set[int] = set()
    person_like: list[NameSpan] = []
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
                    make_candidate(
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
                make_candidate(span, sent_of=sent_of, kind="name", label="PERSON", hint=antecedent)
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
        out.append(make_candidate(span, sent_of=sent_of, kind="name", label=label, **extra))
        covered.update(range(start, end))
    out.extend(find_group_mentions(doc, sent_of, covered, gazetteer, lexicon))
    out.extend(find_pronoun_mentions(doc, sent_of, covered, lexicon))
    out.sort(key=lambda m: (m.start, m.end))
    return out


def _alias_antecedent(span: Span, names: list[NameSpan], gazetteer: Gazetteer) -> str | None:
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
