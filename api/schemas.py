"""Pydantic models of the JSON the API returns (the API contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
