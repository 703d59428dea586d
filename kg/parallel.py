"""Batch ingestion with extraction spread over worker processes or a cluster.

With ``workers=N`` spaCy parses the batch with ``nlp.pipe(texts, n_process=N)`` and this process
runs ``Extractor.extract_doc`` on each parsed doc; an injected ``extract`` function (e.g.
:class:`kg.distributed.DaskExtraction`) may do the whole extraction elsewhere instead. Either
way this process is the single writer: every report goes to the store in its own transaction,
in input order, so the result is the same as ``workers=1``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Generator, Iterator, Sequence

from kg import ids
from kg.errors import ExtractionError
from kg.models import Extraction, Report
from kg.pipeline import CK, Extractor, IngestResult, ingest_report
from kg.store.base import Store

BATCH_SIZE = 16

#: Extracts reports, yielding one extraction per report in input order.
ExtractReports = Callable[[Sequence[Report]], Generator[Extraction, None, None]]


def _is_unchanged(report: Report, *, extractor: Extractor, store: Store, base_iri: str) -> bool:
    if not ids.is_valid_doc_id(report.id):
        return False
    digest = extractor.digest(report)
    run = ids.mint_run_iri(base_iri, report.id, digest)
    prov = ids.doc_graph_iri(base_iri, report.id, "provenance")
    return store.ask(f'ASK {{ GRAPH <{prov}> {{ <{run}> <{CK}contentDigest> "{digest}" }} }}')


def extract_reports(
    reports: Sequence[Report], *, extractor: Extractor, workers: int
) -> Generator[Extraction, None, None]:
    """Extract reports in input order, parsing them in ``workers`` processes.

    Args:
        reports: The reports.
        extractor: The loaded extractor.
        workers: Parser processes (1 parses in this process).

    Raises:
        ExtractionError: spaCy failed on a report.
    """
    texts = (report.text for report in reports)
    try:
        docs = extractor.nlp.pipe(texts, n_process=workers, batch_size=BATCH_SIZE)
        for report, doc in zip(reports, docs, strict=True):
            yield extractor.extract_doc(report, doc)
    except (ValueError, RuntimeError) as exc:
        raise ExtractionError(f"spaCy failed on the batch: {exc}") from exc


def ingest_reports(
    reports: Sequence[Report],
    *,
    extractor: Extractor,
    store: Store,
    base_iri: str,
    workers: int = 1,
    extract: ExtractReports | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> Iterator[IngestResult]:
    """Ingest reports in input order, one store transaction each.

    Reports already stored unchanged are skipped before extraction; the rest are parsed by
    ``workers`` processes (or extracted by ``extract``) and written by this (the only writing)
    process.

    Args:
        reports: The reports, in the order to write them.
        extractor: The loaded extractor (it also gives each report's content digest).
        store: The store to write to.
        base_iri: Base of minted IRIs.
        workers: Parser processes (ignored when ``extract`` is given).
        extract: Extracts the reports to write elsewhere, e.g. on a Dask cluster; it must use
            the same model and conflict-kg version as ``extractor``.
        clock: Returns each run's start time (defaults to the current UTC time).

    Yields:
        One result per report, in input order.

    Raises:
        InputError: A report id cannot be used in IRIs.
        ExtractionError: spaCy failed, or ``extract`` used another model or version.
        StoreError: A write failed (earlier reports stay written).
    """
    now = clock or (lambda: dt.datetime.now(dt.UTC))
    if extract is None:  # also for one process: ``nlp.pipe`` parses in batches, cheaper per report
        extract = functools.partial(extract_reports, extractor=extractor, workers=workers)
    pending = [
        not _is_unchanged(report, extractor=extractor, store=store, base_iri=base_iri)
        for report in reports
    ]
    todo = [report for report, is_pending in zip(reports, pending, strict=True) if is_pending]
    extractions = extract(todo)
    try:
        for report, is_pending in zip(reports, pending, strict=True):
            extraction = next(extractions) if is_pending else None
            if extraction is not None:
                _check_extraction(extraction, report=report, extractor=extractor)
            yield ingest_report(
                report,
                extractor=extractor,
                store=store,
                base_iri=base_iri,
                now=now(),
                extraction=extraction,
            )
    finally:
        extractions.close()


def _check_extraction(extraction: Extraction, *, report: Report, extractor: Extractor) -> None:
    if extraction.report.id != report.id:
        raise ExtractionError(
            f"expected the extraction of report {report.id!r}, got {extraction.report.id!r}"
        )
    if extraction.run_digest != extractor.digest(report):
        raise ExtractionError(
            f"report {report.id!r} was extracted with {extraction.model} and conflict-kg "
            f"{extraction.extractor_version}, but this process runs {extractor.model}; install "
            "the same model and conflict-kg version on every worker"
        )
