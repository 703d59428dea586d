"""The shipped entity gazetteer: canonical keys, names, Wikidata ids and CAMEO codes.

The gazetteer is data (``kg/patterns/gazetteer.jsonl``, one JSON object per line) assembled
at development time by ``scripts/build_gazetteer.py``. This module only reads it; nothing is
loaded at import time and nothing is fetched.

>>> gaz = Gazetteer([
...     GazetteerEntry(key="israel", label="Israel", types=("State", "Location"),
...                    demonyms=("Israeli", "Israelis"), wikidata="Q801", country="israel"),
... ])
>>> gaz.lookup("Israel's").key
'israel'
>>> gaz.lookup_demonym("Israelis").wikidata
'Q801'
>>> gaz.lookup("israel").key  # names of five or more letters also match ignoring case
'israel'
>>> gaz.lookup("ISRAEL") is None  # ...unless written in capitals
True
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import PipelineError
from kg.models import ENTITY_TYPES

logger = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA_PATTERN = re.compile(r"^Q[1-9][0-9]*$")
CAMEO_PATTERN = re.compile(r"^[A-Z]{3}(?:[A-Z]{3})*$")

# Which entry wins when two share a surface form: lower rank first (then population, then key).
_TYPE_RANK: dict[str, int] = {
    "State": 0,
    "InternationalOrganization": 1,
    "ArmedGroup": 2,
    "GovernmentBody": 3,
    "Person": 4,
    "Organization": 5,
    "PopulationGroup": 6,
    "Location": 7,
}
_MIN_CASELESS_LENGTH = 5
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})
ENTRY_FIELDS: tuple[str, ...] = (
    "key",
    "label",
    "types",
    "aliases",
    "demonyms",
    "wikidata",
    "geonames",
    "country",
    "cameo",
    "member_of",
    "capital",
    "population",
)
_REFERENCE_FIELDS: tuple[str, ...] = ("country", "member_of", "capital")


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One canonical entity of the gazetteer.

    Attributes:
        key: Lowercase ASCII slug, unique; the local part of the entity IRI.
        label: Canonical English name.
        types: Ontology class local names (``State``, ``Location``, ``Person``...).
        aliases: Other names, safe for exact case-sensitive matching in news text.
        demonyms: Adjective and people forms ("Israeli", "Israelis").
        wikidata: Wikidata QID, or None when not known with confidence.
        geonames: GeoNames id, for places.
        country: Key of the state the entity belongs to (a state's is itself).
        cameo: CAMEO actor code ("ISR", "ISRMIL", "IGOUNO").
        member_of: Key of an organisation the entity belongs to.
        capital: For states, the key of the capital city.
        population: For places, the GeoNames population (used to break name ties).
    """

    key: str
    label: str
    types: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    wikidata: str | None = None
    geonames: int | None = None
    country: str | None = None
    cameo: str | None = None
    member_of: str | None = None
    capital: str | None = None
    population: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The label followed by every alias."""
        return (self.label, *self.aliases)


def _normalize(text: str) -> str:
    """Straighten curly apostrophes and collapse whitespace.

    >>> _normalize("Sana\u2019a  city")
    "Sana'a city"
    """
    return " ".join(text.translate(_APOSTROPHES).split())


def _rank(entry: GazetteerEntry) -> tuple[int, int, str]:
    """Sort key: the preferred entry for a shared name sorts first."""
    type_rank = min((_TYPE_RANK.get(t, len(_TYPE_RANK)) for t in entry.types), default=99)
    return (type_rank, -(entry.population or 0), entry.key)


def _is_caseless_candidate(name: str) -> bool:
    """Whether a name may be matched ignoring case (5+ characters and not all capitals)."""
    return len(name) >= _MIN_CASELESS_LENGTH and not name.isupper()


def _variants(name: str) -> list[str]:
    """Forms of a name to try, most literal first.

    >>> _variants("the US's")
    ["the US's", 'the US', "US's", 'US']
    """
    base = _normalize(name)
    forms = [base]
    if base.endswith("'s"):
        forms.append(base[:-2])
    elif base.endswith("'"):
        forms.append(base[:-1])
    for form in list(forms):
        for article in ("the ", "The "):
            if form.startswith(article) and len(form) > len(article):
                forms.append(form[len(article) :])
    return list(dict.fromkeys(f for f in forms if f))


class Gazetteer:
    """Name lookup over gazetteer entries.

    When several entries share a name, the preferred one is a State, then an
    InternationalOrganization, ArmedGroup, GovernmentBody, Person, Organization,
    PopulationGroup, and last a Location (larger population first); remaining ties go to the
    smaller key, so the choice is deterministic.

    Args:
        entries: The entries; keys must be unique.

    Raises:
        PipelineError: If two entries have the same key.
    """

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self._by_key: dict[str, GazetteerEntry] = {}
        for entry in entries:
            if entry.key in self._by_key:
                raise PipelineError(
                    f"Duplicate gazetteer key {entry.key!r}; every entry needs a unique key."
                )
            self._by_key[entry.key] = entry
        self._exact: dict[str, GazetteerEntry] = {}
        self._caseless: dict[str, GazetteerEntry] = {}
        self._demonyms: dict[str, GazetteerEntry] = {}
        for entry in sorted(self._by_key.values(), key=_rank):
            for name in entry.names:
                norm = _normalize(name)
                self._exact.setdefault(norm, entry)
                self._caseless.setdefault(norm.casefold(), entry)
            for demonym in entry.demonyms:
                self._demonyms.setdefault(_normalize(demonym), entry)

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[GazetteerEntry]:
        return iter(self._by_key.values())

    def get(self, key: str) -> GazetteerEntry | None:
        """Return the entry with this key.

        Args:
            key: A gazetteer key such as ``"united-states"``.

        Returns:
            The entry, or None if there is none.
        """
        return self._by_key.get(key)

    def lookup(self, name: str) -> GazetteerEntry | None:
        """Resolve a name as written in text to an entry.

        Tries an exact, case-sensitive match on labels and aliases first, also with a leading
        "the "/"The " and a trailing possessive ("'s" or "'") removed; then, for names of five
        or more characters that are not all capitals, a case-insensitive match. Curly
        apostrophes count as straight ones.

        Args:
            name: The name, e.g. ``"the US"``, ``"Israel's"`` or ``"Gaza"``.

        Returns:
            The preferred entry, or None if the name is unknown.
        """
        forms = _variants(name)
        for form in forms:
            found = self._exact.get(form)
            if found is not None:
                return found
        for form in forms:
            if _is_caseless_candidate(form):
                found = self._caseless.get(form.casefold())
                if found is not None:
                    return found
        return None

    def lookup_demonym(self, word: str) -> GazetteerEntry | None:
        """Resolve a demonym ("Israeli", "Israelis", "Sudanese") to its entry.

        The match is exact and case-sensitive (so "polish" is not "Polish").

        Args:
            word: The adjective or people form as written.

        Returns:
            The entry (usually a state), or None.
        """
        return self._demonyms.get(_normalize(word))

    def surface_forms(self) -> list[tuple[str, str]]:
        """Every label and alias with the key it resolves to, for a spaCy PhraseMatcher.

        A name shared by several entries appears once, with the key :meth:`lookup` gives.

        Returns:
            ``(surface text, key)`` pairs sorted by text.
        """
        return sorted((form, entry.key) for form, entry in self._exact.items())

    def demonym_forms(self) -> list[tuple[str, str]]:
        """Every demonym with the key it resolves to.

        Returns:
            ``(demonym, key)`` pairs sorted by text.
        """
        return sorted((form, entry.key) for form, entry in self._demonyms.items())


def default_gazetteer_path() -> Path:
    """Return the path of the packaged gazetteer, ``kg/patterns/gazetteer.jsonl``."""
    return Path(__file__).resolve().parent / "patterns" / "gazetteer.jsonl"


def _fail(path: Path, line: int, message: str) -> PipelineError:
    return PipelineError(
        f"{path}:{line}: {message}. Fix the line or rebuild the file with "
        "`python scripts/build_gazetteer.py`."
    )


def _optional_str(raw: dict[str, object], name: str, pattern: re.Pattern[str] | None) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name!r} must be a non-empty string or null")
    if pattern is not None and not pattern.match(value):
        raise ValueError(f"{name!r} value {value!r} does not match {pattern.pattern}")
    return value


def _optional_int(raw: dict[str, object], name: str) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name!r} must be a non-negative integer or null")
    return value


def _str_tuple(raw: dict[str, object], name: str) -> tuple[str, ...]:
    value = raw.get(name, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{name!r} must be a list of non-empty strings")
    return tuple(value)


def _parse_entry(raw: object) -> GazetteerEntry:
    """Validate one decoded JSON line. Raises ValueError describing the first problem."""
    if not isinstance(raw, dict):
        raise ValueError("expected a JSON object")
    unknown = sorted(set(raw) - set(ENTRY_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ValueError(f"'key' must be a lowercase slug, got {key!r}")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ValueError("'label' must be a non-empty string")
    types = _str_tuple(raw, "types")
    if not types or any(t not in ENTITY_TYPES for t in types):
        raise ValueError(f"'types' must be a non-empty list from {', '.join(ENTITY_TYPES)}")
    refs = {name: _optional_str(raw, name, KEY_PATTERN) for name in _REFERENCE_FIELDS}
    return GazetteerEntry(
        key=key,
        label=label,
        types=types,
        aliases=_str_tuple(raw, "aliases"),
        demonyms=_str_tuple(raw, "demonyms"),
        wikidata=_optional_str(raw, "wikidata", WIKIDATA_PATTERN),
        geonames=_optional_int(raw, "geonames"),
        country=refs["country"],
        cameo=_optional_str(raw, "cameo", CAMEO_PATTERN),
        member_of=refs["member_of"],
        capital=refs["capital"],
        population=_optional_int(raw, "population"),
    )


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Read a gazetteer JSONL file.

    Blank lines are skipped. Every ``country``, ``member_of`` and ``capital`` must name a key
    in the same file.

    Args:
        path: The file; defaults to :func:`default_gazetteer_path`.

    Returns:
        The gazetteer.

    Raises:
        PipelineError: If the file cannot be read, or a line is not valid JSON, lacks a
            required field, repeats a key or refers to an unknown key (the message names
            the file and line).
    """
    path = path or default_gazetteer_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineError(
            f"Cannot read the gazetteer {path}: {exc}. Check the path (KG_PATTERNS_DIR) or "
            "rebuild it with `python scripts/build_gazetteer.py`."
        ) from exc
    entries: list[GazetteerEntry] = []
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = _parse_entry(json.loads(line))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            raise _fail(path, number, f"invalid gazetteer entry: {exc}") from exc
        if entry.key in lines:
            raise _fail(
                path, number, f"duplicate key {entry.key!r} (first on line {lines[entry.key]})"
            )
        lines[entry.key] = number
        entries.append(entry)
    for entry in entries:
        for name in _REFERENCE_FIELDS:
            ref = getattr(entry, name)
            if ref is not None and ref not in lines:
                raise _fail(path, lines[entry.key], f"{name} {ref!r} of {entry.key!r} is not a key")
    logger.debug("Loaded %d gazetteer entries from %s", len(entries), path)
    return Gazetteer(entries)
