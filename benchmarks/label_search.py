"""Label search benchmark: the FTS5 name index vs a regex FILTER scan (the SPARQL bench graph).

Builds (or reuses, with ``--work``) the synthetic conflict graph of ``benchmarks/sparql.py``
(about 1M quads), opens it as an :class:`~kg.store.oxigraph_store.OxigraphStore`, times the
first build of its name index, then measures the median latency of each search both ways:

- ``regex scan``: ``SELECT DISTINCT ?s ?label`` over ``rdfs:label|skos:altLabel`` of nodes of
  a ``ck:`` class with ``FILTER(REGEX(?label, word, "i"))`` for each word (what a store
  without the index must do), run in Oxigraph;
- ``FTS5 index``: ``store.search_labels(text, limit=None)`` (every match, same scope);
- also the SPARQL benchmark's own ``label search (regex scan)`` query (``LIMIT 50``, stops early).

    .venv/bin/python benchmarks/label_search.py --quads 1000000 --repeat 20
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sparql import PREFIXES, QUERIES, build_seed, load_store, synthesize

from kg.store.oxigraph_store import OxigraphStore

SEARCHES = ("blinken", "antony blinken", "netanyahu", "hamas", "united sta", "ceasefire talks")


def regex_query(text: str) -> str:
    """The regex FILTER scan equivalent of ``search_labels(text)``."""
    tests = " && ".join(f'REGEX(?label, "{re.escape(w)}", "i")' for w in text.split())
    return (
        PREFIXES
        + f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?s ?label WHERE {{
  ?s rdfs:label|skos:altLabel ?label FILTER({tests})
  FILTER EXISTS {{ ?s a ?c FILTER(STRSTARTS(STR(?c), STR(ck:))) }}
}}"""
    )


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``run`` over ``repeat`` runs after one warm-up, in ms."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    """Build the graph, measure both ways, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-label-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    seed = build_seed(work)
    nquads = work / f"synthetic-{args.quads}.nq"
    if not nquads.exists():
        synthesize(seed, args.quads, nquads)
    store_path = work / f"store-{args.quads}"
    if not store_path.exists():
        load_store(nquads, store_path)
    (store_path / "labels.sqlite").unlink(missing_ok=True)
    store = OxigraphStore(store_path)
    try:
        started = time.perf_counter()
        store.search_labels("warm")  # builds the index from the store
        build_s = time.perf_counter() - started
        print(f"\n{len(store):,} quads; index built from the store in {build_s:.2f} s")
        print(f"median ms of {args.repeat} runs\n")
        print("| search | matches | regex scan (ms) | FTS5 index (ms) | speedup |")
        print("| --- | --- | --- | --- | --- |")
        speedups = []
        for text in SEARCHES:
            query = regex_query(text)
            scan_hits = {row["s"].value for row in store.select(query)}
            fts_hits = {iri for iri, _, _ in store.search_labels(text, limit=None)}
            assert fts_hits == scan_hits, (text, len(fts_hits), len(scan_hits))
            scan = median_ms(lambda q=query: store.select(q), args.repeat)
            fts = median_ms(lambda t=text: store.search_labels(t, limit=None), args.repeat)
            speedups.append(scan / fts)
            print(f"| {text} | {len(fts_hits)} | {scan:.1f} | {fts:.2f} | {scan / fts:.0f}x |")
        bench = PREFIXES + QUERIES["label search (regex scan)"]
        limited = median_ms(lambda: store.select(bench), args.repeat)
        top = median_ms(lambda: store.search_labels("blinken", limit=50), args.repeat)
        found = len(store.search_labels("blinken", limit=50))
        print(
            f"| blinken, LIMIT 50 (sparql.py query) | {found} | {limited:.1f} | {top:.2f} | ",
            end="",
        )
        print(f"{limited / top:.0f}x |")
        print(f"\nmedian speedup over the full searches: {statistics.median(speedups):.0f}x")
    finally:
        store.close()
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    print(f"data in {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
