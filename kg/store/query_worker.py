"""Entry point of a query worker process: ``python -m kg.store.query_worker PATH FD MEMORY_MB``.

Started by :class:`kg.store.query_pool.QueryPool`; ``FD`` is this process's end of a socket
pair, spoken to as a :class:`multiprocessing.connection.Connection`. ``MEMORY_MB`` (0: none)
caps the process's address space before anything is loaded, so a runaway query makes the
worker abort instead of exhausting the machine's memory.
"""

from __future__ import annotations

import logging
import resource
import sys
from multiprocessing.connection import Connection

from kg.errors import KGError


def run_worker(path: str, conn: Connection) -> None:
    """The loop of a worker process: answer queries on read-only handles of snapshots.

    Requests are ``(snapshot_dir, sparql, kwargs)``; ``None`` stops the worker. Answers are
    ``("ok", QueryResult)`` or ``("error", KGError)``.

    Args:
        path: The store directory (for messages; queries read the snapshots).
        conn: The worker's end of the pipe.
    """
    from kg.store.oxigraph_store import OxigraphStore  # after main() set the memory limit

    store: OxigraphStore | None = None
    opened = ""
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            break
        if request is None:
            break
        snapshot, sparql, kwargs = request
        try:
            if store is None or snapshot != opened:
                if store is not None:
                    store.close()
                store = OxigraphStore(snapshot, read_only=True)
                opened = snapshot
            conn.send(("ok", store.query(sparql, **kwargs)))
        except KGError as exc:
            conn.send(("error", exc))
        except Exception:  # a bug: log it here, tell the server without the details
            logging.getLogger(__name__).exception("query worker on %s failed", path)
            conn.send(("error", None))
    if store is not None:
        store.close()


def main(argv: list[str]) -> None:
    """Serve queries on the store at ``argv[0]`` over the connection on fd ``argv[1]``.

    Args:
        argv: ``[path, fd, memory_mb]``.
    """
    path, fd, memory_mb = argv
    if int(memory_mb) > 0:
        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    run_worker(path, Connection(int(fd)))


if __name__ == "__main__":
    main(sys.argv[1:])
