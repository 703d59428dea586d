"""Name spans of a report: gazetteer matches merged with the NER model's entities.

The gazetteer's names are matched by a ``PhraseMatcher`` built once per pipeline
(:func:`build_name_matcher`); :func:`find_name_spans` resolves overlaps between those matches, the
NER spans and the places the text itself calls places ("the town of X", "X province").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon
from kg.extract.name_types import context_place_spans
from kg.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span

# token start, token end, label ("GAZ" for a gazetteer match, else the NER label), gazetteer key
NameSpan = tuple[int, int, str, str | None]

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
    """A case-sensitive PhraseMatcher over every gazetteer name, each labelled with its key.

    Args:
        nlp: The pipeline whose vocabulary and tokenizer the patterns use.
        gazetteer: The gazetteer whose names are matched.

    Returns:
        The matcher.
    """
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    by_key: dict[str, list[str]] = {}
    for surface, key in gazetteer.surface_forms():
        by_key.setdefault(key, []).append(surface)
    for key, surfaces in by_key.items():
        matcher.add(key, [nlp.make_doc(surface) for surface in surfaces])
    return matcher


def _looks_like_person(tokens: Span) -> bool:
    # "Kassym-Jomart Tokayev": a hyphen between name parts is part of the name
    words = [
        t for t in tokens if not (t.tag_ == "HYPH" and 0 < t.i - tokens.start < len(tokens) - 1)
    ]
    return 2 <= len(words) <= 4 and all(
        t.pos_ == "PROPN" and (t.is_title or "-" in t.text) for t in words
    )


def find_name_spans(doc: Doc, matcher: PhraseMatcher, lexicon: Lexicon) -> list[NameSpan]:
    """Gazetteer matches and NER entities without overlaps.

    Gazetteer names win over the NER spans that contain them ("Kyiv and Kharkiv" tagged as one
    organisation), except inside a PERSON span ("Jordan Bardella"). What an NER span keeps beyond
    a leading gazetteer place is re-read: a title-cased two-to-four word rest is a person
    ("US Special Envoy for Sudan Tom Perriello"). An NER organisation or place right after a role
    title is a person too ("government spokeswoman Yolande Makolo").

    Args:
        doc: The parsed report.
        matcher: Gazetteer name matcher from :func:`build_name_matcher`.
        lexicon: Extraction word lists (role title heads).

    Returns:
        Non-overlapping name spans sorted by position.
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
    chosen: list[NameSpan] = []
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
