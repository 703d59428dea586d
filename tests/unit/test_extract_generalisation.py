"""Rules added for reports about conflicts the examples do not cover (see tests/data/heldout).

Hand-built Docs pin each rule independently of the parser; a few parser-backed cases check the
rules end to end.
"""

from __future__ import annotations

import datetime as dt

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract.acronyms import abbreviates, find_acronyms, is_acronym_token
from kg.extract.lexicon import load_lexicon
from kg.extract.modality import modality_of
from kg.extract.syntax import antecedent, through_quantity
from kg.models import Event, Modality, Report
from kg.pipeline import Extractor

PUB = dt.date(2025, 1, 8)


def _doc(
    words: list[str], heads: list[int], deps: list[str], pos: list[str], **kw: list[str]
) -> Doc:
    vocab = spacy.blank("en").vocab
    return Doc(vocab, words=words, heads=heads, deps=deps, pos=pos, **kw)  # type: ignore[arg-type]


def test_extract_acronym_shapes() -> None:
    assert is_acronym_token("AUSSOM") and is_acronym_token("M23")
    assert not is_acronym_token("Army") and not is_acronym_token("A")
    assert abbreviates("IOM", "International Organization for Migration")
    assert not abbreviates("WFP", "International Organization for Migration")


def test_extract_acronym_defined_in_parentheses() -> None:
    words = ["The", "National", "Liberation", "Army", "(", "ELN", ")", "freed", "him", "."]
    doc = _doc(
        words,
        heads=[3, 3, 3, 7, 5, 3, 5, 7, 7, 7],
        deps=[
            "det",
            "compound",
            "compound",
            "nsubj",
            "punct",
            "appos",
            "punct",
            "ROOT",
            "dobj",
            "punct",
        ],
        pos=["DET", "PROPN", "PROPN", "PROPN", "PUNCT", "PROPN", "PUNCT", "VERB", "PRON", "PUNCT"],
        ents=["O", "B-ORG", "I-ORG", "I-ORG", "O", "O", "O", "O", "O", "O"],
    )
    found = find_acronyms(doc, [(1, 4, "ORG", None)])
    assert [(a.text, a.long_text) for a in found] == [("ELN", "National Liberation Army")]
    # a person's name before a parenthesis is no acronym definition unless it abbreviates
    doc.ents = []
    assert find_acronyms(doc, [(1, 4, "PERSON", None)]) == []
    assert [a.text for a in find_acronyms(doc, [(1, 4, "ORG", None)])] == ["ELN"]


def test_extract_relative_pronoun_and_quantity_heads() -> None:
    # "Erdogan , who mediated the talks , spoke ."
    doc = _doc(
        ["Erdogan", ",", "who", "mediated", "talks", ",", "spoke", "."],
        heads=[6, 0, 3, 0, 3, 0, 6, 6],
        deps=["nsubj", "punct", "nsubj", "relcl", "dobj", "punct", "ROOT", "punct"],
        pos=["PROPN", "PUNCT", "PRON", "VERB", "NOUN", "PUNCT", "VERB", "PUNCT"],
        tags=["NNP", ",", "WP", "VBD", "NNS", ",", "VBD", "."],
    )
    assert antecedent(doc[2]).i == 0
    # "Police detained dozens of protesters ."
    doc = _doc(
        ["Police", "detained", "dozens", "of", "protesters", "."],
        heads=[1, 1, 1, 2, 3, 1],
        deps=["nsubj", "ROOT", "dobj", "prep", "pobj", "punct"],
        pos=["NOUN", "VERB", "NOUN", "ADP", "NOUN", "PUNCT"],
    )
    assert through_quantity(doc[2]).i == 4


def test_extract_without_negates_and_reported_would_is_future() -> None:
    lexicon = load_lexicon()
    # "X ended talks without signing a treaty ."
    doc = _doc(
        ["X", "ended", "talks", "without", "signing", "a", "treaty", "."],
        heads=[1, 1, 1, 1, 3, 6, 4, 1],
        deps=["nsubj", "ROOT", "dobj", "prep", "pcomp", "det", "dobj", "punct"],
        pos=["PROPN", "VERB", "NOUN", "ADP", "VERB", "DET", "NOUN", "PUNCT"],
        lemmas=["X", "end", "talk", "without", "sign", "a", "treaty", "."],
        tags=["NNP", "VBD", "NNS", "IN", "VBG", "DT", "NN", "."],
    )
    assert modality_of(doc[4], lexicon) is Modality.NEGATED
    # "X said talks would begin ." / "X said talks would begin if Y agreed ."
    words = ["X", "said", "talks", "would", "begin", "."]
    doc = _doc(
        words,
        heads=[1, 1, 4, 4, 1, 1],
        deps=["nsubj", "ROOT", "nsubj", "aux", "ccomp", "punct"],
        pos=["PROPN", "VERB", "NOUN", "AUX", "VERB", "PUNCT"],
        lemmas=["X", "say", "talk", "would", "begin", "."],
        tags=["NNP", "VBD", "NNS", "MD", "VB", "."],
    )
    assert modality_of(doc[4], lexicon) is Modality.FUTURE
    doc = _doc(
        [*words[:5], "if", "Y", "agreed", "."],
        heads=[1, 1, 4, 4, 1, 7, 7, 4, 1],
        deps=["nsubj", "ROOT", "nsubj", "aux", "ccomp", "mark", "nsubj", "advcl", "punct"],
        pos=["PROPN", "VERB", "NOUN", "AUX", "VERB", "SCONJ", "PROPN", "VERB", "PUNCT"],
        lemmas=["X", "say", "talk", "would", "begin", "if", "Y", "agree", "."],
        tags=["NNP", "VBD", "NNS", "MD", "VB", "IN", "NNP", "VBD", "."],
    )
    assert modality_of(doc[4], lexicon) is Modality.HYPOTHETICAL


def _events(extractor: Extractor, text: str) -> list[Event]:
    return list(extractor.extract(Report(id="t", text=text, published=PUB)).events)


@pytest.mark.model
def test_extract_generalisation_on_parsed_sentences(extractor: Extractor) -> None:
    extraction = extractor.extract(
        Report(
            id="t",
            text=(
                "The Northern Liberation Front (NLF) attacked the town of Karsville on Tuesday. "
                "Officials said the NLF denied any plans to attack Dorvale."
            ),
            published=PUB,
        )
    )
    by_key = {e.key: e for e in extraction.entities}
    nlf = next(e for e in by_key.values() if e.label == "Northern Liberation Front")
    assert "ArmedGroup" in nlf.types and "NLF" in nlf.aliases
    attack = next(e for e in extraction.events if e.trigger == "attacked")
    assert ("agent", nlf.key) in attack.roles
    assert any(role == "location" and "karsville" in key for role, key in attack.roles)
    denied = next(e for e in extraction.events if e.trigger == "attack")
    assert denied.modality is Modality.NEGATED


@pytest.mark.model
def test_extract_generalisation_relative_clause_mediator(extractor: Extractor) -> None:
    events = _events(
        extractor, "Turkish President Recep Tayyip Erdogan, who mediated the talks, spoke."
    )
    mediated = next(e for e in events if e.trigger == "mediated")
    assert ("mediator", "recep-tayyip-erdogan") in mediated.roles
