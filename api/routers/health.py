"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, summary="Liveness")
async def health(store: StoreDep) -> Health:
    """Report that the app runs and how many quads its store holds."""
    return Health(quads=await run_in_threadpool(len, store))
