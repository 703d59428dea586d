"""The actor network: shortest paths, events, and the GEXF download."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.routers.entities import DateQuery
from api.schemas import ErrorBody, EventItem, EventPage, PathEdge, PathItem, PathResult
from api.views import entity_ref, evidence_items
from kg.actors import fetch_actors
from kg.export.gephi import write_gexf
from kg.export.paths import find_paths
from kg.lookup import get_entity, list_events
from kg.ties import TieFilter

router = APIRouter(tags=["network"])


@router.get(
    "/paths",
    response_model=PathResult,
    response_model_by_alias=True,
    responses={404: {"model": ErrorBody, "description": "An end is not an entity."}},
    summary="Shortest connecting paths",
)
async def paths(
    store: StoreDep,
    settings: SettingsDep,
    from_: Annotated[str, Query(alias="from", description="Entity id, e.g. antony-blinken.")],
    to: Annotated[str, Query(description="Entity id.")],
    max_hops: Annotated[int, Query(ge=1, le=6)] = 3,
    modality: Annotated[str | None, Query(description="Use only ties with this modality.")] = None,
) -> PathResult:
    """Shortest paths (at most `max_hops` steps) through events and relations, each step with
    the sentence behind it."""
    base = settings.base_iri

    def run() -> PathResult:
        start = get_entity(store, base_iri=base, key=from_).actor
        end = get_entity(store, base_iri=base, key=to).actor
        tie_filter = TieFilter(modality=(modality,) if modality else ())
        found = find_paths(
            store,
            base_iri=base,
            source=start.iri,
            target=end.iri,
            max_hops=max_hops,
            tie_filter=tie_filter,
        )
        actors = fetch_actors(
            store,
            base_iri=base,
            iris={h.source for p in found for h in p} | {h.target for p in found for h in p},
        )
        items = []
        for hops in found:
            edges = []
            for hop in hops:
                best = hop.ties[0]
                edges.append(
                    PathEdge(
                        source=entity_ref(actors[hop.source]),
                        target=entity_ref(actors[hop.target]),
                        label=best.label,
                        event_type=best.kind,
                        event=best.event,
                        modality=best.modality,
                        evidence=[e for t in hop.ties for e in evidence_items(t.evidence)],
                    )
                )
            items.append(PathItem(length=len(edges), edges=edges))
        return PathResult.model_validate(
            {"from": entity_ref(start), "to": entity_ref(end), "paths": items}
        )

    return await run_in_threadpool(run)


@router.get("/events", response_model=EventPage, summary="Events")
async def events(
    store: StoreDep,
    settings: SettingsDep,
    type: Annotated[str | None, Query(description="Event class, e.g. Attack.")] = None,
    actor: Annotated[str | None, Query(description="Entity id taking any role.")] = None,
    location: Annotated[str | None, Query(description="Entity id of the place.")] = None,
    modality: Annotated[str | None, Query(description="e.g. Asserted.")] = None,
    since: DateQuery = None,
    until: DateQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> EventPage:
    """Event mentions with their roles and evidence, by date."""
    base = settings.base_iri

    def run() -> EventPage:
        tie_filter = TieFilter(modality=(modality,) if modality else (), since=since, until=until)
        found, total = list_events(
            store,
            base_iri=base,
            type_=type,
            actor=actor,
            location=location,
            tie_filter=tie_filter,
            limit=limit,
            offset=offset,
        )
        iris = {iri for e in found for members in e.roles.values() for iri in members}
        actors = fetch_actors(store, base_iri=base, iris=iris)
        items = [
            EventItem(
                iri=e.iri,
                type=e.type,
                modality=e.modality,
                date=e.date,
                cameo=e.cameo_code,
                plover=e.plover_type,
                confidence=e.confidence,
                roles={
                    role: [entity_ref(actors[m]) for m in members if m in actors]
                    for role, members in e.roles.items()
                },
                evidence=evidence_items(e.evidence),
            )
            for e in found
        ]
        return EventPage(items=items, total=total)

    return await run_in_threadpool(run)


@router.get(
    "/export/gexf",
    response_class=Response,
    responses={200: {"content": {"application/gexf+xml": {}}}},
    summary="GEXF for Gephi",
)
async def export_gexf(
    store: StoreDep,
    settings: SettingsDep,
    dynamic: bool = False,
    modality: Annotated[str | None, Query(description="e.g. Asserted.")] = None,
    since: DateQuery = None,
    until: DateQuery = None,
) -> Response:
    """The actor network as GEXF 1.3; `dynamic=true` adds time spells for Gephi's timeline."""

    def run() -> bytes:
        out = io.BytesIO()
        write_gexf(
            store,
            out,
            dynamic=dynamic,
            base_iri=settings.base_iri,
            modality=modality,
            since=since,
            until=until,
        )
        return out.getvalue()

    body = await run_in_threadpool(run)
    name = "conflict-kg-dynamic.gexf" if dynamic else "conflict-kg.gexf"
    return Response(
        body,
        media_type="application/gexf+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
