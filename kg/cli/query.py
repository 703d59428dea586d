"""The commands that read the store: query, export, stats."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.console import Console
from rich.table import Table

from kg.cli._errors import handles_errors
from kg.cli._output import compact, print_select_table, print_stats, stdout_bytes, write_body
from kg.cli._stores import MemoryOption, StoreOption, open_store
from kg.errors import ConfigError, InputError
from kg.ids import DEFAULT_BASE_IRI
from kg.reports import STDIN, read_text
from kg.settings import Settings, get_settings
from kg.stats import collect_stats
from kg.store.base import DumpFormat, ResultFormat, Store
from kg.store.sparql_text import query_form


class QueryFormat(StrEnum):
    """Output formats of ``kg query``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    XML = "xml"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"


class ExportFormat(StrEnum):
    """Output formats of ``kg export``."""

    GEXF = "gexf"
    GRAPHML = "graphml"
    TURTLE = "turtle"
    TRIG = "trig"
    NQUADS = "nquads"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"


_RESULT_FORMATS: dict[QueryFormat, ResultFormat] = {
    QueryFormat.JSON: "json",
    QueryFormat.CSV: "csv",
    QueryFormat.TSV: "tsv",
    QueryFormat.XML: "xml",
    QueryFormat.TURTLE: "turtle",
    QueryFormat.NTRIPLES: "ntriples",
    QueryFormat.JSONLD: "jsonld",
}
_DUMP_FORMATS: dict[ExportFormat, DumpFormat] = {
    ExportFormat.TURTLE: "turtle",
    ExportFormat.TRIG: "trig",
    ExportFormat.NQUADS: "nquads",
    ExportFormat.NTRIPLES: "ntriples",
    ExportFormat.JSONLD: "jsonld",
}


@handles_errors
def query(
    sparql: Annotated[
        str,
        typer.Argument(metavar="QUERY|@FILE.rq", help="A SPARQL query, @FILE to read it, or -."),
    ],
    fmt: Annotated[
        QueryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = QueryFormat.TABLE,
    store: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Run a SPARQL query on the store."""
    settings = get_settings()
    text = _read_query(sparql, max_bytes=settings.max_request_bytes)
    with open_store(settings, store, memory, must_exist=True) as kg_store:
        if fmt is not QueryFormat.TABLE:
            write_body(kg_store.query(text, result_format=_RESULT_FORMATS[fmt]).body)
            return
        form = query_form(text)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        result = kg_store.query(text, result_format="turtle" if graph_form else "json")
    if result.form == "SELECT":
        print_select_table(result.body)
    elif result.form == "ASK":
        sys.stdout.write("true\n" if json.loads(result.body)["boolean"] else "false\n")
    else:
        write_body(result.body)


@handles_errors
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExportFormat.TRIG,
    dynamic: Annotated[
        bool, typer.Option("--dynamic", help="GEXF only: add time spells for Gephi's timeline.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here instead of stdout."),
    ] = None,
    store: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Export the whole graph."""
    settings = get_settings()
    if dynamic and fmt is not ExportFormat.GEXF:
        raise ConfigError("--dynamic only applies to --format gexf")
    if fmt in (ExportFormat.GEXF, ExportFormat.GRAPHML):
        writer = _gephi_writer(fmt, settings.base_iri)
        with open_store(settings, store, memory, must_exist=True) as kg_store:
            if output is None:
                writer(kg_store, stdout_bytes(), dynamic)
            else:
                with output.open("wb") as out:
                    writer(kg_store, out, dynamic)
    else:
        with open_store(settings, store, memory, must_exist=True) as kg_store:
            body = kg_store.dump(_DUMP_FORMATS[fmt])
        if output is None:
            write_body(body)
            return
        output.write_bytes(body)
    if output is not None:
        sys.stderr.write(f"wrote {fmt.value} to {output}\n")


@handles_errors
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    actors: Annotated[
        bool,
        typer.Option(
            "--actors",
            help="Network analytics instead: degree, betweenness, community of each actor, "
            "ties per actor pair per month.",
        ),
    ] = False,
    store: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Count what the store holds: by class, by graph kind and by document."""
    settings = get_settings()
    if actors:
        _actor_stats(settings, store, memory, as_json=as_json)
        return
    with open_store(settings, store, memory, must_exist=True) as kg_store:
        summary = collect_stats(kg_store, base_iri=settings.base_iri, compact=compact)
    if as_json:
        text = json.dumps(asdict(summary), indent=2, ensure_ascii=False, default=str)
        write_body(text.encode("utf-8"))
        return
    print_stats(summary)


def _read_query(arg: str, *, max_bytes: int) -> str:
    if arg == STDIN:
        return read_text(Path(STDIN), max_bytes=max_bytes)
    if arg.startswith("@"):
        return read_text(Path(arg[1:]), max_bytes=max_bytes)
    if not arg.strip():
        raise InputError("the query is empty")
    return arg


def _gephi_writer(
    fmt: ExportFormat, base_iri: str = DEFAULT_BASE_IRI
) -> Callable[[Store, BinaryIO, bool], None]:
    """The Gephi export's writer for ``gexf`` or ``graphml`` (networkx is imported lazily)."""
    from kg.export import gephi

    def write(kg_store: Store, out: BinaryIO, dynamic: bool) -> None:
        if fmt is ExportFormat.GEXF:
            gephi.write_gexf(kg_store, out, dynamic=dynamic, base_iri=base_iri)
        else:
            gephi.write_graphml(kg_store, out, base_iri=base_iri)

    return write


def _actor_stats(
    settings: Settings, store: str | None, memory: bool, *, as_json: bool, top: int = 25
) -> None:
    from kg.export.analytics import analyse_actors

    with open_store(settings, store, memory, must_exist=True) as kg_store:
        report = analyse_actors(kg_store, base_iri=settings.base_iri)
    if as_json:
        text = json.dumps(asdict(report), indent=2, ensure_ascii=False)
        write_body(text.encode("utf-8"))
        return
    console = Console()
    table = Table("actor", "degree", "betweenness", "community", title="actors (top by degree)")
    for m in report.actors[:top]:
        table.add_row(m.label, str(m.degree), f"{m.betweenness:.3f}", str(m.community))
    console.print(table)
    table = Table("source", "target", "month", "ties", title="actor pairs (most ties)")
    for source, target, month, count in report.pairs[:top]:
        table.add_row(source, target, month, str(count))
    console.print(table)
