"""A full-text index of names (``rdfs:label``, ``skos:altLabel``, ``ck:trigger``) in SQLite FTS5.

The embedded store keeps one beside its data (``DIR/labels.sqlite``, or in memory for an
in-memory store) so that name search does not scan every literal with a regex FILTER.

The index mirrors, per named graph, the quads that matter to it: name quads
(``graph, subject, predicate, text``) and ``rdf:type`` quads with a ``ck:`` class. A search
matches names and keeps subjects typed with one of the wanted classes in any graph.

Consistency: :class:`kg.store.oxigraph_store.OxigraphStore` calls :meth:`LabelIndex.begin_write`
(which durably marks the index *dirty*) before every write to Oxigraph, and after a
successful :meth:`~kg.store.oxigraph_store.OxigraphStore.replace_graphs` applies the same
change here and clears the mark in one SQLite transaction. If the process dies or the SQLite
update fails in between, the mark stays set and the index is rebuilt from the store before the
next search; writes that are not graph replacements (SPARQL updates, the Graph Store Protocol)
simply leave it marked. So a search never reads an index that disagrees with the store, with
one exception: writes that bypass :class:`OxigraphStore` (pyoxigraph directly, on the
directory) are not seen; delete ``labels.sqlite`` after such a write to have it rebuilt.

>>> index = LabelIndex(None)
>>> index.begin_write()
>>> index.apply(remove=[], rows=[("g", "http://ex/z", RDFS_LABEL, "Volodymyr Zelenskyy"),
...                               ("g", "http://ex/z", RDF_TYPE, CK + "Person")])
>>> [(iri, name) for iri, name, _ in index.search("zelensky")]
[('http://ex/z', 'Volodymyr Zelenskyy')]
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Final

from kg.errors import StoreError
from kg.store.base import Term

CK: Final = "https://w3id.org/conflict-kg/ontology#"
RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL: Final = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT_LABEL: Final = "http://www.w3.org/2004/02/skos/core#altLabel"
CK_TRIGGER: Final = CK + "trigger"
#: Predicates whose literal objects are indexed.
NAME_PREDICATES: Final = (RDFS_LABEL, SKOS_ALT_LABEL, CK_TRIGGER)
#: File name of the index inside an on-disk store's directory.
INDEX_FILE: Final = "labels.sqlite"
#: Bumped when the schema changes; an index of another version is rebuilt.
SCHEMA_VERSION: Final = "1"

#: ``(graph, subject, predicate, value)``: graph ``""`` is the default graph; for ``rdf:type``
#: the value is the class IRI, otherwise the literal's lexical form.
IndexRow = tuple[str, str, str, str]
#: ``(iri, name, score)``: the best-matching name of a subject; higher scores match better.
LabelHit = tuple[str, str, float]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS names (
  id INTEGER PRIMARY KEY, graph TEXT NOT NULL, subject TEXT NOT NULL,
  predicate TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (graph, subject, predicate, name));
CREATE INDEX IF NOT EXISTS names_graph ON names (graph);
CREATE TABLE IF NOT EXISTS types (
  graph TEXT NOT NULL, subject TEXT NOT NULL, class TEXT NOT NULL,
  UNIQUE (graph, subject, class));
CREATE INDEX IF NOT EXISTS types_graph ON types (graph);
CREATE INDEX IF NOT EXISTS types_subject ON types (subject, class);
CREATE VIRTUAL TABLE IF NOT EXISTS names_fts USING fts5 (
  name, content='names', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER IF NOT EXISTS names_ai AFTER INSERT ON names BEGIN
  INSERT INTO names_fts (rowid, name) VALUES (new.id, new.name); END;
CREATE TRIGGER IF NOT EXISTS names_ad AFTER DELETE ON names BEGIN
  INSERT INTO names_fts (names_fts, rowid, name) VALUES ('delete', old.id, old.name); END;
"""
_WORD: Final = re.compile(r"\w+")


def match_expression(text: str) -> str | None:
    """An FTS5 query matching names that have a word starting with each word of ``text``.

    >>> match_expression('Zelensky "Vol')
    '"Zelensky"* "Vol"*'
    >>> match_expression("  ") is None
    True
    """
    words = _WORD.findall(text)
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


class LabelIndex:
    """The FTS5 name index of one store; safe to use from several threads.

    Args:
        path: The SQLite file (created if missing), or None for an in-memory index.

    Attributes:
        is_stale: The index may disagree with the store and must be rebuilt before use.

    Raises:
        StoreError: The file cannot be opened.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                ":memory:" if path is None else str(path),
                check_same_thread=False,
                isolation_level=None,
            )
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the label index at {path}: {exc}") from exc
        # A new file over an existing store, an old schema or an interrupted write: rebuild.
        self.is_stale = meta.get("version") != SCHEMA_VERSION or meta.get("dirty") != "0"
        if path is None and not meta:
            self.is_stale = False  # a new in-memory index of a new, empty in-memory store

    def begin_write(self) -> None:
        """Durably mark the index dirty; call before writing to the store.

        Raises:
            StoreError: The mark could not be written (do not write to the store).
        """
        with self._lock:
            try:
                self._set_meta(dirty="1")
            except sqlite3.Error as exc:
                raise StoreError(f"the label index cannot be written: {exc}") from exc

    def cancel_write(self) -> None:
        """The store write failed and changed nothing: clear the mark again (if it was clean)."""
        if not self.is_stale:
            self._clear_mark()

    def mark_stale(self) -> None:
        """The store changed in a way not mirrored here: rebuild before the next search."""
        self.is_stale = True

    def apply(self, *, remove: Sequence[str], rows: Iterable[IndexRow]) -> None:
        """Mirror a graph replacement that the store has committed, and clear the dirty mark.

        A stale index is left alone (it is rebuilt before its next use). If SQLite fails, the
        index stays marked dirty and stale; the error is not raised (the store write stood).

        Args:
            remove: Named graphs that were dropped.
            rows: Index rows of the inserted quads (see :data:`IndexRow`).
        """
        if self.is_stale:
            return
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                for graph in remove:
                    self._db.execute("DELETE FROM names WHERE graph = ?", (graph,))
                    self._db.execute("DELETE FROM types WHERE graph = ?", (graph,))
                self._insert(rows)
                self._set_meta(dirty="0", version=SCHEMA_VERSION)
                self._db.execute("COMMIT")
            except sqlite3.Error:
                self._rollback()
                self.is_stale = True

    def rebuild(self, rows: Iterable[IndexRow]) -> None:
        """Replace the whole index with ``rows`` (every relevant quad of the store).

        Raises:
            StoreError: SQLite failed; the index stays stale.
        """
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM names")
                self._db.execute("DELETE FROM types")
                self._db.execute("INSERT INTO names_fts (names_fts) VALUES ('delete-all')")
                self._insert(rows)
                self._set_meta(dirty="0", version=SCHEMA_VERSION)
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise StoreError(f"rebuilding the label index failed: {exc}") from exc
            self.is_stale = False

    def search(
        self,
        text: str,
        *,
        types: Sequence[str] | None = None,
        limit: int | None = 20,
        offset: int = 0,
    ) -> list[LabelHit]:
        """Subjects with a name matching every word of ``text`` as a word prefix.

        Matching ignores case and accents. Each subject appears once, with its best-matching
        name, best (BM25) first.

        Args:
            text: Words to look for; without any word nothing matches.
            types: Only subjects typed with one of these class IRIs (None: any ``ck:`` class).
            limit: Most hits to return (None: all).
            offset: Hits to skip.

        Returns:
            ``(iri, name, score)`` triples.
        """
        expression = match_expression(text)
        if expression is None:
            return []
        type_filter = ""
        params: list[str | int] = [expression]
        if types is not None:
            type_filter = f" AND t.class IN ({', '.join('?' * len(types))})"
            params.extend(types)
        params.extend([-1 if limit is None else limit, offset])
        sql = f"""WITH hits AS MATERIALIZED (
  SELECT rowid AS id, bm25(names_fts) AS score FROM names_fts WHERE names_fts MATCH ?)
SELECT n.subject, n.name, MIN(hits.score) AS best FROM hits JOIN names AS n ON n.id = hits.id
WHERE EXISTS (SELECT 1 FROM types AS t WHERE t.subject = n.subject{type_filter})
GROUP BY n.subject ORDER BY best, n.subject LIMIT ? OFFSET ?"""
        with self._lock:
            try:
                rows = self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"searching the label index failed: {exc}") from exc
        return [(iri, name, -float(best)) for iri, name, best in rows]

    def close(self) -> None:
        """Close the SQLite connection (closing twice is harmless)."""
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------------ helpers
    def _insert(self, rows: Iterable[IndexRow]) -> None:
        names, types = [], []
        for graph, subject, predicate, value in rows:
            if predicate == RDF_TYPE:
                types.append((graph, subject, value))
            else:
                names.append((graph, subject, predicate, value))
        self._db.executemany(
            "INSERT OR IGNORE INTO names (graph, subject, predicate, name) VALUES (?, ?, ?, ?)",
            names,
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO types (graph, subject, class) VALUES (?, ?, ?)", types
        )

    def _set_meta(self, **values: str) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items())
        )

    def _clear_mark(self) -> None:
        with self._lock:
            try:
                self._set_meta(dirty="0", version=SCHEMA_VERSION)
            except sqlite3.Error:
                self.is_stale = True

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("ROLLBACK")


def sparql_label_search(
    select: Callable[[str], list[dict[str, Term]]],
    text: str,
    *,
    types: Sequence[str] | None = None,
    limit: int | None = 20,
    offset: int = 0,
) -> list[LabelHit]:
    """The same search as :meth:`LabelIndex.search` by a SPARQL ``CONTAINS`` scan (remote
    stores and read-only snapshots): each word must occur in the name, ignoring case only.

    Args:
        select: The store's ``select``.
        text: Words to look for.
        types: Only subjects typed with one of these class IRIs (None: any ``ck:`` class).
        limit: Most hits to return (None: all).
        offset: Hits to skip.

    Returns:
        ``(iri, name, score)`` triples, score 1.0 for an exact name, else 0.5.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return []
    tests = " && ".join(f"CONTAINS(LCASE(STR(?name)), {_string(w)})" for w in words)
    if types is None:
        type_clause = f'?x a ?c . FILTER(STRSTARTS(STR(?c), "{CK}"))'
    else:
        type_clause = "?x a ?c . VALUES ?c { " + " ".join(f"<{t}>" for t in types) + " }"
    names = " ".join(f"<{p}>" for p in NAME_PREDICATES)
    rows = select(
        f"""SELECT DISTINCT ?x ?name WHERE {{
  ?x ?p ?name . VALUES ?p {{ {names} }} FILTER(isLiteral(?name) && {tests})
  FILTER EXISTS {{ {type_clause} }}
}}"""
    )
    best: dict[str, tuple[str, float]] = {}
    needle = " ".join(words)
    for row in rows:
        iri, name = row["x"].value, row["name"].value
        score = 1.0 if name.lower() == needle else 0.5
        if iri not in best or (score, -len(name)) > (best[iri][1], -len(best[iri][0])):
            best[iri] = (name, score)
    ranked = sorted(best.items(), key=lambda item: (-item[1][1], item[0]))
    stop = None if limit is None else offset + limit
    return [(iri, name, score) for iri, (name, score) in ranked[offset:stop]]


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
