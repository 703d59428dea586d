"""Mention candidate records: a spaCy span plus what extraction found out about it.

Shared by the name, group and pronoun mention finders (:mod:`kg.extract.mentions`,
:mod:`kg.extract.noun_mentions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.models import MentionCandidate

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}


def sentence_index_of(doc: Doc) -> dict[int, int]:
    """Token index -> index of its sentence in ``doc``.

    Args:
        doc: A parsed report.

    Returns:
        The sentence index of every token.
    """
    index: dict[int, int] = {}
    for n, sent in enumerate(doc.sents):
        for token in sent:
            index[token.i] = n
    return index


def make_candidate(
    span: Span,
    *,
    sent_of: dict[int, int],
    kind: str,
    label: str,
    **extra: str | None,
) -> MentionCandidate:
    """A mention candidate for ``span``.

    Args:
        span: The mention's tokens.
        sent_of: Token index -> sentence index (:func:`sentence_index_of`).
        kind: "name", "group", "population", "definite" or "pronoun".
        label: NER-style label or class name.
        **extra: Optional ``gazetteer_key``, ``country_key``, ``role_title``, ``member_of_key``
            and ``hint``.

    Returns:
        The candidate.
    """
    start, end = span.start_char, span.end_char
    return MentionCandidate(
        start=start,
        end=end,
        text=span.text,
        sentence_index=sent_of[span.root.i],
        head=span.root.i,
        tokens=tuple(range(span.start, span.end)),
        kind=kind,
        label=label,
        gazetteer_key=extra.get("gazetteer_key"),
        country_key=extra.get("country_key"),
        role_title=extra.get("role_title"),
        member_of_key=extra.get("member_of_key"),
        hint=extra.get("hint"),
        is_subject=span.root.dep_ in SUBJECT_DEPS,
    )
