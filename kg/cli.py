"""The ``kg`` command line: thin wrappers over the library.

Every :class:`~kg.errors.KGError` (and every :class:`OSError`, e.g. on an output file) becomes
one line ``error: <message>`` on stderr and exit code 1; usage errors keep typer's exit code 2.
Heavy objects (the spaCy model, the store, the web app) are only built by the commands that need
them.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, BinaryIO, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg import __version__
from kg.distributed import connect_cluster
from kg.errors import ConfigError, InputError, KGError, StoreUnavailable
from kg.ids import DEFAULT_BASE_IRI, doc_id_from_name, is_valid_doc_id
from kg.parallel import ingest_reports
from kg.pipeline import (
    Extractor,
    IngestResult,
    delete_report,
    ensure_ontology,
    relation_records,
)
from kg.reports import STDIN, STDIN_DOC_ID, parse_date, read_reports, read_text
from kg.settings import Settings, get_settings
from kg.stats import StoreStats, collect_stats
from kg.store.base import DumpFormat, ResultFormat, Store
from kg.store.sparql_text import query_form

logger = logging.getLogger(__name__)

_P = ParamSpec("_P")
_R = TypeVar("_R")

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

app = typer.Typer(
    name="kg",
    help="Knowledge graphs from conflict reporting: ingest reports, query them with SPARQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        metavar="DIR",
        help="Store directory (or http(s) SPARQL endpoint); default: setting KG_STORE.",
        show_default=False,
    ),
]
MemoryOption = Annotated[bool, typer.Option("--memory", help="Use a throwaway in-memory store.")]


def _handles_errors(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn library and OS errors raised by a command into one line on stderr and exit 1."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            raise _fail(str(exc)) from None
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _fail(_describe_os_error(exc)) from None

    return wrapper


def _fail(message: str) -> typer.Exit:
    """Print ``error: message`` as one line on stderr and return the exit to raise."""
    one_line = " ".join(message.split()) or "unknown error"
    sys.stdout.flush()
    sys.stderr.write(f"error: {one_line}\n")
    sys.stderr.flush()
    return typer.Exit(code=1)


def _describe_os_error(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv: debug).")
    ] = 0,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Knowledge graphs from conflict reporting."""
    level = logging.WARNING - 10 * min(verbose, 2)
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
    logging.getLogger("kg").setLevel(level)


@app.command()
@_handles_errors
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help=".txt/.md files (optional sidecar NAME.json), .jsonl files, directories, or -",
            show_default=False,
        ),
    ],
    published: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="Publication date of every report read."),
    ] = None,
    store: StoreOption = None,
    memory: MemoryOption = False,
    workers: Annotated[
        int,
        typer.Option(min=1, help="Processes that parse reports (the store has one writer)."),
    ] = 1,
    dask_scheduler: Annotated[
        str | None,
        typer.Option(
            "--dask-scheduler",
            metavar="ADDRESS",
            help="Extract on this Dask cluster (tcp://HOST:PORT; needs conflict-kg[dask]).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Ingest reports into the store (re-ingesting a report id replaces it)."""
    if dask_scheduler is not None and workers > 1:
        raise ConfigError(
            "give either --workers N or --dask-scheduler ADDRESS, not both "
            "(the cluster's workers do the parsing)"
        )
    settings = get_settings()
    date_override = _parse_published(published)
    # Read and validate every input before anything is loaded or written.
    reports = list(
        read_reports(paths, published=date_override, max_bytes=settings.max_report_bytes)
    )
    _check_store_free(settings, store, memory)  # fail fast, before the model loads
    results: list[IngestResult] = []
    with contextlib.ExitStack() as stack:
        extract = None
        if dask_scheduler is not None:
            # Reach the cluster before the store is opened, so a bad address writes nothing.
            extract = stack.enter_context(
                connect_cluster(
                    dask_scheduler, model=settings.spacy_model, patterns_dir=settings.patterns_dir
                )
            )
            if not logger.isEnabledFor(logging.DEBUG):
                # A lost scheduler makes distributed log every reconnect attempt with a
                # traceback; the ClusterError raised then says it in one line (-vv shows them).
                logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
        extractor = Extractor.load(model=settings.spacy_model, patterns_dir=settings.patterns_dir)
        kg_store = stack.enter_context(_open_store(settings, store, memory, must_exist=False))
        ensure_ontology(kg_store, base_iri=settings.base_iri, ontology_path=settings.ontology_path)
        with _progress() as progress:
            task = progress.add_task("ingesting", total=len(reports))
            for result in ingest_reports(
                reports,
                extractor=extractor,
                store=kg_store,
                base_iri=settings.base_iri,
                workers=workers,
                extract=extract,
            ):
                progress.update(task, description=result.doc_id)
                results.append(result)
                progress.advance(task)
        total_quads = len(kg_store)
    _print_ingest_summary(results, total_quads)


@app.command()
@_handles_errors
def extract(
    path: Annotated[
        Path,
        typer.Argument(metavar="PATH|-", help="A report file, directory, .jsonl file or -."),
    ] = Path(STDIN),
    per_line: Annotated[
        bool, typer.Option("--per-line", help="Treat every input line as one sentence.")
    ] = False,
    published: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="Publication date of every report read."),
    ] = None,
) -> None:
    """Print the relations extracted from reports as JSON Lines (no store)."""
    settings = get_settings()
    date_override = _parse_published(published)
    if per_line:
        text = read_text(path, max_bytes=settings.max_report_bytes)
        lines = [line.removesuffix("\r") for line in text.split("\n")]
        sentences = [line for line in lines if line.strip()]
        doc_id = STDIN_DOC_ID if str(path) == STDIN else doc_id_from_name(path.name)
        extractor = Extractor.load(model=settings.spacy_model, patterns_dir=settings.patterns_dir)
        extractions = extractor.extract_sentences(sentences, doc_id=doc_id, published=date_override)
    else:
        reports = list(
            read_reports([path], published=date_override, max_bytes=settings.max_report_bytes)
        )
        extractor = Extractor.load(model=settings.spacy_model, patterns_dir=settings.patterns_dir)
        extractions = [extractor.extract(report) for report in reports]
    out = _stdout_bytes()
    for extraction in extractions:
        for record in relation_records(extraction, base_iri=settings.base_iri, per_line=per_line):
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()


@app.command()
@_handles_errors
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
    with _open_store(settings, store, memory, must_exist=True) as kg_store:
        if fmt is not QueryFormat.TABLE:
            _write_body(kg_store.query(text, result_format=_RESULT_FORMATS[fmt]).body)
            return
        form = query_form(text)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        result = kg_store.query(text, result_format="turtle" if graph_form else "json")
    if result.form == "SELECT":
        _print_select_table(result.body)
    elif result.form == "ASK":
        sys.stdout.write("true\n" if json.loads(result.body)["boolean"] else "false\n")
    else:
        _write_body(result.body)


@app.command()
@_handles_errors
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
        with _open_store(settings, store, memory, must_exist=True) as kg_store:
            if output is None:
                writer(kg_store, _stdout_bytes(), dynamic)
            else:
                with output.open("wb") as out:
                    writer(kg_store, out, dynamic)
    else:
        with _open_store(settings, store, memory, must_exist=True) as kg_store:
            body = kg_store.dump(_DUMP_FORMATS[fmt])
        if output is None:
            _write_body(body)
            return
        output.write_bytes(body)
    if output is not None:
        sys.stderr.write(f"wrote {fmt.value} to {output}\n")


@app.command()
@_handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    query_timeout: Annotated[
        float | None,
        typer.Option(metavar="S", help="Seconds a SPARQL query may run.", show_default=False),
    ] = None,
    query_workers: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Worker processes that run SPARQL queries on an on-disk store, each query "
            "under a hard time limit (default: setting KG_QUERY_WORKERS).",
            show_default=False,
        ),
    ] = None,
    enable_update: Annotated[
        bool, typer.Option("--enable-update", help="Accept SPARQL Update and graph writes.")
    ] = False,
    update_token: Annotated[
        str | None,
        typer.Option(metavar="T", help="Bearer token required for writes.", show_default=False),
    ] = None,
    allow_anonymous_update: Annotated[
        bool,
        typer.Option("--allow-anonymous-update", help="Accept writes without a token (testing)."),
    ] = False,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log every request (one line each, on standard output). Off by default: at "
            "hundreds of requests a second the log lines cost measurable server CPU.",
        ),
    ] = False,
    store: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Serve the HTTP API and the browser UI."""
    overrides: dict[str, object] = {"store": _store_spec(get_settings(), store, memory)}
    if query_timeout is not None:
        if query_timeout <= 0:
            raise ConfigError("--query-timeout must be a positive number of seconds")
        overrides["query_timeout"] = query_timeout
    if query_workers is not None:
        if query_workers < 1:
            raise ConfigError(
                "--query-workers must be at least 1 (each worker process runs one query at a "
                "time); to run queries in threads instead, without a hard time limit, set "
                "KG_QUERY_WORKERS=0"
            )
        overrides["query_workers"] = query_workers
    if enable_update:
        overrides["enable_update"] = True
    if update_token is not None:
        overrides["update_token"] = update_token
    if allow_anonymous_update:
        overrides["allow_anonymous_update"] = True
    settings = get_settings().model_copy(update=overrides)
    if settings.enable_update and not (settings.update_token or settings.allow_anonymous_update):
        raise ConfigError(
            "--enable-update needs --update-token T (or KG_UPDATE_TOKEN), "
            "or --allow-anonymous-update for local testing"
        )
    # kg never imports api at module level: the web app is loaded only here.
    api_main = importlib.import_module("api.main")
    web_app = api_main.create_app(settings)
    import uvicorn

    uvicorn.run(web_app, host=host, port=port, access_log=access_log)


@app.command()
@_handles_errors
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
    with _open_store(settings, store, memory, must_exist=True) as kg_store:
        summary = collect_stats(kg_store, base_iri=settings.base_iri, compact=_compact)
    if as_json:
        text = json.dumps(asdict(summary), indent=2, ensure_ascii=False, default=str)
        _write_body(text.encode("utf-8"))
        return
    _print_stats(summary)


@app.command()
@_handles_errors
def delete(
    doc_id: Annotated[str, typer.Argument(metavar="DOC_ID", help="Id of the report to remove.")],
    store: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Remove a report and everything derived only from it."""
    settings = get_settings()
    if not is_valid_doc_id(doc_id):
        raise InputError(f"invalid report id {doc_id!r}; see `kg stats` for the stored ids")
    with _open_store(settings, store, memory, must_exist=True) as kg_store:
        removed = delete_report(doc_id, store=kg_store, base_iri=settings.base_iri)
    sys.stdout.write(f"deleted {doc_id}: {removed} quads removed\n")


@app.command()
@_handles_errors
def restore(
    dump: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="An N-Quads dump from `kg export --format nquads`."),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Drop the store's contents first.")
    ] = False,
    store: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Restore the store from an N-Quads dump, all or nothing (the dump is streamed)."""
    from kg.backup import check_dump, restore_dump

    settings = get_settings()
    check_dump(dump)  # read it all once before the store is opened or written
    with _open_store(settings, store, memory, must_exist=False) as kg_store:
        result = restore_dump(kg_store, dump, replace=replace)
    sys.stdout.write(f"restored {result.quads} quads in {result.graphs} graphs from {dump}\n")


# --- helpers -----------------------------------------------------------------------------------


def _parse_published(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except InputError as exc:
        raise InputError(f"--published: {exc}") from exc


def _is_local_store(spec: str) -> bool:
    return spec != ":memory:" and not spec.startswith(("http://", "https://"))


def _store_spec(settings: Settings, store: str | None, memory: bool) -> str:
    if memory and store is not None:
        raise ConfigError("give either --store DIR or --memory, not both")
    if memory:
        return ":memory:"
    return store if store is not None else settings.store


def _check_store_free(settings: Settings, store: str | None, memory: bool) -> None:
    """Open and close an existing on-disk store at once, so that a store held by another
    process (e.g. a running ``kg serve``) is reported in a second, not after slow work."""
    spec = _store_spec(settings, store, memory)
    if _is_local_store(spec) and Path(spec).exists():
        with _open_store(settings, store, memory, must_exist=True):
            pass


@contextlib.contextmanager
def _open_store(
    settings: Settings, store: str | None, memory: bool, *, must_exist: bool
) -> Iterator[Store]:
    """Open the store chosen by ``--store``/``--memory``/settings and close it afterwards."""
    from kg.store.factory import open_store

    spec = _store_spec(settings, store, memory)
    if must_exist and _is_local_store(spec) and not Path(spec).exists():
        raise StoreUnavailable(
            f"no store at {spec}: ingest reports first (kg ingest PATH --store {spec}) "
            "or point --store / KG_STORE at an existing store"
        )
    kg_store = open_store(spec, token=settings.update_token)
    try:
        yield kg_store
    finally:
        kg_store.close()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _stdout_bytes() -> BinaryIO:
    sys.stdout.flush()
    return sys.stdout.buffer


def _write_body(body: bytes) -> None:
    out = _stdout_bytes()
    out.write(body)
    if body and not body.endswith(b"\n"):
        out.write(b"\n")
    out.flush()


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


def _print_ingest_summary(results: Sequence[IngestResult], total_quads: int) -> None:
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


def _compact(iri: str, base_iri: str | None = None) -> str:
    for prefix, namespace in _PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    if base_iri and iri.startswith(base_iri):
        return f"<{iri[len(base_iri) :]}>"
    return iri


def _cell(term: dict[str, str]) -> str:
    kind = term.get("type")
    value = term.get("value", "")
    if kind == "uri":
        return _compact(value)
    if kind == "bnode":
        return f"_:{value}"
    if "xml:lang" in term:
        return f"{value} @{term['xml:lang']}"
    return value


def _print_select_table(body: bytes) -> None:
    data = json.loads(body)
    variables: list[str] = data["head"].get("vars", [])
    bindings: list[dict[str, dict[str, str]]] = data["results"]["bindings"]
    table = Table(*variables, show_lines=False)
    for row in bindings:
        table.add_row(*(_cell(row[var]) if var in row else "" for var in variables))
    Console().print(table)
    noun = "row" if len(bindings) == 1 else "rows"
    sys.stderr.write(f"{len(bindings)} {noun}\n")


def _actor_stats(
    settings: Settings, store: str | None, memory: bool, *, as_json: bool, top: int = 25
) -> None:
    from kg.export.analytics import analyse_actors

    with _open_store(settings, store, memory, must_exist=True) as kg_store:
        report = analyse_actors(kg_store, base_iri=settings.base_iri)
    if as_json:
        text = json.dumps(asdict(report), indent=2, ensure_ascii=False)
        _write_body(text.encode("utf-8"))
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


def _print_stats(summary: StoreStats) -> None:
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
