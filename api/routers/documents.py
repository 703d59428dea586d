"""Reports over HTTP: list, show, ingest (POST) and delete; writes need the bearer token."""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING, Annotated, Any, Final

from fastapi import APIRouter, Header, Request
from starlette.concurrency import run_in_threadpool

from api.auth import authorize_write
from api.deps import SettingsDep, StoreDep
from api.schemas import (
    DeleteOut,
    DocumentDetail,
    DocumentIn,
    DocumentItem,
    DocumentList,
    ErrorBody,
    IngestOut,
)
from kg.errors import EntityNotFound, InputError
from kg.ids import is_valid_doc_id
from kg.lookup import sparql_string
from kg.models import Report
from kg.pipeline import delete_report, ensure_ontology, ingest_report, list_reports
from kg.reports import parse_date
from kg.settings import Settings
from kg.store.base import Store

if TYPE_CHECKING:
    from kg.pipeline import Extractor

router = APIRouter(tags=["documents"])

_LOCK: Final = threading.Lock()
_WRITE_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    403: {"model": ErrorBody, "description": "Writes are disabled or the token is wrong."},
    400: {"model": ErrorBody, "description": "Bad report."},
}


def _extractor(request: Request, settings: Settings) -> Extractor:
    """The app's extractor, loaded on first use (once per app)."""
    with _LOCK:
        extractor: Extractor | None = getattr(request.app.state, "extractor", None)
        if extractor is None:
            from kg.pipeline import Extractor

            extractor = Extractor.load(
                model=settings.spacy_model, patterns_dir=settings.patterns_dir
            )
            request.app.state.extractor = extractor
        return extractor


def _find(store: Store, base_iri: str, doc_id: str) -> dict[str, Any]:
    for report in list_reports(store, base_iri=base_iri):
        if report["id"] == doc_id:
            return report
    raise EntityNotFound(f"no report with id {doc_id!r}; GET /documents lists them")


@router.get("/documents", response_model=DocumentList, summary="Stored reports")
async def documents(store: StoreDep, settings: SettingsDep) -> DocumentList:
    """Every stored report with its sentence and quad counts."""
    rows = await run_in_threadpool(list_reports, store, base_iri=settings.base_iri)
    return DocumentList(items=[DocumentItem(**row) for row in rows])


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    responses={404: {"model": ErrorBody, "description": "No such report."}},
    summary="One report",
)
async def document(doc_id: str, store: StoreDep, settings: SettingsDep) -> DocumentDetail:
    """A stored report with its text."""

    def run() -> DocumentDetail:
        row = _find(store, settings.base_iri, doc_id)
        text = store.select(
            "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> "
            "PREFIX schema: <https://schema.org/> SELECT ?text WHERE { ?doc schema:identifier "
            f"{sparql_string(doc_id)} ; nif:isString ?text }} LIMIT 1"
        )
        return DocumentDetail(**row, text=text[0]["text"].value if text else None)

    return await run_in_threadpool(run)


@router.post(
    "/documents",
    response_model=IngestOut,
    status_code=201,
    responses=_WRITE_ERRORS,
    summary="Ingest a report",
)
async def ingest(
    body: DocumentIn,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> IngestOut:
    """Extract a report and store its graphs (replacing an earlier version with the same id)."""
    authorize_write(settings, authorization)
    if not is_valid_doc_id(body.id):
        raise InputError(f"report id {body.id!r} is not usable; use letters, digits, . _ -")
    published = parse_date(body.published) if body.published else None
    report = Report(id=body.id, text=body.text, title=body.title, published=published, url=body.url)

    def run() -> IngestOut:
        extractor = _extractor(request, settings)
        ensure_ontology(store, base_iri=settings.base_iri, ontology_path=settings.ontology_path)
        result = ingest_report(
            report,
            extractor=extractor,
            store=store,
            base_iri=settings.base_iri,
            now=dt.datetime.now(dt.UTC),
        )
        return IngestOut(
            id=result.doc_id,
            sentences=result.sentences,
            relations=result.relations,
            events=result.events,
            quads=result.quads,
            unchanged=result.unchanged,
        )

    return await run_in_threadpool(run)


@router.delete(
    "/documents/{doc_id}",
    response_model=DeleteOut,
    responses={**_WRITE_ERRORS, 404: {"model": ErrorBody, "description": "No such report."}},
    summary="Delete a report",
)
async def delete(
    doc_id: str,
    store: StoreDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> DeleteOut:
    """Remove a report and everything derived only from it."""
    authorize_write(settings, authorization)
    if not is_valid_doc_id(doc_id):
        raise EntityNotFound(f"no report with id {doc_id!r}; GET /documents lists them")
    removed = await run_in_threadpool(
        delete_report, doc_id, store=store, base_iri=settings.base_iri
    )
    return DeleteOut(id=doc_id, removed_quads=removed)
