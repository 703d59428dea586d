"""Serialise SELECT solutions (rows of :class:`~kg.store.base.Term`) as SPARQL results.

Backends use this when they cap the number of rows: the rows are read one by one (so a limit
or a deadline can stop them) and then written here as SPARQL 1.1 Query Results JSON, XML, CSV
or TSV. The output is always a complete, valid document, also when rows were left off.

>>> rows = [{"s": Term("iri", "http://ex/a"), "n": Term("literal", "1", datatype=XSD + "integer")}]
>>> serialize_solutions(["s", "n"], rows, "tsv").decode().splitlines()[1].split("\\t")
['<http://ex/a>', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>']
>>> print(serialize_solutions(["s"], [{}, *rows], "csv").decode().replace("\\r", ""), end="")
s
<BLANKLINE>
http://ex/a
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from kg.store.base import ResultFormat, Term

XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_RESULTS_NS: Final = "http://www.w3.org/2005/sparql-results#"


def serialize_solutions(
    variables: Sequence[str], rows: Sequence[dict[str, Term]], fmt: ResultFormat
) -> bytes:
    """Write SELECT solutions in a SPARQL results format.

    Args:
        variables: The projected variable names, without ``?``.
        rows: One dict per solution (unbound variables absent).
        fmt: ``json``, ``xml``, ``csv`` or ``tsv``.

    Returns:
        The UTF-8 document.

    Raises:
        ValueError: ``fmt`` is not a solutions format.
    """
    if fmt == "json":
        return _json(variables, rows)
    if fmt == "xml":
        return _xml(variables, rows)
    if fmt == "csv":
        lines = [",".join(variables)]
        lines += [",".join(_csv_cell(row.get(name)) for name in variables) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{name}" for name in variables)]
        lines += ["\t".join(_tsv_cell(row.get(name)) for name in variables) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"{fmt!r} is not a SPARQL results format")


def _json_term(term: Term) -> dict[str, str]:
    if term.kind == "iri":
        return {"type": "uri", "value": term.value}
    if term.kind == "bnode":
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = term.datatype
    return value


def _json(variables: Sequence[str], rows: Sequence[dict[str, Term]]) -> bytes:
    document = {
        "head": {"vars": list(variables)},
        "results": {
            "bindings": [{name: _json_term(term) for name, term in row.items()} for row in rows]
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(term: Term) -> str:
    if term.kind == "iri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml(variables: Sequence[str], rows: Sequence[dict[str, Term]]) -> bytes:
    parts = [f'<?xml version="1.0"?>\n<sparql xmlns="{_RESULTS_NS}"><head>']
    parts += [f"<variable name={quoteattr(name)}/>" for name in variables]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        parts += [
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in row.items()
        ]
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if term.kind == "bnode" else term.value
    if any(char in text for char in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "iri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    text = (
        term.value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'
