"""Acronyms a report introduces in parentheses: "the National Liberation Army (ELN)".

Pure functions over a parsed report. The acronym names the same entity as the name before it,
there and wherever it appears later in the report, even where the NER model does not tag it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

_MIN_LEN = 2
_MAX_LEN = 8
_SMALL_WORDS = {"of", "for", "the", "and", "in", "on", "de", "del", "la", "le", "des", "du", "al"}


@dataclass(frozen=True, slots=True)
class Acronym:
    """An acronym and the name it abbreviates.

    Attributes:
        text: The acronym as written ("ELN").
        start: Document token index where the long name starts.
        end: Document token index just past the long name.
        label: NER label (or ``GAZ``) of the long name.
        key: Gazetteer key of the long name, if it has one.
        long_text: The long name as written.
    """

    text: str
    start: int
    end: int
    label: str
    key: str | None
    long_text: str


def is_acronym_token(text: str) -> bool:
    """Whether a token looks like an acronym: 2-8 letters, upper case (digits and '-' allowed).

    >>> is_acronym_token("ELN"), is_acronym_token("M23"), is_acronym_token("Eln")
    (True, True, False)
    """
    letters = [c for c in text if c.isalpha()]
    return (
        _MIN_LEN <= len(text) <= _MAX_LEN
        and len(letters) >= 1
        and all(c.isupper() for c in letters)
        and all(c.isalnum() or c == "-" for c in text)
    )


def abbreviates(acronym: str, name: str) -> bool:
    """Whether the acronym's letters are initials of the name's words, in order.

    Each letter run is the start of a content word, taken in order; words may be skipped
    (acronyms often drop words, "AUSSOM" takes "SOM" from "Somalia"); the acronym's first
    letter must be the first word's initial.

    >>> abbreviates("ELN", "National Liberation Army")
    False
    >>> abbreviates("MSS", "Multinational Security Support")
    True
    >>> abbreviates("AUSSOM", "African Union Support and Stabilization Mission in Somalia")
    True
    """
    words = [
        w.upper() for w in name.replace("-", " ").split() if w and w.lower() not in _SMALL_WORDS
    ]
    letters = "".join(c for c in acronym.upper() if c.isalpha())
    if not words or not letters or letters[0] != words[0][0]:
        return False
    return _spells(letters, tuple(words))


@lru_cache(maxsize=1024)
def _spells(letters: str, words: tuple[str, ...]) -> bool:
    """Whether the letters are word prefixes taken in order, skipping any words."""
    if not letters:
        return True
    for k, word in enumerate(words):
        size = 1
        while size <= min(len(word), len(letters)) and word[:size] == letters[:size]:
            if _spells(letters[size:], words[k + 1 :]):
                return True
            size += 1
    return False


def _place_tail(doc: Doc, end: int) -> int:
    """Where a name ends that goes on with a place: "... Mission in Somalia (AUSSOM)"."""
    if end + 1 < len(doc) and doc[end].lower_ in {"in", "of", "for"}:
        tail = doc[end + 1]
        if tail.ent_type_ in {"GPE", "LOC"} and tail.ent_iob_ == "B":
            stop = end + 2
            while stop < len(doc) and doc[stop].ent_iob_ == "I":
                stop += 1
            if stop < len(doc) and doc[stop].text == "(":
                return stop
    return end


def find_acronyms(doc: Doc, names: list[tuple[int, int, str, str | None]]) -> list[Acronym]:
    """Acronyms defined as ``Long Name (ACRONYM)`` right after a name span.

    The acronym must abbreviate the name, except for a name with no gazetteer entry whose
    label is an organisation: there the parenthesis alone is evidence enough (the Spanish
    "ELN" of "National Liberation Army").

    Args:
        doc: The parsed report.
        names: Name spans ``(start, end, label, gazetteer key)`` in document order.

    Returns:
        The acronym definitions, in document order.
    """
    found: list[Acronym] = []
    seen: set[str] = set()
    spans = list(names)
    for ent in doc.ents:
        # an organisation whose name starts with a known one: "African Union Support and
        # Stabilization Mission in Somalia (AUSSOM)" is not the African Union
        start = ent.start + (1 if ent[0].lower_ == "the" else 0)
        if ent.label_ == "ORG" and ent.end - start > 1:
            spans.append((start, _place_tail(doc, ent.end), "ORG", None))
    for start, end, label, key in sorted(spans, key=lambda s: (s[0], -s[1])):
        if end + 2 >= len(doc):
            continue
        if doc[end].text != "(" or doc[end + 2].text != ")":
            continue
        short = doc[end + 1].text
        long_text = doc[start:end].text
        if short in seen or not is_acronym_token(short) or short == long_text:
            continue
        if not (abbreviates(short, long_text) or (key is None and label == "ORG")):
            continue
        seen.add(short)
        found.append(Acronym(short, start, end, label, key, long_text))
    return found


def with_acronyms(
    doc: Doc,
    names: list[tuple[int, int, str, str | None]],
    acronyms: dict[str, Acronym],
) -> list[tuple[int, int, str, str | None]]:
    """Name spans where every use of a defined acronym takes its long name's label and key."""
    out: list[tuple[int, int, str, str | None]] = []
    taken: set[int] = set()
    spans = {(s, e) for s, e, _, _ in names}
    longs = [a for a in acronyms.values() if (a.start, a.end) not in spans]
    for long in longs:
        out.append((long.start, long.end, long.label, long.key))
        taken.update(range(long.start, long.end))
    for start, end, label, key in names:
        if any(i in taken for i in range(start, end)):
            continue  # inside a long name only the acronym shows to be one name
        acronym = acronyms.get(doc[start:end].text) if end - start == 1 else None
        if acronym is not None and start != acronym.start:
            out.append((start, end, acronym.label, acronym.key))
        else:
            out.append((start, end, label, key))
        taken.update(range(start, end))
    for token in doc:
        use = acronyms.get(token.text)
        if use is not None and token.i not in taken and token.i >= use.end:
            out.append((token.i, token.i + 1, use.label, use.key))
    out.sort()
    return out
