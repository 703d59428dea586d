r"""Terms of the remote backend: N-Triples and SPARQL syntax, SPARQL JSON, JSON-LD.

Part of :class:`kg.store.sparql_store.SparqlStore`, split out to keep modules small.

>>> check_term('"caf\u00e9"@fr', "object")
'"café"@fr'
>>> quads = [Quad("<http://ex/s>", "<http://ex/p>", '"o"', "http://ex/g")]
>>> print(b"".join(insert_data(quads)).decode(), end="")
DROP SILENT ALL ;
INSERT DATA {
GRAPH <http://ex/g> {
<http://ex/s> <http://ex/p> "o" .
}
}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

from kg.errors import StoreError
from kg.store.base import Quad, Term

_IRI: Final = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_IRI_RE: Final = re.compile(_IRI)
_BNODE_RE: Final = re.compile(r"_:[A-Za-z0-9_](?:[\w.\-]*[\w\-])?")
_LITERAL_RE: Final = re.compile(
    r'"(?P<lex>(?:[^"\\\n\r]|\\[tbnrf"\'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)"'
    rf"(?P<suffix>@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRI})?"
)
_ESCAPES: Final = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'"}
#: Quads per chunk of a streamed update body.
_CHUNK: Final = 2000


def insert_data(quads: Iterable[Quad]) -> Iterator[bytes]:
    """The body of one SPARQL update that replaces everything with ``quads``
    (``DROP SILENT ALL ; INSERT DATA { ... }``), made chunk by chunk as ``quads`` are read.

    Raises:
        StoreError: A quad is malformed (the body is then incomplete: do not send it).
    """
    parts = ["DROP SILENT ALL ;\nINSERT DATA {\n"]
    graph: str | None = None
    for count, quad in enumerate(quads, start=1):
        if quad.graph != graph:
            if graph is not None:
                parts.append("}\n")
            if quad.graph is not None:
                parts.append(f"GRAPH {iri_ref(quad.graph)} {{\n")
            graph = quad.graph
        subject = check_term(quad.subject, "subject")
        predicate = check_term(quad.predicate, "predicate")
        parts.append(f"{subject} {predicate} {check_term(quad.object, 'object')} .\n")
        if count % _CHUNK == 0:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("}\n}\n" if graph is not None else "}\n")
    yield "".join(parts).encode("utf-8")


def to_term(value: dict[str, Any]) -> Term:
    kind = value["type"]
    if kind == "uri":
        return Term("iri", value["value"])
    if kind == "bnode":
        return Term("bnode", value["value"])
    datatype = value.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return Term("literal", value["value"], datatype=datatype, language=value.get("xml:lang"))


def to_jsonld(quads: list[tuple[Term, Term, Term, str | None]]) -> list[dict[str, Any]]:
    """Expanded JSON-LD of a dataset: default-graph nodes, then one object per named graph."""
    graphs: dict[str | None, dict[str, dict[str, Any]]] = {}
    for s, p, o, g in quads:
        node_id = s.value if s.kind == "iri" else f"_:{s.value}"
        node = graphs.setdefault(g, {}).setdefault(node_id, {"@id": node_id})
        if p.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and o.kind != "literal":
            node.setdefault("@type", []).append(o.value if o.kind == "iri" else f"_:{o.value}")
            continue
        value: dict[str, Any]
        if o.kind == "literal":
            value = {"@value": o.value}
            if o.language:
                value["@language"] = o.language
            elif o.datatype:
                value["@type"] = o.datatype
        else:
            value = {"@id": o.value if o.kind == "iri" else f"_:{o.value}"}
        node.setdefault(p.value, []).append(value)
    out: list[dict[str, Any]] = list(graphs.pop(None, {}).values())
    out += [{"@id": g, "@graph": list(nodes.values())} for g, nodes in graphs.items() if g]
    return out


def nt(term: Term) -> str:
    """The N-Triples form of a term."""
    if term.kind == "iri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    text = escape_literal(term.value)
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def escape_literal(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    out = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", out)
    return f'"{out}"'


def iri_ref(iri: str) -> str:
    text = iri if iri.startswith("<") else f"<{iri}>"
    if not _IRI_RE.fullmatch(text):
        raise StoreError(f"{iri!r} is not a valid graph IRI; nothing was written")
    return text


def check_term(term: str, position: str) -> str:
    """Validate an N-Triples term and give it in SPARQL syntax (literals re-escaped).

    SPARQL applies ``\\u`` escapes before parsing, so literals are decoded and re-escaped
    rather than passed through.
    """
    if _IRI_RE.fullmatch(term) or (position != "predicate" and _BNODE_RE.fullmatch(term)):
        return term
    match = _LITERAL_RE.fullmatch(term) if position == "object" else None
    if match is None:
        raise StoreError(
            f'malformed {position} {term!r}: use N-Triples syntax (<iri>, "literal", _:b); '
            "nothing was written"
        )
    lex = re.sub(
        r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)",
        lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) > 1 else _unescape(m.group(1)),
        match["lex"],
    )
    return escape_literal(lex) + (match["suffix"] or "")


def _unescape(char: str) -> str:
    return "\\" if char == "\\" else _ESCAPES[char]
