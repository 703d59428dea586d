"""Entity lookups: search, one entity (JSON or RDF by Accept), its relations."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.negotiation import choose
from api.schemas import (
    EntityCounts,
    EntityDetail,
    EntityPage,
    EntityRelations,
    ErrorBody,
    RelationItem,
)
from api.views import entity_ref, entity_summary, evidence_items
from kg.actors import fetch_actors
from kg.lookup import entity_rdf, entity_relations, get_entity, search_entities
from kg.store.base import ResultFormat
from kg.ties import TieFilter

router = APIRouter(tags=["entities"])

#: What ``GET /entities/{id}`` can answer with; JSON first.
ENTITY_OFFERS: Final[tuple[tuple[str, ResultFormat | None], ...]] = (
    ("application/json", None),
    ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
)
_NOT_FOUND: Final[dict[int | str, dict[str, Any]]] = {
    404: {"model": ErrorBody, "description": "No such entity."}
}
DateQuery = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]


@router.get("/entities", response_model=EntityPage, summary="Search entities")
async def search(
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200, description="Text in a name or alias.")] = "",
    type: Annotated[str | None, Query(description="Entity class, e.g. Person.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> EntityPage:
    """Find entities with a name or alias matching every word of `q` as a word prefix,
    ignoring case and accents (a full-text index); exact and prefix matches first."""
    items, total = await run_in_threadpool(
        lambda: search_entities(
            store, base_iri=settings.base_iri, q=q, type_=type, limit=limit, offset=offset
        )
    )
    return EntityPage(items=[entity_summary(a) for a in items], total=total)


@router.get(
    "/entities/{entity_id}",
    response_model=EntityDetail,
    responses={
        **_NOT_FOUND,
        200: {"content": {media: {} for media, _ in ENTITY_OFFERS[1:]}},
    },
    summary="One entity",
)
async def show(
    entity_id: str,
    store: StoreDep,
    settings: SettingsDep,
    accept: Annotated[str | None, Header()] = None,
) -> EntityDetail | Response:
    """An entity: label, types, aliases, sameAs, role titles, counts and documents.

    `Accept: text/turtle` or `application/ld+json` gives its triples as RDF.
    """
    chosen = choose(accept, ENTITY_OFFERS) if accept else None
    if chosen is not None and chosen[1] is not None:
        fmt = chosen[1]
        result = await run_in_threadpool(
            entity_rdf, store, base_iri=settings.base_iri, key=entity_id, result_format=fmt
        )
        return Response(result.body, media_type=result.media_type)
    detail = await run_in_threadpool(get_entity, store, base_iri=settings.base_iri, key=entity_id)
    actor = detail.actor
    country = None
    if actor.country:
        found = fetch_actors(store, base_iri=settings.base_iri, iris=[actor.country])
        country = entity_ref(found[actor.country]) if actor.country in found else None
    summary = entity_summary(actor)
    return EntityDetail(
        **summary.model_dump(),
        types=list(actor.types),
        role_titles=list(actor.role_titles),
        country=country,
        member_of=list(actor.member_of),
        cameo_actor_code=actor.cameo_code,
        counts=EntityCounts(
            events=detail.events, relations=detail.relations, mentions=detail.mentions
        ),
        documents=list(detail.documents),
    )


@router.get(
    "/entities/{entity_id}/relations",
    response_model=EntityRelations,
    responses=_NOT_FOUND,
    summary="Relations of an entity",
)
async def relations(
    entity_id: str,
    store: StoreDep,
    settings: SettingsDep,
    direction: Literal["out", "in", "both"] = "both",
    type: Annotated[
        str | None, Query(description="Event class (Meeting, Attack ...) or Relation.")
    ] = None,
    modality: Annotated[str | None, Query(description="e.g. Asserted, Threatened.")] = None,
    since: DateQuery = None,
    until: DateQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> EntityRelations:
    """Event roles (agent -> target, co-participants, visits) and open relations, with the
    sentence each comes from."""
    tie_filter = TieFilter(
        modality=(modality,) if modality else (),
        since=since,
        until=until,
        kinds=(type,) if type else (),
    )
    actor, views = await run_in_threadpool(
        lambda: entity_relations(
            store,
            base_iri=settings.base_iri,
            key=entity_id,
            direction=direction,
            tie_filter=tie_filter,
            limit=limit,
        )
    )
    return EntityRelations(
        entity=entity_summary(actor),
        relations=[
            RelationItem(
                direction=view.direction,
                predicate=view.predicate,
                label=view.tie.label,
                event=view.tie.event,
                event_type=view.tie.kind,
                other=entity_ref(view.other),
                modality=view.tie.modality,
                confidence=view.tie.confidence,
                date=view.tie.date,
                evidence=evidence_items(view.tie.evidence),
            )
            for view in views
        ],
    )
