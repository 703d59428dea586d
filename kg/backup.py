"""Restore a store from a ``kg export --format nquads`` dump, streamed.

A dump file is never held in memory. :func:`check_dump` reads it once, line by line, before the
store is opened (UTF-8, N-Quads syntax, no blank nodes); :func:`restore_dump` then reads it
again and streams the quads into :meth:`~kg.store.base.Store.replace_all`, which writes them
all or nothing. So a malformed dump or a failed write leaves the store unchanged. Works with
any :class:`~kg.store.base.Store` backend.

>>> parse_nquads(b'<http://ex/s> <http://ex/p> "o" <http://ex/g> .\\n', source="x.nq")
[Quad(subject='<http://ex/s>', predicate='<http://ex/p>', object='"o"', graph='http://ex/g')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError, StoreError
from kg.store.base import Quad, Store

_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_NODE = rf"(?:{_IRI}|_:[^\s]+)"
_LITERAL = r'"(?:[^"\\\n\r]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^' + _IRI + ")?"
_QUAD = re.compile(
    rf"({_NODE})[ \t]+({_IRI})[ \t]+({_NODE}|{_LITERAL})(?:[ \t]+({_IRI}))?[ \t]*\.$"
)
_NOT_UTF8 = "not valid UTF-8 at byte offset {}; give a `kg export --format nquads` dump"


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did.

    Attributes:
        quads: Quads in the store after the restore (the dump's distinct quads).
        graphs: Named graphs in the store after the restore.
        replaced: Quads that were in the store before and were dropped.
    """

    quads: int
    graphs: int
    replaced: int


def parse_nquads(data: bytes, *, source: str) -> list[Quad]:
    """Split an N-Quads document held in memory into store quads (for small documents; a
    dump file is streamed by :func:`read_dump_quads`).

    Terms are not re-encoded (an RDF library would normalise literals such as
    ``xsd:dateTime`` values), so the store sees exactly the dumped terms; it validates them when
    they are written.

    Args:
        data: The document.
        source: Where it came from (named in error messages).

    Returns:
        The quads, without duplicates, in document order.

    Raises:
        InputError: The document is not valid UTF-8 N-Quads or holds blank nodes.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(_NOT_UTF8.format(exc.start), path=source) from exc
    quads: dict[Quad, None] = {}
    # Split on line feeds only: U+2028, U+0085 etc. may occur raw inside literals.
    for line_no, line in enumerate(text.split("\n"), start=1):
        quad = _parse_line(line, source=source, line_no=line_no)
        if quad is not None:
            quads[quad] = None
    return list(quads)


def read_dump_quads(path: Path) -> Iterator[Quad]:
    """Read an N-Quads dump file line by line, yielding its quads (duplicates included).

    Args:
        path: The dump.

    Yields:
        Each quad, terms as written in the file.

    Raises:
        InputError: The file cannot be read, is not valid UTF-8 (the message gives the byte
            offset), or a line is not an N-Quads statement or holds a blank node.
    """
    source = str(path)
    try:
        file = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=source) from exc
    with file:
        offset = 0
        # Binary lines end at line feeds only, which never occur inside a UTF-8 sequence.
        for line_no, raw in enumerate(file, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    _NOT_UTF8.format(offset + exc.start), path=source, line=line_no
                ) from exc
            offset += len(raw)
            quad = _parse_line(line, source=source, line_no=line_no)
            if quad is not None:
                yield quad


def check_dump(path: Path) -> int:
    """Read a whole dump file once (streamed) and check it, before any store is opened.

    Args:
        path: The dump.

    Returns:
        The number of quad lines (duplicates included).

    Raises:
        InputError: The file cannot be read, is malformed or holds no quads.
    """
    count = sum(1 for _ in read_dump_quads(path))
    if not count:
        raise InputError("the dump holds no quads", path=str(path))
    return count


def restore_dump(store: Store, path: Path, *, replace: bool) -> RestoreResult:
    """Load a dump file into ``store``, streamed, all or nothing.

    Check it with :func:`check_dump` first: this reads it again while writing, and a problem
    found then leaves the store unchanged but the store has been opened (and, for a new
    directory, created).

    Args:
        store: The target store.
        path: The dump.
        replace: Drop everything the store holds; without it a non-empty store is refused.

    Returns:
        What was restored.

    Raises:
        InputError: The dump is malformed; the store is unchanged.
        StoreError: The store is not empty and ``replace`` is false, or the write failed; the
            store is unchanged.
    """
    return restore_quads(store, read_dump_quads(path), replace=replace)


def restore_quads(store: Store, quads: Iterable[Quad], *, replace: bool) -> RestoreResult:
    """Replace the contents of ``store`` with ``quads`` (read as a stream), all or nothing.

    Args:
        store: The target store.
        quads: The quads of a dump (from :func:`read_dump_quads` or :func:`parse_nquads`).
        replace: Drop everything the store holds; without it a non-empty store is refused.

    Returns:
        What was restored.

    Raises:
        StoreError: The store is not empty and ``replace`` is false, or the write failed; the
            store is unchanged.
    """
    before = len(store)
    if before and not replace:
        raise StoreError(
            f"the store is not empty ({before} quads); restore into a new --store directory, "
            "or give --replace to drop its contents first"
        )
    store.replace_all(quads)
    return RestoreResult(quads=len(store), graphs=len(store.named_graphs()), replaced=before)


def _parse_line(line: str, *, source: str, line_no: int) -> Quad | None:
    """One line of a dump as a quad (None for blank and comment lines)."""
    stripped = line.strip(" \t\r\n")
    if not stripped or stripped.startswith("#"):
        return None
    match = _QUAD.match(stripped)
    if match is None:
        raise InputError(
            f"not a valid N-Quads dump: cannot read {stripped[:80]!r}", path=source, line=line_no
        )
    subject, predicate, obj, graph = match.groups()
    if subject.startswith("_:") or obj.startswith("_:"):
        raise InputError(
            "blank nodes are not used in conflict-kg graphs; not a kg export dump",
            path=source,
            line=line_no,
        )
    return Quad(subject, predicate, obj, graph[1:-1] if graph else None)
