"""HTTP content negotiation: parse ``Accept`` with q-values and pick the best offer.

>>> choose_format("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_OFFERS)
'xml'
>>> choose_format(None, GRAPH_OFFERS)
'turtle'
>>> choose_format("image/png", SOLUTION_OFFERS) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from kg.store.base import ResultFormat

T = TypeVar("T")

#: What a SELECT or ASK result can be sent as, the server's preference first.
SOLUTION_OFFERS: Final[tuple[tuple[str, ResultFormat], ...]] = (
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
)
#: What a CONSTRUCT or DESCRIBE result can be sent as, the server's preference first.
GRAPH_OFFERS: Final[tuple[tuple[str, ResultFormat], ...]] = (
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
)


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One entry of an ``Accept`` header.

    Attributes:
        type: Main type or ``*``.
        subtype: Subtype or ``*``.
        q: Quality in [0, 1].
    """

    type: str
    subtype: str
    q: float

    def match(self, media_type: str) -> int:
        """How specifically this range matches a media type: 3 exact, 2 ``type/*``, 1 ``*/*``, 0 no.

        Args:
            media_type: A concrete ``type/subtype``.

        Returns:
            The match specificity.

        >>> MediaRange("text", "*", 1.0).match("text/csv")
        2
        """
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 1
        if self.type != main:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str) -> list[MediaRange]:
    """Parse an ``Accept`` header, ignoring malformed entries and parameters other than q.

    Args:
        header: The header value.

    Returns:
        The media ranges in header order.

    >>> parse_accept("text/turtle;q=0.8, */*;q=0.1, bad")
    [MediaRange(type='text', subtype='turtle', q=0.8), MediaRange(type='*', subtype='*', q=0.1)]
    """
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def choose(header: str | None, offers: Sequence[tuple[str, T]]) -> tuple[str, T] | None:
    """The offer the client prefers most; ties go to the earlier offer.

    Each offer is weighed by the q of the most specific range that matches it. No header (or an
    empty one) accepts the first offer.

    Args:
        header: The ``Accept`` value, if any.
        offers: ``(media type, value)`` pairs in the server's order of preference.

    Returns:
        The chosen pair, or None when the client accepts none of them.

    >>> choose("text/*;q=0.5, text/csv;q=0", [("text/csv", 1), ("text/turtle", 2)])
    ('text/turtle', 2)
    """
    if not header or not header.strip():
        return offers[0] if offers else None
    ranges = parse_accept(header)
    best: tuple[str, T] | None = None
    best_q = 0.0
    for media_type, value in offers:
        specificity, q = 0, 0.0
        for media_range in ranges:
            match = media_range.match(media_type)
            if match > specificity:
                specificity, q = match, media_range.q
        if q > best_q:
            best, best_q = (media_type, value), q
    return best


def choose_format(
    header: str | None, offers: Sequence[tuple[str, ResultFormat]]
) -> ResultFormat | None:
    """The result format to send, or None when nothing offered is acceptable.

    Args:
        header: The ``Accept`` value, if any.
        offers: :data:`SOLUTION_OFFERS` or :data:`GRAPH_OFFERS`.

    Returns:
        The format.
    """
    chosen = choose(header, offers)
    return chosen[1] if chosen else None
