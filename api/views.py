"""Conversions from library dataclasses to the API's response models."""

from __future__ import annotations

from api.schemas import EntityRef, EntitySummary, EvidenceItem
from kg.actors import Actor, Evidence


def entity_ref(actor: Actor) -> EntityRef:
    """The short form of an entity.

    Args:
        actor: The entity.

    Returns:
        Its reference.
    """
    return EntityRef(id=actor.key, iri=actor.iri, label=actor.label, type=actor.type)


def entity_summary(actor: Actor) -> EntitySummary:
    """An entity as a search hit.

    Args:
        actor: The entity.

    Returns:
        Its summary.
    """
    return EntitySummary(
        id=actor.key,
        iri=actor.iri,
        label=actor.label,
        type=actor.type,
        aliases=list(actor.aliases),
        sameAs=list(actor.same_as),
    )


def evidence_items(evidence: Evidence | None) -> list[EvidenceItem]:
    """Evidence as a (zero- or one-item) list.

    Args:
        evidence: The sentence, if known.

    Returns:
        The list.
    """
    if evidence is None:
        return []
    return [
        EvidenceItem(
            doc_id=evidence.doc_id,
            sentence=evidence.sentence,
            start=evidence.start,
            end=evidence.end,
        )
    ]
