"""The commands that write reports into the store or read them: ingest, extract, delete, restore."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from kg.cli._errors import handles_errors
from kg.cli._output import make_progress, print_ingest_summary, stdout_bytes
from kg.cli._stores import MemoryOption, StoreOption, check_store_free, open_store
from kg.distributed import connect_cluster
from kg.errors import ConfigError, InputError
from kg.ids import doc_id_from_name, is_valid_doc_id
from kg.parallel import ingest_reports
from kg.pipeline import (
    Extractor,
    IngestResult,
    delete_report,
    ensure_ontology,
    relation_records,
)
from kg.reports import STDIN, STDIN_DOC_ID, parse_date, read_reports, read_text
from kg.settings import get_settings

logger = logging.getLogger(__name__)


@handles_errors
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
    check_store_free(settings, store, memory)  # fail fast, before the model loads
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
        kg_store = stack.enter_context(open_store(settings, store, memory, must_exist=False))
        ensure_ontology(kg_store, base_iri=settings.base_iri, ontology_path=settings.ontology_path)
        with make_progress() as progress:
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
    print_ingest_summary(results, total_quads)


@handles_errors
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
    out = stdout_bytes()
    for extraction in extractions:
        for record in relation_records(extraction, base_iri=settings.base_iri, per_line=per_line):
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()


@handles_errors
def delete(
    doc_id: Annotated[str, typer.Argument(metavar="DOC_ID", help="Id of the report to remove.")],
    store: StoreOption = None,
    memory: MemoryOption = False,
) -> None:
    """Remove a report and everything derived only from it."""
    settings = get_settings()
    if not is_valid_doc_id(doc_id):
        raise InputError(f"invalid report id {doc_id!r}; see `kg stats` for the stored ids")
    with open_store(settings, store, memory, must_exist=True) as kg_store:
        removed = delete_report(doc_id, store=kg_store, base_iri=settings.base_iri)
    sys.stdout.write(f"deleted {doc_id}: {removed} quads removed\n")


@handles_errors
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
    with open_store(settings, store, memory, must_exist=False) as kg_store:
        result = restore_dump(kg_store, dump, replace=replace)
    sys.stdout.write(f"restored {result.quads} quads in {result.graphs} graphs from {dump}\n")


def _parse_published(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except InputError as exc:
        raise InputError(f"--published: {exc}") from exc
