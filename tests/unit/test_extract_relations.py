"""Open relation rules on hand-built parses (no parser involved)."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from kg.extract.lexicon import load_lexicon
from kg.extract.relation_confidence import relation_features, score_confidence
from kg.extract.relations import extract_relations


def _doc(
    words: list[str], heads: list[int], deps: list[str], pos: list[str], tags: list[str]
) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags)


def _triples(doc: Doc) -> list[tuple[str, str, str | None]]:
    rels = extract_relations(doc[:], 0, token_entity={}, lexicon=load_lexicon())
    return [(r.subject.text, r.relation, r.object.text if r.object else None) for r in rels]


def test_extract_relations_relative_pronoun_takes_its_antecedent() -> None:
    # "JNIM , which blockaded Timbuktu , fled"
    doc = _doc(
        ["JNIM", ",", "which", "blockaded", "Timbuktu", ",", "fled"],
        [6, 0, 3, 0, 3, 0, 6],
        ["nsubj", "punct", "nsubj", "relcl", "dobj", "punct", "ROOT"],
        ["PROPN", "PUNCT", "PRON", "VERB", "PROPN", "PUNCT", "VERB"],
        ["NNP", ",", "WDT", "VBD", "NNP", ",", "VBD"],
    )
    assert ("JNIM", "blockaded", "Timbuktu") in _triples(doc)


def test_extract_relations_possessive_reads_has() -> None:
    # "Blinken 's visit ended"
    doc = _doc(
        ["Blinken", "'s", "visit", "ended"],
        [2, 0, 3, 3],
        ["poss", "case", "nsubj", "ROOT"],
        ["PROPN", "PART", "NOUN", "VERB"],
        ["NNP", "POS", "NN", "VBD"],
    )
    assert ("Blinken", "has", "visit") in _triples(doc)


def test_extract_relations_locative_modifier_inflects_be() -> None:
    # "Talks in Muscat ended": plural subject, past tense
    doc = _doc(
        ["Talks", "in", "Muscat", "ended"],
        [3, 0, 1, 3],
        ["nsubj", "prep", "pobj", "ROOT"],
        ["NOUN", "ADP", "PROPN", "VERB"],
        ["NNS", "IN", "NNP", "VBD"],
    )
    triples = _triples(doc)
    assert ("Talks", "were in", "Muscat") in triples
    assert ("Talks in Muscat", "ended", None) in triples


def test_extract_relations_confidence_is_graded_by_rule() -> None:
    common = {
        "subject": "Hamas",
        "relation": "rejected",
        "extras": [],
        "is_asserted": True,
        "is_subject_linked": True,
        "is_object_linked": False,
    }
    svo = score_confidence(relation_features(rule="svo", obj="the plan", **common))
    bare = score_confidence(relation_features(rule="sv", obj=None, **common))
    assert 0.0 < bare < svo < 1.0
