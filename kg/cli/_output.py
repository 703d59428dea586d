"""What the ``kg`` commands print: tables, progress bars and raw bytes on stdout."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import BinaryIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.pipeline import IngestResult
from kg.stats import StoreStats

_PREFIXES: dict[str, str] = {
    "ck": "https://w3id.org/conflict-kg/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def make_progress() -> Progress:
    """A transient progress bar on stderr (stdout stays clean for data)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def stdout_bytes() -> BinaryIO:
    """Flush the text stdout and return its binary buffer."""
    sys.stdout.flush()
    return sys.stdout.buffer


def write_body(body: bytes) -> None:
    """Write bytes to stdout, ending them with a newline if they have none.

    Args:
        body: The bytes to write.
    """
    out = stdout_bytes()
    out.write(body)
    if body and not body.endswith(b"\n"):
        out.write(b"\n")
    out.flush()


def compact(iri: str, base_iri: str | None = None) -> str:
    """Shorten an IRI with the well-known prefixes, or relative to ``base_iri``.

    Args:
        iri: The IRI.
        base_iri: The store's base IRI, if IRIs under it should be shortened to ``<rest>``.

    Returns:
        ``prefix:local``, ``<rest>`` or the IRI unchanged.
    """
    for prefix, namespace in _PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    if base_iri and iri.startswith(base_iri):
        return f"<{iri[len(base_iri) :]}>"
    return iri


def print_ingest_summary(results: Sequence[IngestResult], total_quads: int) -> None:
    """Print the totals of an ingest as a table.

    Args:
        results: One result per report ingested.
        total_quads: Quads in the store afterwards.
    """
    table = Table(title="ingested")
    for column in ("reports", "unchanged", "sentences", "relations", "events", "quads in store"):
        table.add_column(column, justify="right")
    table.add_row(
        str(len(results)),
        str(sum(r.unchanged for r in results)),
        str(sum(r.sentences for r in results)),
        str(sum(r.relations for r in results)),
        str(sum(r.events for r in results)),
        str(total_quads),
    )
    Console().print(table)


def print_select_table(body: bytes) -> None:
    """Print SPARQL JSON SELECT results as a table, and the row count on stderr.

    Args:
        body: A SPARQL 1.1 Query Results JSON document.
    """
    data = json.loads(body)
    variables: list[str] = data["head"].get("vars", [])
    bindings: list[dict[str, dict[str, str]]] = data["results"]["bindings"]
    table = Table(*variables, show_lines=False)
    for row in bindings:
        table.add_row(*(_cell(row[var]) if var in row else "" for var in variables))
    Console().print(table)
    noun = "row" if len(bindings) == 1 else "rows"
    sys.stderr.write(f"{len(bindings)} {noun}\n")


def print_stats(summary: StoreStats) -> None:
    """Print what the store holds as tables: by class, by graph kind and by document.

    Args:
        summary: The counts from :func:`kg.stats.collect_stats`.
    """
    console = Console()
    console.print(f"quads in store: {summary.quads}")
    table = Table("class", "instances", title="by class")
    for name, count in summary.classes.items():
        table.add_row(name, str(count))
    console.print(table)
    table = Table("graph kind", "graphs", "quads", title="by graph kind")
    for kind, entry in summary.graphs.items():
        table.add_row(kind, str(entry["graphs"]), str(entry["quads"]))
    console.print(table)
    fields = ("id", "title", "published", "sentences", "quads")
    table = Table(*fields, title="by document")
    for doc in summary.documents:
        table.add_row(*("" if doc.get(name) is None else str(doc[name]) for name in fields))
    console.print(table)


def _cell(term: dict[str, str]) -> str:
    kind = term.get("type")
    value = term.get("value", "")
    if kind == "uri":
        return compact(value)
    if kind == "bnode":
        return f"_:{value}"
    if "xml:lang" in term:
        return f"{value} @{term['xml:lang']}"
    return value
