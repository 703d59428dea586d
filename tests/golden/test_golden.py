"""Golden files: the extraction of every example report, in a form a person can read and check.

``pytest tests/golden --update-golden`` rewrites them; review the diff before committing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from kg.models import Event, Extraction, Relation, Report
from kg.pipeline import Extractor

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
GOLDEN = Path(__file__).resolve().parent
pytestmark = pytest.mark.model


def _report(path: Path) -> Report:
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return Report(
        id=meta["id"],
        text=path.read_text(encoding="utf-8"),
        title=meta.get("title"),
        published=dt.date.fromisoformat(meta["published"]),
        url=meta.get("url"),
    )


def _event_line(event: Event) -> str:
    roles: dict[str, list[str]] = {}
    for role, key in event.roles:
        roles.setdefault(role, []).append(key)
    parts = [
        f"s{event.sentence_index}-e{event.number} {event.event_class} {event.trigger!r}",
        event.modality.label,
    ]
    parts += [f"{role}={','.join(keys)}" for role, keys in roles.items()]
    links = {
        "about": event.about,
        "provisions": ",".join(map(str, event.provisions)) or None,
        "inExchangeFor": event.in_exchange_for,
        "partOf": event.part_of,
        "coreferentWith": "s{}-e{}".format(*event.coreferent_with)
        if event.coreferent_with
        else None,
        "date": f"{event.start_date}/{event.time_precision}" if event.start_date else None,
        "cameo": event.cameo,
    }
    parts += [f"{k}={v}" for k, v in links.items() if v is not None]
    return " ".join(parts)


def _relation_line(rel: Relation) -> str:
    subject = rel.subject.text + (f" [{rel.subject.entity_key}]" if rel.subject.entity_key else "")
    obj = ""
    if rel.object is not None:
        obj = rel.object.text + (f" [{rel.object.entity_key}]" if rel.object.entity_key else "")
    extra = "".join(f" | {a.text}" for a in rel.extra_args)
    return f"s{rel.sentence_index} ({subject}; {rel.relation}; {obj}{extra}) {rel.modality.label}"


def summarize(extraction: Extraction) -> dict[str, Any]:
    """The reviewable golden form of an extraction."""
    return {
        "model": extraction.model,
        "sentences": [f"s{s.index} [{s.start}:{s.end}] {s.text}" for s in extraction.sentences],
        "entities": [
            " ".join(
                [e.key, "/".join(e.types), repr(e.label)]
                + ([f"titles={'|'.join(e.role_titles)}"] if e.role_titles else [])
                + ([f"country={e.country}"] if e.country and e.country != e.key else [])
                + ([f"sameAs={'|'.join(e.same_as)}"] if e.same_as else [])
            )
            for e in extraction.entities
        ],
        "mentions": [
            f"s{m.sentence_index} {m.text!r} -> {m.entity_key} ({m.kind})"
            for m in extraction.mentions
        ],
        "events": [_event_line(e) for e in extraction.events],
        "relations": [_relation_line(r) for r in extraction.relations],
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_golden_example_extraction(
    extractor: Extractor, path: Path, request: pytest.FixtureRequest
) -> None:
    got = summarize(extractor.extract(_report(path)))
    golden = GOLDEN / f"{path.stem}.expected.json"
    if request.config.getoption("--update-golden"):
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}; run pytest --update-golden"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert got["model"] == expected["model"], "the spaCy model changed: review and update"
    for part in ("sentences", "entities", "mentions", "events", "relations"):
        assert got[part] == expected[part], f"{path.name}: {part} differ from the golden file"


def test_golden_covers_every_example() -> None:
    assert len(EXAMPLES) >= 7
    for path in EXAMPLES:
        assert path.with_suffix(".json").is_file(), f"{path.name} lacks its sidecar"
