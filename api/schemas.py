"""Pydantic models of the JSON the API returns (the API contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Health(BaseModel):
    """Liveness: the app runs and its store answers."""

    status: Literal["ok"] = "ok"
    quads: int = Field(description="Quads in the store.")


class Stats(BaseModel):
    """Counts over the whole store."""

    quads: int = Field(description="Quads in all graphs.")
    graphs: int = Field(description="Named graphs.")
    documents: int = Field(description="Reports (nodes typed schema:NewsArticle).")
    entities: int = Field(description="Actors and locations (ck:Actor/ck:Location and subclasses).")
    events: int = Field(description="Event mentions (instances of ck:Event subclasses).")
    statements: int = Field(description="Open relations (rdf:Statement nodes).")


class ErrorBody(BaseModel):
    """Every error response."""

    detail: str


class EntityRef(BaseModel):
    """An entity in a list or at the other end of a relation."""

    id: str = Field(description="Key of the entity: the last part of its IRI.")
    iri: str
    label: str
    type: str = Field(description="Most specific class, e.g. Person, State, ArmedGroup.")


class EntitySummary(EntityRef):
    """A search hit."""

    model_config = ConfigDict(populate_by_name=True)

    aliases: list[str] = Field(default_factory=list)
    same_as: list[str] = Field(
        default_factory=list, alias="sameAs", description="owl:sameAs (Wikidata) IRIs."
    )


class EntityPage(BaseModel):
    """One page of entity search results."""

    items: list[EntitySummary]
    total: int = Field(description="Matches over all pages.")


class EntityCounts(BaseModel):
    """How much the graph says about an entity."""

    events: int
    relations: int
    mentions: int


class EntityDetail(EntitySummary):
    """One entity with its description, counts and the reports that mention it."""

    types: list[str]
    role_titles: list[str] = Field(default_factory=list)
    country: EntityRef | None = None
    member_of: list[str] = Field(default_factory=list)
    cameo_actor_code: str | None = None
    counts: EntityCounts
    documents: list[str] = Field(description="Ids of the reports that mention it.")


class EvidenceItem(BaseModel):
    """The sentence a fact was extracted from, with its offsets in the report text."""

    doc_id: str
    sentence: str
    start: int
    end: int


class RelationItem(BaseModel):
    """A relation of an entity: an event role pair or an open relation."""

    direction: Literal["out", "in", "both"] = Field(
        description="out: the entity acts on the other; in: the other acts on it; both: "
        "co-participants."
    )
    predicate: str = Field(description="ck:<role> of the other entity, or the rel: property.")
    label: str
    event: str = Field(description="IRI of the event or rdf:Statement.")
    event_type: str = Field(description="Event class, or Relation for an open relation.")
    other: EntityRef
    modality: str | None = Field(
        description="Asserted, Negated, Future, Proposed, Requested, Threatened, WarnedAgainst, "
        "Hypothetical: only Asserted says it happened."
    )
    confidence: float | None
    date: str | None
    evidence: list[EvidenceItem]


class EntityRelations(BaseModel):
    """An entity and its relations."""

    entity: EntitySummary
    relations: list[RelationItem]


class PathEdge(BaseModel):
    """One step of a path."""

    source: EntityRef
    target: EntityRef
    label: str
    event_type: str
    event: str
    modality: str | None
    evidence: list[EvidenceItem]


class PathItem(BaseModel):
    """One shortest path."""

    length: int
    edges: list[PathEdge]


class PathResult(BaseModel):
    """Shortest paths between two entities."""

    from_: EntityRef = Field(alias="from")
    to: EntityRef
    paths: list[PathItem]

    model_config = ConfigDict(populate_by_name=True)


class EventItem(BaseModel):
    """One event mention."""

    iri: str
    type: str
    modality: str | None
    date: str | None
    cameo: str | None
    plover: str | None
    confidence: float | None
    roles: dict[str, list[EntityRef]]
    evidence: list[EvidenceItem]


class EventPage(BaseModel):
    """One page of events."""

    items: list[EventItem]
    total: int


class DocumentIn(BaseModel):
    """A report to ingest."""

    id: str = Field(min_length=1, max_length=200, description="Report id: letters, digits, . _ -")
    text: str = Field(min_length=1)
    title: str | None = None
    published: str | None = Field(default=None, description="YYYY-MM-DD")
    url: str | None = None


class DocumentItem(BaseModel):
    """A stored report."""

    id: str
    iri: str
    title: str | None
    published: str | None
    url: str | None
    sentences: int
    quads: int


class DocumentList(BaseModel):
    """Every stored report."""

    items: list[DocumentItem]


class DocumentDetail(DocumentItem):
    """A stored report with its text."""

    text: str | None = None


class IngestOut(BaseModel):
    """What ingesting a report wrote."""

    id: str
    sentences: int
    relations: int
    events: int
    quads: int
    unchanged: bool


class DeleteOut(BaseModel):
    """What deleting a report removed."""

    id: str
    removed_quads: int
