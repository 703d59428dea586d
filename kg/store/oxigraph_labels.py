"""Name search of the Oxigraph backend through its :class:`~kg.store.label_index.LabelIndex`.

Part of :class:`kg.store.oxigraph_store.OxigraphStore`, split out to keep modules small. The
consistency story is in :mod:`kg.store.label_index`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.store.base import Term
from kg.store.label_index import (
    INDEX_FILE,
    NAME_PREDICATES,
    RDF_TYPE,
    LabelHit,
    LabelIndex,
    sparql_label_search,
)
from kg.store.oxigraph_terms import index_rows


class OxigraphLabels:
    """Mixin: keeps ``self._labels`` in step with ``self._db`` and searches it."""

    _labels: LabelIndex | None
    _writing: threading.RLock

    @property
    def _db(self) -> ox.Store:  # provided by OxigraphStore
        raise NotImplementedError

    def select(self, sparql: str) -> list[dict[str, Term]]:  # provided by OxigraphStore
        raise NotImplementedError

    def _open_labels(self, path: Path | None, *, read_only: bool) -> None:
        """Open the index of the store at ``path`` (None: in memory); none for read-only."""
        self._writing = threading.RLock()
        self._labels = None if read_only else LabelIndex(path and path / INDEX_FILE)

    def search_labels(
        self,
        text: str,
        *,
        types: Sequence[str] | None = None,
        limit: int | None = 20,
        offset: int = 0,
    ) -> list[LabelHit]:
        """Subjects with a name (``rdfs:label``, ``skos:altLabel``, ``ck:trigger``) matching
        every word of ``text`` as a word prefix, ignoring case and accents; best first.

        A read-only handle has no index and scans with SPARQL instead. A stale index is
        rebuilt from the store first.

        Args:
            text: Words to look for.
            types: Only subjects typed with one of these class IRIs (None: any ``ck:`` class).
            limit: Most hits (None: all).
            offset: Hits to skip.

        Returns:
            ``(iri, name, score)`` triples, one per subject.

        Raises:
            StoreError: The index cannot be read or rebuilt.
        """
        labels = self._labels
        if labels is None:
            return sparql_label_search(self.select, text, types=types, limit=limit, offset=offset)
        self._db  # noqa: B018 - raises StoreUnavailable once closed
        if labels.is_stale:
            with self._writing:
                if labels.is_stale:
                    labels.rebuild(self._all_index_rows())
        return labels.search(text, types=types, limit=limit, offset=offset)

    @contextmanager
    def _unindexed_write(self) -> Iterator[None]:
        """Hold the write lock around a store write that the index does not mirror: the index is
        marked stale (rebuilt before the next search) unless the write fails."""
        with self._writing:
            labels = self._labels
            if labels is None:
                yield
                return
            was_stale = labels.is_stale
            labels.begin_write()
            labels.mark_stale()
            try:
                yield
            except BaseException:
                labels.is_stale = was_stale  # store writes are atomic: nothing changed
                labels.cancel_write()
                raise

    def _close_labels(self) -> None:
        if self._labels is not None:
            self._labels.close()

    def _all_index_rows(self) -> list[tuple[str, str, str, str]]:
        rows = []
        for predicate in (*NAME_PREDICATES, RDF_TYPE):
            pattern = self._db.quads_for_pattern(None, ox.NamedNode(predicate), None, None)
            rows.extend(index_rows(pattern))
        return rows
