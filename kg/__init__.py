"""conflict-kg: knowledge graphs from conflict reporting."""

from __future__ import annotations

from kg.errors import KGError
from kg.models import Entity, Event, Extraction, Mention, Modality, Relation, Report, Sentence

__version__ = "0.1.0"

__all__ = [
    "Entity",
    "Event",
    "Extraction",
    "KGError",
    "Mention",
    "Modality",
    "Relation",
    "Report",
    "Sentence",
    "__version__",
]
