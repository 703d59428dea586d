"""Replacing everything an Oxigraph store holds, streamed and all-or-nothing (``kg restore``).

Part of :class:`kg.store.oxigraph_store.OxigraphStore`, split out to keep modules small. The
quads are parsed in chunks as they are read (:func:`~kg.store.oxigraph_terms.iter_parsed_quads`),
never all at once, and written in one of three ways, each all-or-nothing:

* An in-memory store: a new in-memory store is filled, then takes the old one's place.
* An on-disk store (the usual case): a new store is bulk-loaded, :data:`BULK_CHUNK` quads at a
  time, into the sibling directory ``.NAME.restore-new`` (nothing there counts until it is
  complete; memory stays flat whatever the dump's size), then swapped in with two
  renames, ``NAME`` -> ``.NAME.restore-old`` and ``.NAME.restore-new`` -> ``NAME``, and the old
  directory is deleted. A process that dies between the two renames leaves ``NAME`` missing;
  opening the store then renames the old directory back (:func:`recover_restore`). The
  directory is replaced, so permissions set on it by hand are not kept.
* An on-disk store whose directory cannot be swapped (a mount point or a symbolic link, or its
  parent is not writable): if it is empty, one transaction adds the quads
  (``Store.extend``; pyoxigraph keeps the transaction's writes in memory until it commits,
  about 7 times the size of the N-Quads); if it holds data, the restore is refused (restore
  into an empty directory instead).

The name index (``labels.sqlite``) is marked stale and rebuilt before the next search.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from kg.errors import StoreError
from kg.store.base import Quad
from kg.store.label_index import INDEX_FILE, LabelIndex
from kg.store.oxigraph_terms import iter_parsed_quads

logger = logging.getLogger(__name__)

#: Quads per bulk load into a new store (pyoxigraph's loader holds each load in memory).
BULK_CHUNK: Final = 100_000


def restore_dirs(path: Path) -> tuple[Path, Path]:
    """The sibling directories a restore of the store at ``path`` uses: (new, old)."""
    return (
        path.parent / f".{path.name}.restore-new",
        path.parent / f".{path.name}.restore-old",
    )


def recover_restore(path: Path) -> None:
    """Finish or undo a restore that stopped between its two renames; call before opening.

    Raises:
        OSError: The old directory cannot be renamed back.
    """
    _, old = restore_dirs(path)
    if not old.exists():
        return
    if path.exists():  # the new store is in place; only deleting the old one was left
        shutil.rmtree(old, ignore_errors=True)
        return
    old.rename(path)
    logger.warning(
        "a restore of the store at %s was interrupted; it holds its data from before", path
    )


class OxigraphRestore:
    """Mixin: :meth:`replace_all` for :class:`~kg.store.oxigraph_store.OxigraphStore`."""

    path: Path | None
    generation: int
    _store: ox.Store | None
    _labels: LabelIndex | None
    _writing: threading.RLock

    @property
    def _db(self) -> ox.Store:  # provided by OxigraphStore
        raise NotImplementedError

    def _unindexed_write(self) -> AbstractContextManager[None]:  # provided by OxigraphLabels
        raise NotImplementedError

    def __len__(self) -> int:  # provided by OxigraphStore
        raise NotImplementedError

    def replace_all(self, quads: Iterable[Quad]) -> None:
        """Atomically replace everything the store holds with ``quads``, read as a stream.

        Args:
            quads: The new contents; terms in N-Triples syntax, graph a bare IRI or None.

        Raises:
            StoreError: A quad is malformed or the write failed; the store is unchanged.
                What ``quads`` raises propagates; the store is unchanged then too.
        """
        parsed = iter_parsed_quads(quads)
        with self._writing:
            path = self.path
            if path is not None and not _can_swap(path) and len(self):
                raise StoreError(
                    f"cannot replace the contents of {path}: it is a mount point or a symbolic "
                    "link, or its parent directory is not writable; nothing was changed. "
                    "Restore into an empty or new --store directory instead."
                )
            try:
                if path is None:
                    fresh = ox.Store()
                    fresh.extend(parsed)
                    with self._unindexed_write():
                        self._store = fresh
                elif _can_swap(path):
                    self._swap_in(path, _build_store(path, parsed))
                else:
                    with self._unindexed_write():
                        self._db.extend(parsed)
            except (SyntaxError, OSError) as exc:  # pyoxigraph's; what quads raise passes
                raise StoreError(f"restoring the store failed, it is unchanged: {exc}") from exc
            finally:
                self.generation += 1

    def _swap_in(self, path: Path, staged: Path) -> None:
        """Put the complete store in ``staged`` in the place of this one (see module doc)."""
        _, old = restore_dirs(path)
        shutil.rmtree(old, ignore_errors=True)
        self._close_handles()
        try:
            path.rename(old)
        except OSError as exc:
            self._reopen(path)
            shutil.rmtree(staged, ignore_errors=True)
            raise StoreError(
                f"cannot replace the store directory {path} ({exc}); nothing was changed. "
                "Restore into an empty or new --store directory instead."
            ) from exc
        try:
            staged.rename(path)
        except OSError as exc:
            if not path.exists():
                old.rename(path)
            self._reopen(path)
            shutil.rmtree(staged, ignore_errors=True)
            raise StoreError(
                f"cannot move the restored store into {path} ({exc}); nothing was changed"
            ) from exc
        self._reopen(path)
        if self._labels is not None:
            self._labels.mark_stale()
        shutil.rmtree(old, ignore_errors=True)

    def _close_handles(self) -> None:
        """Close the store and its name index (unlocking the directory) before a rename."""
        if self._labels is not None:
            self._labels.close()
        self._db.flush()
        self._store = None

    def _reopen(self, path: Path) -> None:
        self._store = ox.Store(str(path))
        self._labels = LabelIndex(path / INDEX_FILE)


def _can_swap(path: Path) -> bool:
    """Whether the store directory can be replaced by renames (see the module doc)."""
    return (
        path.is_dir()
        and not path.is_symlink()
        and not os.path.ismount(path)
        and os.access(path.parent, os.W_OK)
    )


def _build_store(path: Path, quads: Iterator[ox.Quad]) -> Path:
    """Bulk-load ``quads`` into a new store next to ``path``; its directory.

    Raises:
        OSError, SyntaxError: Loading failed (the directory is deleted again).
    """
    staged, _ = restore_dirs(path)
    shutil.rmtree(staged, ignore_errors=True)
    try:
        _bulk_load(staged, quads)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _bulk_load(directory: Path, quads: Iterator[ox.Quad]) -> None:
    store = ox.Store(str(directory))
    # One bulk load per chunk: the loader buffers what it is given, so this bounds memory.
    while (first := next(quads, None)) is not None:
        store.bulk_extend(itertools.chain((first,), itertools.islice(quads, BULK_CHUNK - 1)))
    store.flush()  # the store is closed when this frame ends (its only reference)
