"""Graded confidence of open relations: a small logistic model over rule type and parse features.

The weights live in ``relation_weights.py`` as data; they are fitted offline on the CaRB
development split by ``benchmarks/carb.py --fit-confidence`` (plain numpy logistic regression,
target: the CaRB precision credit of each extraction), so nothing is learned at run time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from kg.extract.relation_weights import WEIGHTS

PRONOUNS = {"it", "which", "who", "that", "this", "they", "he", "she", "we", "i", "you", "there"}
RULES = (
    "svo",
    "sv-prep",
    "copula",
    "svc",
    "passive-acl",
    "appos",
    "title",
    "name-title",
    "sv",
    "possessive",
    "np-prep",
    "such-as",
)


def relation_features(
    *,
    rule: str,
    subject: str,
    relation: str,
    obj: str | None,
    extras: Sequence[str],
    is_asserted: bool,
    is_subject_linked: bool,
    is_object_linked: bool,
) -> dict[str, float]:
    """Features of one extraction, all in [0, 1].

    Args:
        rule: The rule that produced it.
        subject: Subject text.
        relation: Relation text.
        obj: Object text, if any.
        extras: Texts of the further arguments.
        is_asserted: Whether its modality is plain assertion.
        is_subject_linked: Whether the subject is a known entity.
        is_object_linked: Whether the object is a known entity.

    Returns:
        Feature name -> value.

    >>> relation_features(rule="svo", subject="Hamas", relation="rejected", obj="the plan",
    ...     extras=[], is_asserted=True, is_subject_linked=True, is_object_linked=False)["rule=svo"]
    1.0
    """
    subj_words = subject.split()
    obj_words = obj.split() if obj else []
    rel_words = relation.split()
    features = {f"rule={name}": float(rule == name) for name in RULES}
    features.update(
        {
            "bias": 1.0,
            "has_object": float(obj is not None),
            "extras": min(len(extras), 3) / 3,
            "subject_words": min(len(subj_words), 12) / 12,
            "subject_long": float(len(subj_words) > 6),
            "object_words": min(len(obj_words), 20) / 20,
            "object_long": float(len(obj_words) > 10),
            "relation_words": min(len(rel_words), 5) / 5,
            "relation_gerund": float(rel_words[:1] != [] and rel_words[0].endswith("ing")),
            "subject_pronoun": float(subject.lower() in PRONOUNS),
            "subject_comma": float("," in subj_words),
            "object_comma": float("," in obj_words),
            "subject_linked": float(is_subject_linked),
            "object_linked": float(is_object_linked),
            "not_asserted": float(not is_asserted),
            "no_arguments": float(obj is None and not extras),
        }
    )
    return features


def score_confidence(
    features: Mapping[str, float], weights: Mapping[str, float] | None = None
) -> float:
    """The model's confidence for a feature vector.

    Args:
        features: Feature name -> value (see ``relation_features``).
        weights: Feature name -> weight (default: the fitted ``WEIGHTS``).

    Returns:
        A probability in (0, 1), rounded to 3 places.

    >>> score_confidence({"bias": 1.0}, {"bias": 0.0})
    0.5
    """
    table = WEIGHTS if weights is None else weights
    z = sum(table.get(name, 0.0) * value for name, value in features.items())
    return round(1.0 / (1.0 + math.exp(-z)), 3)
