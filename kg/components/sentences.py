"""``kg_sentence_fixer``: paragraph breaks always start a new sentence.

Reports are written one paragraph per line; the small parser sometimes runs a sentence across a
line break. Marking the token after a newline as a sentence start fixes that before parsing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class SentenceFixer:
    """Set ``is_sent_start`` after newline whitespace tokens."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[:-1]:
            if token.is_space and "\n" in token.text:
                doc[token.i + 1].is_sent_start = True
        return doc


def make_sentence_fixer(nlp: Language, name: str) -> SentenceFixer:
    """Factory of the ``kg_sentence_fixer`` component."""
    return SentenceFixer()


def register() -> None:
    """Register the factory with spaCy (called by :func:`kg.nlp.register_components`)."""
    from spacy.language import Language

    if not Language.has_factory("kg_sentence_fixer"):
        Language.factory("kg_sentence_fixer", func=make_sentence_fixer)
