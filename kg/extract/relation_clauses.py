"""Clause structure for open relations: subjects, relation words, shared and clausal objects.

Pure helpers over spaCy tokens used by the clause rules in ``relations``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.relation_args import trim

if TYPE_CHECKING:
    from spacy.tokens import Token

SUBJ = {"nsubj", "nsubjpass", "csubj"}
RELATIVE_PRONOUNS = {"which", "who", "that", "whom"}


def relation_words(verb: Token) -> list[Token]:
    """The words of a verb's relation: auxiliaries and negation before it, particles after.

    Args:
        verb: The clause's verb.

    Returns:
        The words in text order ("did not back down").
    """
    words = [c for c in verb.children if c.dep_ in {"aux", "auxpass", "neg"} and c.i < verb.i]
    words.append(verb)
    words.extend(c for c in verb.children if c.dep_ == "prt")
    return sorted(words, key=lambda t: t.i)


def shared_objects(verb: Token) -> list[tuple[str, Token, list[Token]]]:
    """The direct object a verb shares with its conjunct: "attacked and destroyed the town".

    Args:
        verb: A verb without an object of its own.

    Returns:
        ``[("svo", object head, [])]``, or empty when the next conjoined verb has its own
        subject or no object.
    """
    for conj in verb.children:
        if conj.dep_ == "conj" and conj.pos_ == "VERB" and conj.i - verb.i <= 3:
            if any(c.dep_ in SUBJ for c in conj.children):
                return []
            glue: list[Token] = []
            return [("svo", c, glue) for c in conj.children if c.dep_ == "dobj"][:1]
    return []


def split_clauses(head: Token) -> list[tuple[Token, tuple[Token, ...]]]:
    """A clausal object split at its conjoined clauses: "that A did X and that B did Y".

    Args:
        head: The head verb of the clausal object.

    Returns:
        (clause head, its words) for the clause and each conjoined clause with its own subject.
    """
    heads = [head] + [
        c
        for c in head.children
        if c.dep_ == "conj"
        and c.pos_ in {"VERB", "AUX"}
        and any(g.dep_ in SUBJ for g in c.children)
    ]
    out: list[tuple[Token, tuple[Token, ...]]] = []
    for clause in heads:
        skip = {t.i for h in heads if h.head.i == clause.i != h.i for t in h.subtree}
        skip |= {c.i for c in clause.children if c.dep_ == "cc"} if len(heads) > 1 else set()
        toks = [t for t in clause.subtree if t.i not in skip]
        toks = [t for t in toks if not t.is_punct or t.i < toks[-1].i]
        if toks := list(trim(tuple(toks))):
            out.append((clause, tuple(toks)))
    return out


def subject_of(verb: Token) -> tuple[Token | None, bool]:
    """A verb's subject, inherited through conj, xcomp and advcl chains when it has none.

    Args:
        verb: The clause's verb.

    Returns:
        The subject head (or None) and whether it was inherited.
    """
    for child in verb.children:
        if child.dep_ in SUBJ:
            return child, False
    if verb.dep_ == "xcomp":
        controller = next((c for c in verb.head.children if c.dep_ in {"dobj", "dative"}), None)
        if controller is not None:
            return controller, True
    cur = verb
    for _ in range(4):
        if cur.dep_ in {"conj", "xcomp", "advcl"} and cur.head.i != cur.i:
            cur = cur.head
            for child in cur.children:
                if child.dep_ in SUBJ:
                    return child, True
        else:
            break
    return None, False
