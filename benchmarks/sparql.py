"""SPARQL benchmark: raw pyoxigraph vs conflict-kg's endpoint (HTTP) vs rdflib-endpoint (HTTP).

The graph is synthetic but shaped exactly like real output: the 7 example reports are ingested
with ``kg ingest`` and their N-Quads replicated (report, sentence, event, statement and mention
IRIs renamed per copy, entities spread over variants so copies share actors, dates shifted)
until the target size is reached. Then, in one run:

1. raw pyoxigraph: ``Store.query`` (union default graph) plus serialisation, in process;
2. conflict-kg: ``kg serve`` on the same on-disk store, over HTTP (keep-alive);
3. rdflib-endpoint (optional): its ``SparqlEndpoint`` on an rdflib ``Dataset`` of the same
   quads, run by the Python of a separate virtualenv (``--rdflib-python``).

Each query's median latency over ``--repeat`` runs, then requests per second of the lookup
query at ``--concurrency`` connections for ``--duration`` seconds.

    .venv/bin/python benchmarks/sparql.py --quads 1000000 \\
        --rdflib-python ../rdflib-endpoint-venv/bin/python
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/conflict-kg/id/"
ENT = f"<{ID}entity/antony-blinken>"
ENT2 = f"<{ID}entity/united-states>"
PREFIXES = (
    "PREFIX ck: <https://w3id.org/conflict-kg/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)
ROLE = "ck:agent|ck:participant|ck:target"
QUERIES: dict[str, str] = {
    "1-hop (lookup)": f"""SELECT ?event ?type ?other WHERE {{
  ?event {ROLE} {ENT} ; a ?type . OPTIONAL {{ ?event {ROLE} ?other FILTER(?other != {ENT}) }}
}} LIMIT 200""",
    "2-hop": f"""SELECT DISTINCT ?b WHERE {{
  ?e1 {ROLE} {ENT} . ?e1 {ROLE} ?a . ?e2 {ROLE} ?a . ?e2 {ROLE} ?b
  FILTER(?a != {ENT} && ?b != ?a && ?b != {ENT})
}} LIMIT 500""",
    "actor pair + date filter": f"""SELECT ?event ?date WHERE {{
  ?event {ROLE} {ENT} . ?event {ROLE} {ENT2} . ?event ck:startDate ?date
  FILTER(?date >= "2023-06-01"^^xsd:date)
}} ORDER BY ?date""",
    "count by event type": """SELECT ?type (COUNT(?e) AS ?n) WHERE {
  ?e ck:modality ?m ; a ?type } GROUP BY ?type ORDER BY DESC(?n)""",
    "property path": """SELECT ?cls (COUNT(?e) AS ?n) WHERE {
  ?cls rdfs:subClassOf* ck:Event . ?e a ?cls } GROUP BY ?cls""",
    "optional + order + limit": """SELECT ?e ?date ?place WHERE {
  ?e a ck:Meeting . OPTIONAL { ?e ck:startDate ?date } OPTIONAL { ?e ck:location ?place }
} ORDER BY DESC(?date) ?e LIMIT 20""",
    "label search (regex scan)": """SELECT ?s ?label WHERE {
  ?s rdfs:label ?label FILTER(REGEX(?label, "blinken", "i")) } LIMIT 50""",
    "construct ego graph": f"""CONSTRUCT {{ {ENT} ?p ?o . ?s ?q {ENT} }} WHERE {{
  {{ {ENT} ?p ?o }} UNION {{ ?s ?q {ENT} }} }}""",
}
LOOKUP = "1-hop (lookup)"
SPARQL_JSON = "application/sparql-results+json"
_DATE = re.compile(r'"(\d{4}-\d{2}-\d{2})"\^\^<http://www\.w3\.org/2001/XMLSchema#date>')
_ENTITY = re.compile(rf"<({re.escape(ID)}entity/[^>#]+)>")
_LABEL = re.compile(r'^(<[^>]+/entity/[^>]+>) (<[^>]+#(?:label|altLabel)>) "([^"]*)"')


def _is_construct(name: str) -> bool:
    return QUERIES[name].lstrip().startswith("CONSTRUCT")


# ---------------------------------------------------------------------- data
def build_seed(work: Path) -> Path:
    """Ingest the example reports and export their N-Quads (cached in ``work``)."""
    seed = work / "seed.nq"
    if not seed.exists():
        store = work / "seed-store"
        kg = [sys.executable, "-m", "kg"]
        subprocess.run([*kg, "ingest", str(ROOT / "examples"), "--store", str(store)], check=True)
        export = ["export", "--format", "nquads", "--store", str(store), "-o", str(seed)]
        subprocess.run([*kg, *export], check=True)
    return seed


def synthesize(seed: Path, target: int, out: Path, *, variants: int = 40) -> int:
    """Replicate the seed quads until about ``target`` quads; returns the count written."""
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    shared = [line for line in lines if line.endswith(f"<{ID}graph/ontology> .")]
    per_report = [line for line in lines if line not in set(shared)]
    doc_ids = sorted(
        set(re.findall(rf"<{re.escape(ID)}graph/([^>]+)-provenance>", "\n".join(lines)))
    )
    copies = max(1, math.ceil((target - len(shared)) / len(per_report)))
    by_length = sorted(doc_ids, key=len, reverse=True)
    doc_pattern = re.compile("|".join(re.escape(d) for d in by_length))
    written = 0
    with out.open("w", encoding="utf-8") as sink:
        sink.write("\n".join(shared) + "\n")
        written += len(shared)
        for copy in range(copies):
            sink.write(_rewrite(per_report, doc_pattern, copy, copy % variants) + "\n")
            written += len(per_report)
            if written >= target:
                break
    return written


def _rewrite(lines: list[str], doc_pattern: re.Pattern[str], copy: int, variant: int) -> str:
    """One copy of the per-report quads: renamed reports, entity variant, shifted dates."""
    shift = dt.timedelta(days=7 * copy)
    text = doc_pattern.sub(lambda m: f"{m.group()}-c{copy}", "\n".join(lines))
    if variant:
        text = _ENTITY.sub(lambda m: f"<{m.group(1)}-v{variant}>", text)
        text = "\n".join(
            _LABEL.sub(lambda m: f'{m.group(1)} {m.group(2)} "{m.group(3)} {variant}"', line)
            for line in text.split("\n")
        )
    return _DATE.sub(
        lambda m: (
            f'"{(dt.date.fromisoformat(m.group(1)) + shift).isoformat()}"'
            "^^<http://www.w3.org/2001/XMLSchema#date>"
        ),
        text,
    )


def load_store(nquads: Path, path: Path) -> int:
    store = ox.Store(str(path))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    count = len(store)
    store.flush()
    del store
    return count


# ---------------------------------------------------------------------- measuring
def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure_raw(path: Path, repeat: int) -> dict[str, float]:
    store = ox.Store(str(path))
    results = {}
    for name, query in QUERIES.items():

        def run(query: str = PREFIXES + query) -> bytes | None:
            result = store.query(query, use_default_graph_as_union=True)
            if isinstance(result, ox.QueryTriples):
                return result.serialize(format=ox.RdfFormat.N_TRIPLES)
            assert isinstance(result, ox.QuerySolutions)
            return result.serialize(format=ox.QueryResultsFormat.JSON)

        results[name] = median_ms(run, repeat)
    return results  # the store closes when its last reference goes


def measure_http(url: str, repeat: int, *, timeout: float = 120.0) -> dict[str, float]:
    results = {}
    with httpx.Client(timeout=timeout) as client:
        for name, query in QUERIES.items():
            accept = (
                "application/n-triples"
                if _is_construct(name)
                else "application/sparql-results+json"
            )

            def run(query: str = PREFIXES + query, accept: str = accept) -> bytes:
                response = client.post(url, data={"query": query}, headers={"Accept": accept})
                response.raise_for_status()
                return response.content

            try:
                results[name] = median_ms(run, repeat)
            except httpx.HTTPError as exc:
                print(f"  {name}: {exc!r}", file=sys.stderr)
                results[name] = math.nan
    return results


def measure_throughput(url: str, *, concurrency: int, duration: float, client: str) -> float:
    """Requests per second of the lookup query (form POST) at ``concurrency`` connections.

    ``client`` is ``wrk`` (C, two threads: it leaves the CPUs to the server) or ``httpx`` (an
    asyncio Python client, which competes with the server for the same two cores).
    """
    query = PREFIXES + QUERIES[LOOKUP]
    if client == "wrk":
        return _wrk_throughput(url, query, concurrency=concurrency, duration=duration)

    async def main() -> int:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(timeout=60, limits=limits) as client:
            deadline = time.perf_counter() + duration
            done = 0

            async def worker() -> None:
                nonlocal done
                while time.perf_counter() < deadline:
                    response = await client.post(url, data={"query": query})
                    response.raise_for_status()
                    done += 1

            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return done

    started = time.perf_counter()
    count = asyncio.run(main())
    return count / (time.perf_counter() - started)


def _wrk_throughput(url: str, query: str, *, concurrency: int, duration: float) -> float:
    body = urllib.parse.urlencode({"query": query})
    script = (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Accept"] = "{SPARQL_JSON}"\n'
        f"wrk.body = {json.dumps(body)}\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        threads = str(min(2, concurrency))
        command = ["wrk", "-t", threads, "-c", str(concurrency), "-d", f"{duration:g}s"]
        output = subprocess.run(
            [*command, "-s", handle.name, url], capture_output=True, text=True, check=True
        ).stdout
    finally:
        Path(handle.name).unlink()
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise RuntimeError(f"{match.group(1)} requests failed under load:\n{output}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    return float(rate.group(1))


@contextmanager
def cpu_time(pid: int) -> Iterator[list[float]]:
    """CPU seconds (user + system) a process and its children use inside the block.

    Reads ``/proc`` (Linux), so it counts the server's query worker processes too; the
    one-element list is filled when the block ends.
    """
    used = [math.nan]
    before = _tree_cpu(pid)
    yield used
    used[0] = _tree_cpu(pid) - before


def _tree_cpu(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        pending += [int(child) for child in children]
    return total


# ---------------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(
    command: list[str], ready_url: str, log: Path, *, wait: float
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                if httpx.get(ready_url, timeout=5).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[:3]} did not start; see {log}")
            time.sleep(0.5)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


RDFLIB_SERVER = """
import sys, warnings
warnings.simplefilter("ignore")
import rdflib, uvicorn
from rdflib_endpoint import SparqlEndpoint
dataset = rdflib.Dataset(default_union=True)
dataset.parse(sys.argv[1], format="nquads")
print("loaded", len(dataset), flush=True)
app = SparqlEndpoint(graph=dataset)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


# ---------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rdflib-python", type=Path, help="python of a venv with rdflib-endpoint")
    parser.add_argument("--rdflib-repeat", type=int, default=3)
    parser.add_argument(
        "--client",
        choices=("wrk", "httpx"),
        default="wrk" if shutil.which("wrk") else "httpx",
        help="load generator for requests/s (default: wrk when it is on PATH)",
    )
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-sparql-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    seed = build_seed(work)
    nquads = work / f"synthetic-{args.quads}.nq"
    written = synthesize(seed, args.quads, nquads)
    store_path = work / f"store-{args.quads}"
    if not store_path.exists():
        load_store(nquads, store_path)
    print(f"# {written} quads written; store at {store_path}", file=sys.stderr)

    columns: dict[str, dict[str, float]] = {"raw pyoxigraph": measure_raw(store_path, args.repeat)}
    rps: dict[str, float] = {}
    cpu: dict[str, float] = {}  # server CPU seconds per request (its process and children)
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    command = [sys.executable, "-m", "kg", "serve", "--store", str(store_path)]
    command += ["--port", str(port), "--query-timeout", "120"]
    env_log = work / "kg-serve.log"
    with serve(command, f"http://127.0.0.1:{port}/health", env_log, wait=60) as server:
        columns["conflict-kg /sparql"] = measure_http(url, args.repeat)
        with cpu_time(server.pid) as used:
            rps["conflict-kg /sparql"] = measure_throughput(
                url, concurrency=args.concurrency, duration=args.duration, client=args.client
            )
        cpu["conflict-kg /sparql"] = used[0] / (rps["conflict-kg /sparql"] * args.duration)
    if args.rdflib_python:
        script = work / "rdflib_server.py"
        script.write_text(RDFLIB_SERVER, encoding="utf-8")
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        command = [str(args.rdflib_python), str(script), str(nquads), str(port)]
        with serve(command, f"{url}?query=ASK%7B%7D", work / "rdflib.log", wait=1800) as server:
            columns["rdflib-endpoint"] = measure_http(url, args.rdflib_repeat, timeout=300)
            with cpu_time(server.pid) as used:
                rps["rdflib-endpoint"] = measure_throughput(
                    url, concurrency=args.concurrency, duration=args.duration, client=args.client
                )
            cpu["rdflib-endpoint"] = used[0] / (rps["rdflib-endpoint"] * args.duration)

    names = list(columns)
    print(
        f"\n{written:,} quads; median ms of {args.repeat} runs (rdflib-endpoint: "
        f"{args.rdflib_repeat})\n"
    )
    print("| query | " + " | ".join(names) + " | ours / raw |")
    print("| --- |" + " --- |" * (len(names) + 1))
    for query in QUERIES:
        cells = [f"{columns[n][query]:.1f}" for n in names]
        ratio = columns["conflict-kg /sparql"][query] / columns["raw pyoxigraph"][query]
        print(f"| {query} | " + " | ".join(cells) + f" | {ratio:.2f} |")
    print(
        f"\nrequests/s, {LOOKUP}, {args.concurrency} connections, {args.duration:g} s, "
        f"{args.client}:"
    )
    for name, value in rps.items():
        print(f"- {name}: {value:.1f} (server CPU {cpu[name] * 1000:.2f} ms per request)")
    if "rdflib-endpoint" in rps:
        ratio = rps["conflict-kg /sparql"] / rps["rdflib-endpoint"]
        print(f"- conflict-kg / rdflib-endpoint: {ratio:.2f}x")
    print(f"\nlogs and data in {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
