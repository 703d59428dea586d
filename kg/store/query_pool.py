"""Run endpoint queries under a hard time limit.

An on-disk Oxigraph store is locked by the process that opened it for writing (the server).
Its queries run in a :class:`QueryPool` of worker processes instead. A query that overruns its
limit has its worker killed (which also frees whatever memory a runaway query grabbed) and a
fresh worker takes its place, so the server's own process, its other workers and ``/health``
never wait for it. The pool runs on the server's event loop: a query is written to its worker's
socket and its answer awaited there (under the time limit), with no thread per query.
(``docs/benchmarks.md`` has what that and the other per-request savings measured.)

Workers do not read the live directory: pyoxigraph documents reading a store while another
process writes it as undefined (and it does fail: a read-only handle opened during a
compaction finds SST files gone). They read *snapshots* instead, consistent copies made of hard
links (:meth:`OxigraphStore.snapshot`, milliseconds) in a hidden directory next to the store.
Writes go through the server's writable store and bump its
:attr:`~OxigraphStore.generation`; the first query after a write takes a new snapshot, each
worker reopens its read-only handle on the snapshot it is handed (about 10 ms), and snapshots
no worker reads any more are deleted. So no query answers from data older than the last
completed write.

An in-memory store cannot be shared with another process, and a remote store is the remote
server's business, so for those :class:`InProcessRunner` runs queries in a thread with a
cooperative limit: the client gets its 503 on time and reading rows stops at the limit, but an
engine that has not produced its first row keeps its thread busy until it does.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import pickle
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from kg.errors import KGError, QueryTimeout, StoreError, StoreUnavailable
from kg.store.base import QueryResult, ResultFormat, Store

logger = logging.getLogger(__name__)

#: How a worker process is started (followed by the store path and the socket's fd).
WORKER_COMMAND: Final = (sys.executable, "-m", "kg.store.query_worker")
#: Seconds a new worker may take to start (import pyoxigraph) before it is given up on.
START_TIMEOUT: Final = 60.0


def _timeout_message(timeout: float) -> str:
    return (
        f"the query ran over the {timeout:g} s time limit and was stopped; make it more "
        "selective (a more specific pattern, a LIMIT) or ask the operator to raise "
        "--query-timeout"
    )


class QueryRunner(Protocol):
    """Runs endpoint queries on a store under a time limit, on the server's event loop."""

    async def query(
        self,
        sparql: str,
        *,
        result_format: ResultFormat,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
        timeout: float,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a query; see :meth:`kg.store.base.Store.query`.

        Raises:
            QueryTimeout: The query ran over ``timeout`` seconds.
        """
        ...

    async def close(self) -> None:
        """Stop the runner's workers."""
        ...


class InProcessRunner:
    """Runs queries in threads of this process with a cooperative time limit.

    Args:
        store: The store.
        threads: How many queries may run at once.
    """

    def __init__(self, store: Store, *, threads: int = 8) -> None:
        self._store = store
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="kg-query")

    async def query(
        self,
        sparql: str,
        *,
        result_format: ResultFormat,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
        timeout: float,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a query in a thread; answer :class:`QueryTimeout` once ``timeout`` has passed.

        Raises:
            QueryTimeout: The query ran over ``timeout`` seconds.
        """
        call = functools.partial(
            _query_in_thread,
            self._store,
            sparql,
            result_format=result_format,
            default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris,
            max_rows=max_rows,
            timeout=timeout,
            base_iri=base_iri,
        )
        future = asyncio.get_running_loop().run_in_executor(self._executor, call)
        try:
            return await asyncio.wait_for(future, timeout)
        except (TimeoutError, QueryTimeout) as exc:
            raise QueryTimeout(_timeout_message(timeout)) from exc

    async def close(self) -> None:
        """Stop accepting queries (running ones finish in the background)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def _query_in_thread(store: Store, sparql: str, **kwargs: Any) -> QueryResult:
    """Run a query; errors come out as fresh exceptions without a traceback.

    The traceback of a store error holds the engine's result iterator, which pyoxigraph
    refuses to have dropped on another thread; re-raising a copy lets it go here.
    """
    try:
        return store.query(sparql, **kwargs)
    except KGError as exc:
        error = type(exc)(*exc.args)
    raise error


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    snapshot: Path | None = None

    async def send(self, message: object) -> None:
        """Write one message the way :class:`multiprocessing.connection.Connection` frames it
        (the worker reads with one): a big-endian length, then the pickle."""
        assert self.writer is not None
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) > 0x7FFFFFFF:
            self.writer.write(struct.pack("!iQ", -1, len(payload)))
        else:
            self.writer.write(struct.pack("!i", len(payload)))
        self.writer.write(payload)
        await self.writer.drain()

    async def receive(self) -> Any:
        """Read one :class:`~multiprocessing.connection.Connection`-framed message.

        Raises:
            EOFError: The worker closed its end (it exited or was killed).
        """
        assert self.reader is not None
        try:
            (size,) = struct.unpack("!i", await self.reader.readexactly(4))
            if size == -1:
                (size,) = struct.unpack("!Q", await self.reader.readexactly(8))
            return pickle.loads(await self.reader.readexactly(size))
        except asyncio.IncompleteReadError as exc:
            raise EOFError("the query worker closed its connection") from exc


class QueryPool:
    """Worker processes with read-only handles on an on-disk Oxigraph store.

    The pool lives on the server's event loop: handing a query to a worker and waiting for its
    answer (or for the time limit) are awaits on the worker's socket, with no thread in between.

    Args:
        path: The store directory (opened for writing by this process).
        generation: Returns the store's current write generation.
        snapshot: Writes a consistent copy of the store to a directory.
        workers: Number of worker processes (queries that can run at once).
        memory_mb: Address-space limit of each worker in MiB (0: none). A query that needs
            more makes its worker abort; the client gets a 503 and a fresh worker starts.
    """

    def __init__(
        self,
        path: Path,
        *,
        generation: Callable[[], int],
        snapshot: Callable[[Path], None],
        workers: int = 2,
        memory_mb: int = 0,
    ) -> None:
        if workers < 1:
            raise ValueError("a query pool needs at least one worker")
        self._path = path
        self._memory_mb = memory_mb
        self._generation = generation
        self._snapshot = snapshot
        self._snapshots = path.parent / f".{path.name}.query-snapshots"
        shutil.rmtree(self._snapshots, ignore_errors=True)  # left by a crashed server
        self._snapshots.mkdir(parents=True)
        self._current: tuple[int, Path] | None = None
        self._taken = 0
        self._size = workers
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._snapshot_lock = asyncio.Lock()
        self._closed = False
        for _ in range(workers):
            self._idle.put_nowait(self._spawn())

    def __repr__(self) -> str:
        return f"QueryPool({str(self._path)!r}, workers={self._size})"

    async def query(
        self,
        sparql: str,
        *,
        result_format: ResultFormat,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
        timeout: float,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a query in a worker; kill the worker if the answer is not back in ``timeout``.

        ``timeout`` bounds the whole call: waiting for a free worker counts.

        Raises:
            QueryTimeout: No answer within ``timeout``.
            StoreUnavailable: The worker died while running the query (e.g. over its memory
                limit); a fresh one takes its place.
            KGError: Whatever the store raised (syntax error, unsupported format, ...).
        """
        if self._closed:
            raise StoreUnavailable("the query workers are stopped; restart the server")
        deadline = time.monotonic() + timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError as exc:
            raise QueryTimeout(
                f"all {self._size} query workers stayed busy for {timeout:g} s; try again "
                "later, or ask the operator to start more workers"
            ) from exc
        kwargs: dict[str, Any] = {
            "result_format": result_format,
            "default_graph_uris": list(default_graph_uris),
            "named_graph_uris": list(named_graph_uris),
            "max_rows": max_rows,
            "base_iri": base_iri,
        }
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                await self._connect(worker)
                await self._assign_snapshot(worker)
                await worker.send((str(worker.snapshot), sparql, kwargs))
                status, payload = await worker.receive()
        except TimeoutError as exc:
            logger.warning("a query ran over %.3g s; killing its worker", timeout)
            self._replace(worker)
            raise QueryTimeout(_timeout_message(timeout)) from exc
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise StoreUnavailable(
                "the query stopped: it needed more memory than a query may use (or its worker "
                "failed); make it more selective (a more specific pattern, a LIMIT, no ORDER BY "
                "over huge results)"
            ) from exc
        except BaseException:  # cancelled mid-query: the worker's answer would be misread
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        if status == "ok" and isinstance(payload, QueryResult):
            return payload
        if isinstance(payload, KGError):
            raise payload
        raise StoreError("the query worker failed; the server log has the details")

    async def close(self) -> None:
        """Stop every worker (idle ones cleanly, busy ones by force); delete the snapshots."""
        self._closed = True
        workers = list(self._all)
        self._all.clear()
        for worker in workers:  # end of input: the worker's loop ends
            if worker.writer is not None:
                worker.writer.close()
            else:
                worker.sock.close()
        await asyncio.to_thread(_stop_all, workers)
        shutil.rmtree(self._snapshots, ignore_errors=True)

    # ------------------------------------------------------------------ snapshots
    async def _assign_snapshot(self, worker: _Worker) -> None:
        """Hand the worker the snapshot of the current generation (taking it if needed)."""
        generation = self._generation()
        current = self._current
        if current is not None and current[0] == generation:
            worker.snapshot = current[1]
            return
        async with self._snapshot_lock:
            generation = self._generation()
            if self._current is None or self._current[0] != generation:
                self._taken += 1
                target = self._snapshots / f"{self._taken:06d}"
                await asyncio.to_thread(self._snapshot, target)
                self._current = (generation, target)
                await asyncio.to_thread(self._drop_unused_snapshots)
            worker.snapshot = self._current[1]

    def _drop_unused_snapshots(self) -> None:
        """Delete snapshots no worker holds (called when a new one is taken)."""
        if self._current is None:
            return
        in_use = {self._current[1]} | {w.snapshot for w in list(self._all)}
        for directory in self._snapshots.iterdir():
            if directory not in in_use:
                shutil.rmtree(directory, ignore_errors=True)

    # ------------------------------------------------------------------ workers
    def _spawn(self) -> _Worker:
        # A fresh interpreter (not multiprocessing's spawn, which re-imports the parent's
        # __main__) talking over a socket pair, framed like a multiprocessing Connection.
        parent, child = socket.socketpair()
        with child:
            process = subprocess.Popen(
                [*WORKER_COMMAND, str(self._path), str(child.fileno()), str(self._memory_mb)],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        worker = _Worker(process=process, sock=parent)
        self._all.add(worker)
        return worker

    async def _connect(self, worker: _Worker) -> None:
        """Open the worker's streams and wait for its ``ready`` (first use only)."""
        if worker.writer is not None:
            return
        worker.reader, worker.writer = await asyncio.open_connection(sock=worker.sock, limit=2**20)
        try:
            async with asyncio.timeout(START_TIMEOUT):
                ready = await worker.receive()
        except TimeoutError as exc:
            raise EOFError("the query worker did not start") from exc
        if ready != "ready":
            raise EOFError("the query worker did not start")

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        self._all.discard(worker)
        if worker.writer is not None:
            worker.writer.close()
        else:
            worker.sock.close()
        threading.Thread(target=_reap, args=(worker,), daemon=True).start()
        if not self._closed:
            self._idle.put_nowait(self._spawn())


def _stop_all(workers: list[_Worker]) -> None:
    for worker in workers:
        try:
            worker.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=2)


def _reap(worker: _Worker) -> None:
    try:
        worker.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        logger.warning("a killed query worker (pid %s) has not exited", worker.process.pid)


def open_query_runner(store: Store, *, workers: int = 2, memory_mb: int = 0) -> QueryRunner:
    """The runner that fits a store: worker processes for an on-disk Oxigraph store, threads
    with a cooperative limit otherwise (in-memory or remote stores, or ``workers=0``).

    Args:
        store: The open store.
        workers: Worker processes for an on-disk store (0: run in threads).
        memory_mb: Address-space limit of each worker process in MiB (0: none).

    Returns:
        The runner; close it before the store.
    """
    from kg.store.oxigraph_store import OxigraphStore

    if workers > 0 and isinstance(store, OxigraphStore) and store.path is not None:
        try:
            return QueryPool(
                store.path,
                generation=lambda: store.generation,
                snapshot=store.snapshot,
                workers=workers,
                memory_mb=memory_mb,
            )
        except OSError:
            logger.warning(
                "cannot start query workers next to %s (is its parent directory writable?); "
                "running queries in threads with a cooperative time limit instead",
                store.path,
                exc_info=True,
            )
    return InProcessRunner(store)
