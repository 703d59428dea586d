"""A small SPARQL lexer: what a query is, and which graphs and services it names.

Not a parser. It splits SPARQL text into tokens while skipping strings, comments and IRIs, which
is enough to find the query form, ``SERVICE``/``LOAD`` keywords and the dataset clauses
(``FROM``, ``FROM NAMED``, ``USING``, ``USING NAMED``, ``WITH``) before a query runs.

>>> query_form("PREFIX ex: <http://ex/> # SELECT in a comment\\nASK { ?s ex:p 'SELECT' }")
'ASK'
>>> query_form("INSERT DATA { <a:b> <a:c> 1 }") is None
True
>>> sorted(keywords_used("SELECT * { SERVICE <http://x/> { ?s ?p 'LOAD' } }", {"SERVICE", "LOAD"}))
['SERVICE']
>>> dataset_clauses("PREFIX g: <http://ex/g/> SELECT * FROM g:one FROM NAMED <http://ex/g/two> {}")
[('FROM', 'http://ex/g/one'), ('FROM NAMED', 'http://ex/g/two')]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin

from kg.store.base import QueryForm

TokenKind = Literal["iri", "pname", "var", "string", "lang", "word", "number", "other"]

_IRIREF = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_PN_CHARS = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"
_PNAME = rf"(?:[^\W\d_]{_PN_CHARS}*(?:\.{_PN_CHARS}+)*)?:(?:[\w:%\-]|\\.|\.(?=[\w:%\-]))*"
_STRING = "|".join(
    (
        r'"""(?:[^\\]|\\.)*?"""',
        r"'''(?:[^\\]|\\.)*?'''",
        r'"(?:[^"\\\n\r]|\\.)*"',
        r"'(?:[^'\\\n\r]|\\.)*'",
    )
)
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>{_STRING})
  | (?P<iri>{_IRIREF})
  | (?P<var>[?$]\w+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>{_PNAME})
  | (?P<word>[A-Za-z_]\w*)
  | (?P<number>\d+\.\d*[eE][+-]?\d+|\d*\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS: frozenset[str] = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token.

    Attributes:
        kind: ``iri``, ``pname``, ``var``, ``string``, ``lang``, ``word`` or ``other``.
        text: The token text (IRIs without their angle brackets).
    """

    kind: TokenKind
    text: str


#: Texts up to this length have their tokens remembered: one request lexes its text several
#: times (form, keywords, dataset clauses, nesting), so the repeats are free.
_MEMO_CHARS = 65_536


def tokenize(sparql: str) -> Sequence[Token]:
    """Split SPARQL text into tokens, dropping whitespace and comments.

    Args:
        sparql: A query or update.

    Returns:
        The tokens in order.

    >>> [t.text for t in tokenize("SELECT ?x { ?x <http://p> 'a # b' } # c")]
    ['SELECT', '?x', '{', '?x', 'http://p', "'a # b'", '}']
    """
    if len(sparql) <= _MEMO_CHARS:
        return _tokenize_memo(sparql)
    return _tokenize(sparql)


@functools.lru_cache(maxsize=16)
def _tokenize_memo(sparql: str) -> tuple[Token, ...]:
    return _tokenize(sparql)


def _tokenize(sparql: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        text = match.group()
        if kind in ("ws", "comment") or kind is None:
            continue
        if kind == "iri":
            text = text[1:-1]
        tokens.append(Token(kind, text))  # type: ignore[arg-type]
    return tuple(tokens)


def top_level_limit(sparql: str) -> int | None:
    """The ``LIMIT`` of a query's outermost solution sequence, if it has one.

    A ``LIMIT`` inside braces belongs to a subquery and does not count.

    Args:
        sparql: A query.

    Returns:
        The limit, or None.

    >>> top_level_limit("SELECT * { { SELECT * {} LIMIT 5 } } ORDER BY ?x LIMIT 20 OFFSET 3")
    20
    >>> top_level_limit("SELECT * { { SELECT * {} LIMIT 5 } }") is None
    True
    """
    tokens = tokenize(sparql)
    depth = 0
    limit: int | None = None
    for i, token in enumerate(tokens):
        if token.kind == "other":
            if token.text == "{":
                depth += 1
            elif token.text == "}":
                depth -= 1
        elif depth == 0 and token.kind == "word" and token.text.upper() == "LIMIT":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and nxt.kind == "number" and nxt.text.isdigit():
                limit = int(nxt.text)
    return limit


def query_form(sparql: str) -> QueryForm | None:
    """The form of a query, or None for an update or text that is not a query.

    Args:
        sparql: A query or update.

    Returns:
        ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``, or None.

    >>> query_form("base <http://x/> prefix : <http://y/> select * {}")
    'SELECT'
    """
    for match in _TOKEN.finditer(sparql):  # lazily: only the prologue is read
        if match.lastgroup != "word":
            continue
        word = match.group().upper()
        if word in ("PREFIX", "BASE"):
            continue
        return word if word in _FORMS else None  # type: ignore[return-value]
    return None


def keywords_used(sparql: str, keywords: Collection[str]) -> set[str]:
    """Which of ``keywords`` (upper case) occur as keywords, not inside strings, IRIs or names.

    Args:
        sparql: A query or update.
        keywords: Upper-case keywords to look for.

    Returns:
        The keywords found.

    >>> keywords_used("SELECT ?service { ?s ex:load 'SERVICE' }", {"SERVICE", "LOAD"})
    set()
    """
    lowered = sparql.lower()
    if not any(keyword.lower() in lowered for keyword in keywords):
        return set()  # not even as a substring: no need to lex
    return {t.text.upper() for t in tokenize(sparql) if t.kind == "word"} & set(keywords)


def dataset_clauses(sparql: str) -> list[tuple[str, str]]:
    """The graph IRIs a query or update names in its dataset clauses.

    Prefixed names are expanded with the text's ``PREFIX`` declarations and relative IRIs are
    resolved against its ``BASE``. A prefixed name with an undeclared prefix is returned as
    written (the store will reject it).

    Args:
        sparql: A query or update.

    Returns:
        ``(clause, iri)`` pairs, clause one of ``FROM``, ``FROM NAMED``, ``USING``,
        ``USING NAMED``, ``WITH``.

    >>> dataset_clauses("BASE <http://ex/> WITH <g> DELETE { ?s ?p ?o } USING NAMED <h> WHERE {}")
    [('WITH', 'http://ex/g'), ('USING NAMED', 'http://ex/h')]
    """
    lowered = sparql.lower()
    if not any(word in lowered for word in ("from", "using", "with")):
        return []  # not even as a substring: no need to lex
    tokens = tokenize(sparql)
    prefixes: dict[str, str] = {}
    base = ""
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.text.upper() if token.kind == "word" else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if word == "BASE" and nxt is not None and nxt.kind == "iri":
            base = urljoin(base, nxt.text)
        elif word == "PREFIX" and i + 2 < len(tokens) and nxt is not None and nxt.kind == "pname":
            if tokens[i + 2].kind == "iri":
                prefixes[nxt.text.rstrip(":")] = urljoin(base, tokens[i + 2].text)
        elif word in ("FROM", "USING", "WITH"):
            clause = word
            j = i + 1
            is_named = nxt is not None and nxt.kind == "word" and nxt.text.upper() == "NAMED"
            if word != "WITH" and is_named:
                clause = f"{word} NAMED"
                j += 1
            if j < len(tokens) and tokens[j].kind in ("iri", "pname"):
                found.append((clause, _expand(tokens[j], prefixes, base)))
                i = j
        i += 1
    return found


def _expand(token: Token, prefixes: dict[str, str], base: str) -> str:
    if token.kind == "iri":
        return urljoin(base, token.text) if base else token.text
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        return token.text
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


def add_using(update: str, graph_uris: Sequence[str], named_graph_uris: Sequence[str]) -> str:
    """Give each ``INSERT``/``DELETE … WHERE`` operation of an update the dataset named by the
    protocol parameters ``using-graph-uri`` and ``using-named-graph-uri``.

    The clauses go in front of every top-level ``WHERE`` that follows a template's closing
    brace. The update must not have ``USING`` or ``WITH`` clauses of its own (the protocol
    forbids combining them).

    Args:
        update: The update text.
        graph_uris: Graphs whose merge is the default graph of each ``WHERE``.
        named_graph_uris: Graphs available to ``GRAPH`` in each ``WHERE``.

    Returns:
        The rewritten update.

    >>> add_using("INSERT { ?s a <x:T> } WHERE { ?s a <x:U> }", ["http://g/1"], [])
    'INSERT { ?s a <x:T> } USING <http://g/1> WHERE { ?s a <x:U> }'
    >>> add_using("DELETE WHERE { ?s ?p ?o }", ["http://g/1"], [])
    'DELETE WHERE { ?s ?p ?o }'
    """
    clauses = [f"USING <{iri}> " for iri in graph_uris]
    clauses += [f"USING NAMED <{iri}> " for iri in named_graph_uris]
    using = "".join(clauses)
    if not using:
        return update
    parts: list[str] = []
    depth = 0
    previous = ""
    position = 0
    for match in _TOKEN.finditer(update):
        kind, text = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "other" and text == "{":
            depth += 1
        elif kind == "other" and text == "}":
            depth -= 1
        elif kind == "word" and text.upper() == "WHERE" and depth == 0 and previous == "}":
            parts.append(update[position : match.start()] + using)
            position = match.start()
        previous = text
    parts.append(update[position:])
    return "".join(parts)


MAX_NESTING_DEPTH = 256
_OPENERS = frozenset("({[")
_CLOSERS = frozenset(")}]")


def nesting_depth(sparql: str) -> int:
    """The deepest bracket nesting of a query or update (strings, IRIs, comments skipped).

    Oxigraph's recursive-descent parser overflows the native stack (a segfault that takes the
    process down) on a few thousand nested brackets, so callers refuse text deeper than
    ``MAX_NESTING_DEPTH`` before parsing it.

    >>> nesting_depth("SELECT * { ?s ?p ?o FILTER((?o > 1)) } # {{{")
    3
    """
    depth = deepest = 0
    for token in tokenize(sparql):
        if token.kind != "other":
            continue
        for char in token.text:
            if char in _OPENERS:
                depth += 1
                deepest = max(deepest, depth)
            elif char in _CLOSERS:
                depth = max(depth - 1, 0)
    return deepest


def check_nesting(sparql: str) -> None:
    """Refuse a query or update nested deeper than ``MAX_NESTING_DEPTH`` brackets.

    Raises:
        QuerySyntaxError: The text is nested too deeply to parse safely.
    """
    from kg.errors import QuerySyntaxError

    if sum(map(sparql.count, _OPENERS)) <= MAX_NESTING_DEPTH:
        return  # too few brackets to nest that deep: no need to lex
    if nesting_depth(sparql) > MAX_NESTING_DEPTH:
        raise QuerySyntaxError(
            f"the SPARQL text nests brackets more than {MAX_NESTING_DEPTH} deep; flatten it"
        )
