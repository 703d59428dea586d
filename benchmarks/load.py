"""Load test with wrk: a lookup route and a SPARQL route of a real server on 127.0.0.1.

    python benchmarks/load.py [--duration 60] [--connections 64] [--store DIR]

Serves a store (by default a fresh one holding the ``examples/`` reports, ingested with
``kg ingest``) with ``kg serve``, runs ``wrk --latency`` against each route in turn and prints
requests/s, p50, p99, socket errors and non-2xx responses. Needs Debian's ``wrk`` on PATH.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KG = ROOT / ".venv" / "bin" / "kg"
SPARQL = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 20"
)
ROUTES = {
    "lookup": "/entities?q=Hamas&limit=10",
    "sparql": "/sparql?" + urllib.parse.urlencode({"query": SPARQL}),
}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One wrk run.

    Attributes:
        route: Route name.
        requests: Requests completed.
        rate: Requests per second.
        p50_ms: Median latency in milliseconds.
        p99_ms: 99th percentile latency in milliseconds.
        socket_errors: Connect, read, write and timeout errors together.
        non_2xx: Responses that were not 2xx or 3xx.
    """

    route: str
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    non_2xx: int


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(route: str, output: str) -> LoadResult:
    """Read a ``wrk --latency`` report."""
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not (requests and rate and "50" in percentiles and "99" in percentiles):
        raise ValueError(f"unexpected wrk output:\n{output}")
    return LoadResult(
        route=route,
        requests=int(requests.group(1)),
        rate=float(rate.group(1)),
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("kg serve exited")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("kg serve did not become healthy")


def run_load(
    store: Path, *, duration: int, connections: int = 64, threads: int = 2
) -> list[LoadResult]:
    """Serve ``store`` and run wrk against each route for ``duration`` seconds.

    Raises:
        RuntimeError: wrk is missing or the server did not start.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(KG), "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_healthy(url, server)
        results = []
        for name, path in ROUTES.items():
            command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
            command += ["-H", "Accept: application/json, application/sparql-results+json"]
            done = subprocess.run(
                [*command, url + path], capture_output=True, text=True, check=True
            )
            results.append(parse_wrk(name, done.stdout))
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def build_store(directory: Path) -> Path:
    """Ingest the example reports into a new store under ``directory``."""
    store = directory / "store"
    subprocess.run(
        [str(KG), "ingest", "--store", str(store), str(ROOT / "examples")],
        check=True,
        capture_output=True,
    )
    return store


def main() -> None:
    """Print one line per route."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=60, help="Seconds per route.")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--store", type=Path, help="Store to serve (default: the examples).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_store(Path(tmp))
        results = run_load(
            store, duration=args.duration, connections=args.connections, threads=args.threads
        )
    for r in results:
        print(
            f"{r.route}: {r.requests} requests, {r.rate:.0f} req/s, p50 {r.p50_ms:.1f} ms, "
            f"p99 {r.p99_ms:.1f} ms, socket errors {r.socket_errors}, non-2xx {r.non_2xx}"
        )


if __name__ == "__main__":
    main()
