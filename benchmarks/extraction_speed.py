"""Extraction speed against the raw spaCy parse of the same texts, in one run.

    python benchmarks/extraction_speed.py [--repeat 3]

Prints the median time of (a) the raw spaCy parse of every example report and every CaRB dev
sentence and (b) parse + mentions + resolution + events + relations + RDF building, and their
ratio (the overhead our stages add to the parse).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

from kg.models import Report
from kg.pipeline import Extractor
from kg.rdf import build_quads
from kg.settings import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[1]
CARB = ROOT.parent / "shared" / "data" / "carb-dev" / "dev.txt"
SAMPLE = ROOT / "tests" / "data" / "carb-dev-sample.txt"
BASE = "https://w3id.org/conflict-kg/id/"


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    carb = CARB if CARB.is_file() else SAMPLE
    texts += [line for line in carb.read_text(encoding="utf-8").split("\n") if line.strip()]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    extractor = Extractor.load(model=DEFAULT_MODEL)
    texts = _texts()
    extractor.extract(Report(id="warmup", text=texts[0]))
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    raw: list[float] = []
    full: list[float] = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        docs = list(extractor.nlp.pipe(texts, batch_size=64))
        raw.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        quads = 0
        for n, (text, doc) in enumerate(
            zip(texts, extractor.nlp.pipe(texts, batch_size=64), strict=True)
        ):
            extraction = extractor.extract_doc(Report(id=f"t{n}", text=text), doc)
            quads += len(build_quads(extraction, base_iri=BASE, now=now))
        full.append(time.perf_counter() - t0)
        del docs
    words = sum(len(t.split()) for t in texts)
    r, f = statistics.median(raw), statistics.median(full)
    print(f"texts: {len(texts)}  words: {words}  quads: {quads}")
    print(f"raw spaCy parse:              {r:.2f} s  ({words / r:,.0f} words/s)")
    print(f"parse + extraction + RDF:     {f:.2f} s  ({words / f:,.0f} words/s)")
    print(f"overhead over the raw parse:  {100 * (f / r - 1):.1f}%  (ratio {f / r:.2f})")


if __name__ == "__main__":
    main()
