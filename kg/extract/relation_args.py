"""Argument spans of open relations: which words of the parse make up a subject or an object.

Pure helpers over spaCy tokens, shared by the clause rules (``relations``) and the noun-phrase
rules (``relation_nominal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.models import Argument

if TYPE_CHECKING:
    from spacy.tokens import Token

CUT_DEPS = {"relcl", "advcl", "parataxis", "punct", "cc", "mark"}


@dataclass(frozen=True, slots=True)
class Arg:
    """An argument as tokens, with its head word.

    Attributes:
        tokens: The argument's words, contiguous, in order.
        head: The syntactic head (links the argument to an entity).
    """

    tokens: tuple[Token, ...]
    head: Token


def arg_tokens(head: Token, *, drop: set[int] | None = None) -> tuple[Token, ...]:
    """The words of an argument: the head's subtree without clauses hanging off it.

    Args:
        head: The argument's head word.
        drop: Token indices to leave out as well.

    Returns:
        A contiguous run of tokens around the head (empty if nothing is left).
    """
    skip: set[int] = set(drop or ())
    for child in head.children:
        if child.dep_ in CUT_DEPS or (child.dep_ == "appos" and child.i > head.i + 1):
            skip.update(t.i for t in child.subtree)
        if child.dep_ in {"conj", "cc"}:
            skip.update(t.i for t in child.subtree)
        if child.dep_ == "prep" and child.lower_ in {"including"}:
            skip.update(t.i for t in child.subtree)
    toks = list(trim(tuple(t for t in head.subtree if t.i not in skip)))
    # keep it contiguous: cut at the first gap
    out: list[Token] = []
    for tok in toks:
        if out and tok.i != out[-1].i + 1:
            if head.i > out[-1].i:
                out = [tok]
                continue
            break
        out.append(tok)
    return tuple(out)


def to_argument(
    tokens: tuple[Token, ...], head: Token, token_entity: dict[int, str], role: str | None = None
) -> Argument:
    """The model argument for a run of tokens.

    Args:
        tokens: The argument's words (contiguous, non-empty).
        head: Its head word.
        token_entity: Token index -> entity key.
        role: ``subject``, ``object`` or None.

    Returns:
        The argument, with its text cut from the document.
    """
    doc = head.doc
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1].text)
    return Argument(
        text=doc.text[start:end],
        start=start,
        end=end,
        entity_key=token_entity.get(head.i),
        role=role,
    )


def conj_heads(token: Token) -> list[Token]:
    """A nominal head and its conjuncts ("Egypt, Qatar and the US")."""
    out = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in {"NOUN", "PROPN", "PRON", "NUM"}:
            out.extend(conj_heads(child))
    return out


def trim(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """Tokens without leading and trailing punctuation, spaces or conjunctions ("and")."""
    toks = list(tokens)
    while toks and (toks[-1].is_punct or toks[-1].is_space or toks[-1].dep_ == "cc"):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].dep_ == "cc"):
        toks.pop(0)
    return tuple(toks)
