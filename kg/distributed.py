"""Extraction on a Dask cluster (``kg ingest --dask-scheduler tcp://host:port``).

The driver (the process that writes to the store) submits batches of reports to the cluster and
reads the results back in input order. Each Dask worker process loads the extractor once, on its
first batch, and keeps it for the next ones; workers need conflict-kg and the spaCy model
installed, and one thread per worker (spaCy pipelines are not shared between threads here).

Dask is an optional dependency (``pip install "conflict-kg[dask]"``) and is imported only when a
cluster is used.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ClusterError, ConfigError, ExtractionError, KGError
from kg.models import Extraction, Report
from kg.pipeline import Extractor
from kg.text_limits import check_sentence_chars

if TYPE_CHECKING:
    from distributed import Client, Future

logger = logging.getLogger(__name__)

INSTALL_HINT = 'pip install "conflict-kg[dask]"'
BATCH_SIZE = 16
#: Seconds to wait for the scheduler, and then for its first worker.
CONNECT_TIMEOUT = 10.0
IN_FLIGHT_PER_WORKER = 2

_EXTRACTORS: dict[ExtractorSpec, Extractor] = {}
_EXTRACTORS_LOCK = threading.Lock()
_EXTRACT_LOCKS: dict[ExtractorSpec, threading.Lock] = {}


@dataclass(frozen=True, slots=True)
class ExtractorSpec:
    """What a worker needs to load the same extractor as the driver.

    Attributes:
        model: The spaCy model name.
        patterns_dir: Directory of pattern data (None: the packaged data). It must exist at
            the same path on every worker.
    """

    model: str
    patterns_dir: Path | None = None


def _worker_extractor(spec: ExtractorSpec) -> tuple[Extractor, threading.Lock]:
    """The extractor of this worker process, loaded on first use."""
    with _EXTRACTORS_LOCK:
        extractor = _EXTRACTORS.get(spec)
        if extractor is None:
            extractor = Extractor.load(model=spec.model, patterns_dir=spec.patterns_dir)
            _EXTRACTORS[spec] = extractor
            _EXTRACT_LOCKS[spec] = threading.Lock()
        return extractor, _EXTRACT_LOCKS[spec]


def _load_on_worker(spec: ExtractorSpec) -> str:
    """Load the extractor of this worker process (a task); return its model label."""
    extractor, lock = _worker_extractor(spec)
    with lock:
        # Build what the extractor otherwise builds on its first report.
        _ = extractor.matcher, extractor.capitals
    return extractor.model


def extract_batch(reports: Sequence[Report], spec: ExtractorSpec) -> list[Extraction | KGError]:
    """Extract a batch of reports on a worker (the task the driver submits).

    The batch is parsed with ``nlp.pipe``. A report that cannot be extracted gives its error in
    its place and ends the batch, so the driver raises it at that report, after writing the ones
    before it, as a single process would.

    Args:
        reports: The reports.
        spec: The extractor to use.

    Returns:
        One extraction per report, in order, or fewer ending with an error.

    Raises:
        PipelineError: The worker cannot load the model or pattern data.
    """
    extractor, lock = _worker_extractor(spec)
    out: list[Extraction | KGError] = []
    ready: list[Report] = []
    refused: KGError | None = None
    for report in reports:
        try:
            check_sentence_chars(report)
        except KGError as exc:
            refused = exc
            break
        ready.append(report)
    with lock:
        docs = extractor.nlp.pipe([r.text for r in ready], batch_size=max(1, len(ready)))
        for report in ready:
            try:
                doc = next(docs)
            except (ValueError, RuntimeError) as exc:
                return [*out, ExtractionError(f"report {report.id!r}: spaCy failed: {exc}")]
            try:
                out.append(extractor.extract_doc(report, doc))
            except KGError as exc:
                return [*out, exc]
    return out if refused is None else [*out, refused]


class DaskExtraction:
    """Extracts reports on a connected Dask cluster, yielding extractions in input order.

    At most ``IN_FLIGHT_PER_WORKER`` batches per worker are submitted at a time. Build it with
    :func:`connect_cluster`.

    Args:
        client: A connected ``distributed.Client``.
        spec: The extractor the workers load.
        batch_size: Most reports per task (fewer when there are few reports).
    """

    def __init__(self, client: Client, *, spec: ExtractorSpec, batch_size: int = BATCH_SIZE):
        self._client = client
        self._spec = spec
        self._batch_size = batch_size

    def __call__(self, reports: Sequence[Report]) -> Generator[Extraction, None, None]:
        """Extract ``reports`` on the cluster.

        Args:
            reports: The reports.

        Yields:
            One extraction per report, in input order.

        Raises:
            InputError: A report is unusable (e.g. a sentence too long to extract from).
            ExtractionError: spaCy failed on a report.
            PipelineError: A worker cannot load the model.
            ClusterError: The cluster failed (workers lost, scheduler gone).
        """
        from distributed import KilledWorker
        from distributed.client import FutureCancelledError

        limit = IN_FLIGHT_PER_WORKER * max(1, len(self._client.nthreads()))
        # Small inputs are split so that every worker gets some of them.
        size = max(1, min(self._batch_size, -(-len(reports) // limit)))
        batches = iter([reports[i : i + size] for i in range(0, len(reports), size)])
        in_flight: deque[Future[list[Extraction | KGError]]] = deque()
        try:
            for batch in batches:
                in_flight.append(self._submit(batch))
                if len(in_flight) >= limit:
                    break
            while in_flight:
                results = in_flight.popleft().result()
                more = next(batches, None)
                if more is not None:
                    in_flight.append(self._submit(more))
                for result in results:
                    if isinstance(result, KGError):
                        raise result
                    yield result
        except (KilledWorker, FutureCancelledError, OSError) as exc:
            reason = exc.reason if isinstance(exc, FutureCancelledError) else str(exc)
            raise ClusterError(
                f"the Dask cluster failed during extraction ({reason}); check the scheduler "
                "and the workers, then re-run (reports already written are skipped)"
            ) from exc
        finally:
            for future in in_flight:
                future.cancel()

    def _submit(self, batch: Sequence[Report]) -> Future[list[Extraction | KGError]]:
        return self._client.submit(extract_batch, list(batch), self._spec, pure=False)


@contextlib.contextmanager
def connect_cluster(
    address: str,
    *,
    model: str,
    patterns_dir: Path | None = None,
    timeout: float = CONNECT_TIMEOUT,
    batch_size: int = BATCH_SIZE,
) -> Iterator[DaskExtraction]:
    """Connect to a Dask scheduler; yield an extraction function that runs on its workers.

    Args:
        address: The scheduler address, e.g. ``tcp://127.0.0.1:8786``.
        model: The spaCy model name the workers load.
        patterns_dir: Pattern data directory (None: the packaged data).
        timeout: Seconds to wait for the scheduler, then for at least one worker.
        batch_size: Most reports per task.

    Yields:
        The extraction function, to pass to :func:`kg.parallel.ingest_reports`.

    Raises:
        ConfigError: Dask is not installed, or the address is malformed.
        ClusterError: The scheduler cannot be reached or has no workers.
        PipelineError: A worker cannot load the model or pattern data (the extractor is loaded
            on every worker before this yields).
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise ConfigError(f"--dask-scheduler needs Dask: {INSTALL_HINT}") from exc
    _check_address(address)
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except OSError as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s; check that "
            "`dask scheduler` is running there and the port is open"
        ) from exc
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except OSError as exc:
            raise ClusterError(
                f"the Dask scheduler at {address} has no workers after {timeout:g} s; start "
                f"some with `dask worker {address} --nthreads 1`"
            ) from exc
        spec = ExtractorSpec(model, patterns_dir)
        _load_on_workers(client, spec)
        yield DaskExtraction(client, spec=spec, batch_size=batch_size)
    finally:
        client.close()


def _load_on_workers(client: Client, spec: ExtractorSpec) -> None:
    """Load the extractor on every worker now, so a worker without the model fails early."""
    workers = list(client.nthreads())
    futures = [
        client.submit(_load_on_worker, spec, workers=[worker], pure=False) for worker in workers
    ]
    models = client.gather(futures)
    logger.info(
        "extracting on %d Dask workers with %s", len(workers), ", ".join(sorted(set(models)))
    )


def _check_address(address: str) -> None:
    """Reject a malformed scheduler address before a client is built for it.

    (A ``Client`` whose constructor fails on a bad address hangs in its finaliser.)
    """
    from distributed.comm.addressing import get_address_host_port, parse_address
    from distributed.comm.registry import get_backend

    try:
        scheme, _location = parse_address(address)
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            get_address_host_port(address)
    except ValueError as exc:
        raise ConfigError(
            f"bad Dask scheduler address {address!r}: {exc}; use tcp://HOST:PORT"
        ) from exc
