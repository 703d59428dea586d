"""Cut a remote endpoint's query result at a row limit while reading it.

:class:`kg.store.sparql_store.SparqlStore` applies ``max_rows`` here, on the server's answer,
read as a stream: at most ``max_rows`` solutions or triples (plus one read buffer) are held,
the rest of the answer is never read, and the result says whether rows were left off. This is
exact for any query the server accepts. Rewriting the query instead (``LIMIT max_rows + 1``)
would need a full parser to place the clause safely: next to the query's own ``LIMIT`` and
``OFFSET``, before a trailing ``VALUES`` block, outside sub-selects; and it would not cut
DESCRIBE results, whose size is not the number of solutions.

* SELECT results: SPARQL JSON is read value by value, XML with a pull parser; the kept
  solutions are written back as a complete document of the same format. CSV and TSV are cut
  after the header plus ``max_rows`` records (a CSV record may span lines inside quotes),
  byte for byte.
* CONSTRUCT/DESCRIBE results are asked for as N-Triples (one triple per line) and the kept
  triples are written in the wanted format: as they are for N-Triples, N-Quads, Turtle and
  TriG (N-Triples is valid in all of them), through rdflib for RDF/XML and JSON-LD.

>>> import io
>>> body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"a"}},'
>>> body += b'{"x":{"type":"uri","value":"b"}}]}}'
>>> limit_solutions(io.BytesIO(body), media_type=JSON_TYPES[0], max_rows=1)
(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"a"}}]}}', True)
>>> limit_solutions(io.BytesIO(b"x\\r\\na\\r\\n"), media_type="text/csv", max_rows=1)
(b'x\\r\\na\\r\\n', False)
"""

from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from http.client import HTTPResponse
from typing import Any, Final, Protocol, TypeAlias
from xml.sax.saxutils import escape, quoteattr

from kg.errors import StoreError
from kg.store.base import GRAPH_FORMATS, MEDIA_TYPES, ResultFormat
from kg.store.json_stream import JsonStream
from kg.store.sparql_http import is_truncated

#: Media types read as SPARQL 1.1 Query Results JSON, XML, CSV, TSV; and as N-Triples.
JSON_TYPES: Final = ("application/sparql-results+json", "application/json")
XML_TYPES: Final = ("application/sparql-results+xml", "application/xml", "text/xml")
CSV_TYPE: Final = "text/csv"
TSV_TYPE: Final = "text/tab-separated-values"
NTRIPLES_TYPES: Final = ("application/n-triples", "text/plain", "application/n-quads")
#: What to ask a server for when its CONSTRUCT/DESCRIBE result is to be cut.
NTRIPLES_ACCEPT: Final = "application/n-triples, text/plain;q=0.5"

#: Reads a response: the body, its media type, whether rows were left off.
LimitedRead: TypeAlias = Callable[[HTTPResponse], tuple[bytes, str, bool]]

_CHUNK: Final = 64 * 1024
_XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
_RDFLIB_FORMATS: Final[dict[str, str]] = {"rdfxml": "xml", "jsonld": "json-ld"}


class Readable(Protocol):
    """A binary stream, such as an HTTP response."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (all with -1); empty at the end."""
        ...

    def readline(self, size: int = -1, /) -> bytes:
        """The next line with its line feed; empty at the end."""
        ...


def limit_solutions(stream: Readable, *, media_type: str, max_rows: int) -> tuple[bytes, bool]:
    """Read a SELECT (or ASK) result and keep its first ``max_rows`` solutions.

    Args:
        stream: The result document.
        media_type: Its media type (one of :data:`JSON_TYPES`, :data:`XML_TYPES`,
            :data:`CSV_TYPE`, :data:`TSV_TYPE`).
        max_rows: Most solutions to keep.

    Returns:
        A complete document of the same format, and whether solutions were left off.

    Raises:
        StoreError: The document is malformed or of another media type.
    """
    if media_type in JSON_TYPES:
        return _limit_json(stream, max_rows)
    if media_type in XML_TYPES:
        return _limit_xml(stream, max_rows)
    if media_type in (CSV_TYPE, TSV_TYPE):
        return _limit_lines(stream, max_rows, is_csv=media_type == CSV_TYPE)
    raise StoreError(
        f"the endpoint answered {media_type}, which kg cannot cut at the row limit; "
        "ask for SPARQL JSON, XML, CSV or TSV results"
    )


def limit_triples(
    stream: Readable, *, media_type: str, result_format: ResultFormat, max_rows: int
) -> tuple[bytes, bool]:
    """Read an N-Triples CONSTRUCT/DESCRIBE result and keep its first ``max_rows`` triples.

    Args:
        stream: The N-Triples document.
        media_type: Its media type (one of :data:`NTRIPLES_TYPES`).
        result_format: The format to write the kept triples in.
        max_rows: Most triples to keep.

    Returns:
        The kept triples in ``result_format``, and whether triples were left off.

    Raises:
        StoreError: The server did not answer N-Triples, or the triples do not parse.
    """
    if media_type not in NTRIPLES_TYPES:
        raise StoreError(
            f"the endpoint answered {media_type} instead of N-Triples, so kg cannot cut the "
            "result at the row limit; use a server that writes N-Triples"
        )
    kept: list[bytes] = []
    truncated = False
    while line := stream.readline():
        triple = line.strip()
        if not triple or triple.startswith(b"#"):
            continue
        if len(kept) >= max_rows:
            truncated = True
            break
        kept.append(triple + b"\n")
    body = b"".join(kept)
    if result_format in _RDFLIB_FORMATS:
        body = _reserialize(body, _RDFLIB_FORMATS[result_format])
    elif result_format not in ("ntriples", "nquads", "turtle", "trig"):
        raise StoreError(f"{result_format!r} is not a format for CONSTRUCT results")
    return body, truncated


def limited_reader(result_format: ResultFormat, max_rows: int) -> tuple[str, LimitedRead]:
    """How to ask for and read a result cut at ``max_rows`` rows.

    Args:
        result_format: The wanted format; a graph format means a CONSTRUCT or DESCRIBE query.
        max_rows: Most solutions or triples to keep.

    Returns:
        The ``Accept`` header to send, and the function that reads the response into the
        body, its media type and whether rows were left off (by us or, as its
        ``X-KG-Truncated`` header says, by a conflict-kg server).
    """
    if result_format in GRAPH_FORMATS:

        def read_triples(response: HTTPResponse) -> tuple[bytes, str, bool]:
            media_type = response.headers.get_content_type()
            body, cut = limit_triples(
                response, media_type=media_type, result_format=result_format, max_rows=max_rows
            )
            return body, MEDIA_TYPES[result_format], cut or is_truncated(response)

        return NTRIPLES_ACCEPT, read_triples

    def read_solutions(response: HTTPResponse) -> tuple[bytes, str, bool]:
        media_type = response.headers.get_content_type()
        body, cut = limit_solutions(response, media_type=media_type, max_rows=max_rows)
        return body, media_type, cut or is_truncated(response)

    return MEDIA_TYPES[result_format], read_solutions


# ---------------------------------------------------------------------- JSON
def _limit_json(stream: Readable, max_rows: int) -> tuple[bytes, bool]:
    reader = JsonStream(stream, error=lambda detail: _malformed("JSON", detail))
    head: Any = None
    boolean: Any = None
    bindings: list[Any] = []
    truncated = False
    reader.take("{")
    for key in reader.members():
        if key == "head":
            head = reader.value()
        elif key == "boolean":
            boolean = reader.value()
        elif key != "results":
            reader.value()
            continue
        else:
            reader.take("{")
            for inner in reader.members():
                if inner != "bindings":
                    reader.value()
                    continue
                reader.take("[")
                for _ in reader.items():
                    if len(bindings) < max_rows:
                        bindings.append(reader.value())
                        continue
                    truncated = True
                    if head is not None:
                        return _json_document(head, boolean, bindings), True
                    reader.value()  # "head" comes after "results": skip rows one by one
    return _json_document(head, boolean, bindings), truncated


def _json_document(head: Any, boolean: Any, bindings: list[Any]) -> bytes:
    document: dict[str, Any] = {"head": {"vars": []} if head is None else head}
    if boolean is not None:
        document["boolean"] = boolean
    else:
        document["results"] = {"bindings": bindings}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------------- XML
def _limit_xml(stream: Readable, max_rows: int) -> tuple[bytes, bool]:
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    root: ET.Element | None = None
    results: ET.Element | None = None
    section = ""  # the child of <sparql> being read: head, results, boolean
    depth = 0
    kept = 0
    truncated = False
    try:
        while not truncated:
            data = stream.read(_CHUNK)
            if data:
                parser.feed(data)
            else:
                parser.close()
            for item in parser.read_events():
                event, element = item[0], item[-1]
                if not isinstance(element, ET.Element):
                    continue  # namespace events are not asked for
                if event == "end":
                    depth -= 1
                    if depth == 2 and section == "results":
                        kept += 1
                    continue
                depth += 1
                if depth == 1:
                    root = element
                elif depth == 2:
                    section = _local(element.tag)
                    results = element if section == "results" else results
                elif depth == 3 and section == "results" and kept >= max_rows:
                    truncated = True
                    break
            if not data:
                break
    except ET.ParseError as exc:
        raise _malformed("XML", str(exc)) from exc
    if root is None:
        raise _malformed("XML", "the document is empty")
    if results is not None:  # the parser may have read past the last kept solution
        for extra in list(results)[max_rows:]:
            results.remove(extra)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _write_xml(root, "", out)
    return "".join(out).encode("utf-8"), truncated


def _write_xml(element: ET.Element, parent_ns: str, out: list[str]) -> None:
    """Write an element (ElementTree's own writer cannot put the results namespace as the
    default namespace next to attributes without one)."""
    ns, local = _split(element.tag)
    declaration = f" xmlns={quoteattr(ns)}" if ns != parent_ns else ""
    attributes = "".join(
        f" {'xml:' if ans == _XML_NS else ''}{name}={quoteattr(value)}"
        for ans, name, value in ((*_split(k), v) for k, v in element.attrib.items())
    )
    out.append(f"<{local}{declaration}{attributes}>{_xml_text(element.text)}")
    for child in element:
        _write_xml(child, ns, out)
        out.append(_xml_text(child.tail))
    out.append(f"</{local}>")


def _xml_text(text: str | None) -> str:
    return escape(text, {"\r": "&#13;"}) if text else ""


def _split(tag: str) -> tuple[str, str]:
    """``{namespace}local`` as ``(namespace, local)``."""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _local(tag: str) -> str:
    return _split(tag)[1]


# ---------------------------------------------------------------------- CSV / TSV
def _limit_lines(stream: Readable, max_rows: int, *, is_csv: bool) -> tuple[bytes, bool]:
    header = _record(stream, is_csv=is_csv)
    out = [header]
    for _ in range(max_rows):
        record = _record(stream, is_csv=is_csv)
        if not record:
            return b"".join(out), False
        out.append(record)
    return b"".join(out), bool(stream.read(1))


def _record(stream: Readable, *, is_csv: bool) -> bytes:
    """One record: a line, or for CSV as many lines as it takes to close its quotes."""
    record = stream.readline()
    while is_csv and record.count(b'"') % 2 and (more := stream.readline()):
        record += more
    return record


# ---------------------------------------------------------------------- helpers
def _reserialize(ntriples: bytes, rdflib_format: str) -> bytes:
    import rdflib  # only to write RDF/XML and JSON-LD

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            graph = rdflib.Graph().parse(data=ntriples, format="nt")
            return graph.serialize(format=rdflib_format, encoding="utf-8")
    except Exception as exc:  # rdflib raises many types for bad input
        raise StoreError(f"the endpoint's N-Triples do not parse: {exc}") from exc


def _malformed(what: str, detail: str) -> StoreError:
    return StoreError(f"the endpoint's SPARQL {what} results are malformed: {detail}")
