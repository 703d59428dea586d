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


def test_extract_relations_conjoined_subjects_split() -> None:
    # "Egypt and Qatar mediated talks"
    doc = _doc(
        ["Egypt", "and", "Qatar", "mediated", "talks"],
        [3, 0, 0, 3, 3],
        ["nsubj", "cc", "conj", "ROOT", "dobj"],
        ["PROPN", "CCONJ", "PROPN", "VERB", "NOUN"],
        ["NNP", "CC", "NNP", "VBD", "NNS"],
    )
    triples = _triples(doc)
    assert ("Egypt", "mediated", "talks") in triples
    assert ("Qatar", "mediated", "talks") in triples


def test_extract_relations_conjoined_verbs_share_the_object() -> None:
    # "Rebels attacked and destroyed the town"
    doc = _doc(
        ["Rebels", "attacked", "and", "destroyed", "the", "town"],
        [1, 1, 1, 1, 5, 3],
        ["nsubj", "ROOT", "cc", "conj", "det", "dobj"],
        ["NOUN", "VERB", "CCONJ", "VERB", "DET", "NOUN"],
        ["NNS", "VBD", "CC", "VBD", "DT", "NN"],
    )
    triples = _triples(doc)
    assert ("Rebels", "attacked", "the town") in triples
    assert ("Rebels", "destroyed", "the town") in triples


def test_extract_relations_fronted_phrase_is_not_glued_to_the_verb() -> None:
    # "In May , Hamas met with mediators": "met with", not "In met"
    doc = _doc(
        ["In", "May", ",", "Hamas", "met", "with", "mediators"],
        [4, 0, 4, 4, 4, 4, 5],
        ["prep", "pobj", "punct", "nsubj", "ROOT", "prep", "pobj"],
        ["ADP", "PROPN", "PUNCT", "PROPN", "VERB", "ADP", "NOUN"],
        ["IN", "NNP", ",", "NNP", "VBD", "IN", "NNS"],
    )
    rels = extract_relations(doc[:], 0, token_entity={}, lexicon=load_lexicon())
    met = next(r for r in rels if r.relation == "met with")
    assert met.object is not None and met.object.text == "mediators"
    assert [a.text for a in met.extra_args] == ["In May"]


def test_extract_relations_apposition_without_entity_and_clausal_object() -> None:
    # "Smith , a spokesman , said that talks failed"
    doc = _doc(
        ["Smith", ",", "a", "spokesman", ",", "said", "that", "talks", "failed"],
        [5, 0, 3, 0, 0, 5, 8, 8, 5],
        ["nsubj", "punct", "det", "appos", "punct", "ROOT", "mark", "nsubj", "ccomp"],
        ["PROPN", "PUNCT", "DET", "NOUN", "PUNCT", "VERB", "SCONJ", "NOUN", "VERB"],
        ["NNP", ",", "DT", "NN", ",", "VBD", "IN", "NNS", "VBD"],
    )
    triples = _triples(doc)
    assert ("Smith", "is", "a spokesman") in triples
    assert ("Smith", "said that", "talks failed") in triples


def test_extract_relations_participle_reads_its_place() -> None:
    # "Aid workers held in Mali were freed"
    doc = _doc(
        ["Aid", "workers", "held", "in", "Mali", "were", "freed"],
        [1, 6, 1, 2, 3, 6, 6],
        ["compound", "nsubjpass", "acl", "prep", "pobj", "auxpass", "ROOT"],
        ["NOUN", "NOUN", "VERB", "ADP", "PROPN", "AUX", "VERB"],
        ["NN", "NNS", "VBN", "IN", "NNP", "VBD", "VBN"],
    )
    assert ("Aid workers", "held in", "Mali") in _triples(doc)
