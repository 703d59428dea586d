"""The project's CaRB scorer on tiny hand-made gold and prediction sets (hand-computed scores)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _load_carb() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "carb.py"
    spec = importlib.util.spec_from_file_location("carb_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


carb = _load_carb()
T = carb.OpenTuple


def test_carb_scorer_match_counts_word_overlap_per_part() -> None:
    # rel 1/1, arg1 1/1, arg2: 1 of 2 gold words, 1 of 1 predicted word
    assert carb.match(T("attacked", ("rebels", "the town")), T("attacked", ("rebels", "town"))) == [
        1.0,
        0.75,
    ]


def test_carb_scorer_match_needs_a_shared_relation_word() -> None:
    assert carb.match(T("attacked", ("rebels", "town")), T("hit", ("rebels", "town"))) == [0, 0]


def test_carb_scorer_match_needs_the_second_argument() -> None:
    assert carb.match(T("attacked", ("rebels", "town")), T("attacked", ("rebels",))) == [0, 0]


def test_carb_scorer_match_pools_later_arguments() -> None:
    gold = T("met", ("Blinken", "Netanyahu", "in Jerusalem"))
    assert carb.match(gold, T("met", ("Blinken", "Netanyahu in Jerusalem"))) == [1.0, 1.0]
    # "Netanyahu" moved into the relation: matched words rel 1 + arg1 1 + arg2 2 = 4,
    # out of 5 predicted words (2 + 1 + 2) and 5 gold words (1 + 1 + 3)
    assert carb.match(gold, T("met Netanyahu", ("Blinken", "in Jerusalem"))) == [0.8, 0.8]


def test_carb_scorer_match_be_matches_any_form() -> None:
    assert carb.match(T("is", ("Blinken", "envoy")), T("be", ("Blinken", "envoy"))) == [1.0, 1.0]


def test_carb_scorer_match_tries_swapped_arguments_for_said() -> None:
    gold = T("said", ("Hamas", "talks failed"))
    assert carb.match(gold, T("said", ("talks failed", "Hamas"))) == [1.0, 1.0]


def test_carb_scorer_default_and_one_to_one() -> None:
    gold = {"s": [T("met", ("A", "B")), T("met", ("A", "C"))]}
    # P1 matches both gold tuples: precision 3/4, recall 3/3 each; P2 matches nothing
    predicted = {"s": [T("met", ("A", "B C"), 0.9), T("fled", ("D",), 0.5)]}
    default = carb.score(gold, predicted)
    # conf>=0.9: P = 0.75/1, R = (1+1)/2 -> F1 6/7; conf>=0.5: P = (0.75+0)/2, R = 1
    assert default.f1 == pytest.approx(6 / 7)
    assert (default.precision, default.recall, default.threshold) == (0.75, 1.0, 0.9)
    # curve (R, P): (1, 0.375), (1, 0.75), (0, 1) -> area 1 * (0.75 + 1) / 2
    assert default.auc == pytest.approx(0.875)
    strict = carb.score(gold, predicted, one_to_one=True)
    # P1 serves one gold tuple only: R = 1/2 -> F1 = 2 * 0.75 * 0.5 / 1.25
    assert strict.f1 == pytest.approx(0.6)
    assert strict.recall == pytest.approx(0.5)
    assert strict.auc == pytest.approx(0.5 * 1.75 / 2)


def test_carb_scorer_unanswered_gold_counts_against_recall() -> None:
    gold = {"s1": [T("met", ("A", "B"))], "s2": [T("fled", ("C",))]}
    predicted = {"s1": [T("met", ("A", "B"), 1.0)], "other": [T("x", ("y",), 0.2)]}
    result = carb.score(gold, predicted)
    assert (result.precision, result.recall) == (1.0, 0.5)
    assert result.f1 == pytest.approx(2 / 3)
    # conf>=0.2 adds nothing (its sentence has no gold): curve (0.5, 1), (0.5, 1), (0, 1)
    assert result.auc == pytest.approx(0.5)


def test_carb_scorer_reads_predictions_and_matches_sentences_loosely() -> None:
    record = {
        "sentence": "Hamas , he said , `` agreed . ''",
        "subject": "Hamas",
        "relation": "agreed",
        "object": None,
        "extra_args": ["on Monday"],
        "confidence": 0.7,
    }
    predicted = carb.read_predictions([json.dumps(record)])
    gold = carb.read_gold(["Hamas, he said, ``agreed.''\tagreed\tHamas\ton Monday"])
    assert predicted.keys() == gold.keys() == {"Hamashesaidagreed"}
    assert predicted["Hamashesaidagreed"] == [T("agreed", ("Hamas", "on Monday"), 0.7)]
    assert carb.score(gold, predicted).f1 == pytest.approx(1.0)
