"""Restore a store from a ``kg export --format nquads`` dump.

The dump is parsed completely before the store is opened, then loaded in one
:meth:`~kg.store.base.Store.replace_graphs` transaction, so a malformed dump or a failed write
leaves the store unchanged. Works with any :class:`~kg.store.base.Store` backend.
"""

from __future__ import annotations

import re
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


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did.

    Attributes:
        quads: Quads read from the dump (and written).
        graphs: Named graphs in the dump.
        replaced: Quads that were in the store before and were dropped.
    """

    quads: int
    graphs: int
    replaced: int


def parse_nquads(data: bytes, *, source: str) -> list[Quad]:
    """Split an N-Quads document into store quads, keeping each term's text as written.

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
        raise InputError(
            f"not valid UTF-8 at byte offset {exc.start}; give a `kg export --format nquads` dump",
            path=source,
        ) from exc
    quads: dict[Quad, None] = {}
    # Split on line feeds only: U+2028, U+0085 etc. may occur raw inside literals.
    for line_no, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip(" \t\r")
        if not stripped or stripped.startswith("#"):
            continue
        match = _QUAD.match(stripped)
        if match is None:
            raise InputError(
                f"not a valid N-Quads dump: cannot read {stripped[:80]!r}",
                path=source,
                line=line_no,
            )
        subject, predicate, obj, graph = match.groups()
        if subject.startswith("_:") or obj.startswith("_:"):
            raise InputError(
                "blank nodes are not used in conflict-kg graphs; not a kg export dump",
                path=source,
                line=line_no,
            )
        quads[Quad(subject, predicate, obj, graph[1:-1] if graph else None)] = None
    return list(quads)


def read_dump(path: Path) -> list[Quad]:
    """Read and parse an N-Quads dump file (before any store is opened).

    Raises:
        InputError: The file cannot be read, is malformed or holds no quads.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=str(path)) from exc
    quads = parse_nquads(data, source=str(path))
    if not quads:
        raise InputError("the dump holds no quads", path=str(path))
    return quads


def restore_quads(store: Store, quads: list[Quad], *, replace: bool) -> RestoreResult:
    """Load parsed dump quads into ``store`` in one transaction.

    Args:
        store: The target store.
        quads: The quads of the dump (from :func:`read_dump` or :func:`parse_nquads`).
        replace: Drop everything the store holds first; without it a non-empty store is refused.

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
    remove = store.named_graphs() if before else []
    if before and any(q.graph is None for q in store.quads()):
        # replace_graphs only drops named graphs; empty the default graph first. kg itself
        # never writes the default graph, so this only happens for hand-made stores.
        store.drop_graph(None)
    store.replace_graphs(remove=remove, quads=quads)
    return RestoreResult(
        quads=len(quads), graphs=len({q.graph for q in quads if q.graph}), replaced=before
    )
