"""Limits that keep hostile or degenerate text from stalling extraction.

Extraction cost grows faster than linearly with sentence length (a 10^6-character run-on
sentence would take many minutes), while real news sentences stay far below these limits. A
report over a limit is refused with an :class:`~kg.errors.InputError` naming its source, before
anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from kg.errors import InputError
from kg.models import Report

#: Longest stretch of characters without a sentence end (. ! ? or a line break) accepted.
MAX_SENTENCE_CHARS: Final = 20_000
#: Most tokens accepted in one parsed sentence.
MAX_SENTENCE_TOKENS: Final = 2_000

_SENTENCE_END = re.compile(r"[.!?\n\u3002\uff01\uff1f\u2029]")


def check_sentence_chars(report: Report, *, limit: int = MAX_SENTENCE_CHARS) -> None:
    """Refuse a report holding a run of more than ``limit`` characters without a sentence end.

    Raises:
        InputError: The report has such a run (checked before the text is parsed).

    >>> check_sentence_chars(Report(id="a", text="Short. Sentences."))
    """
    start = 0
    for match in _SENTENCE_END.finditer(report.text):
        if match.start() - start > limit:
            break
        start = match.end()
    else:
        if len(report.text) - start <= limit:
            return
    raise InputError(
        f"report {report.id!r}: a sentence of more than {limit:,} characters (at character "
        f"{start}); split the text into sentences",
        path=report.source,
    )


def check_sentence_tokens(
    report: Report, lengths: Iterable[int], *, limit: int = MAX_SENTENCE_TOKENS
) -> None:
    """Refuse a report whose parse has a sentence of more than ``limit`` tokens.

    Args:
        report: The report (named in the error).
        lengths: Token count of each parsed sentence.
        limit: The most tokens accepted in one sentence.

    Raises:
        InputError: A sentence is over the limit.
    """
    for index, length in enumerate(lengths):
        if length > limit:
            raise InputError(
                f"report {report.id!r}: sentence {index} has {length:,} tokens, more than the "
                f"limit of {limit:,}; split the text into sentences",
                path=report.source,
            )
