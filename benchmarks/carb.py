"""CaRB scores of the open relation extractor on the CaRB development split.

    python benchmarks/carb.py [--dev DEV.txt --gold DEV.tsv] [--predictions FILE.jsonl]

Runs ``kg extract --per-line`` (the installed console script, as a subprocess, so the numbers are
exactly what the CLI prints) over the dev sentences and scores its relations against the gold
tuples with the project's own CaRB-compatible scorer, in both variants:

- **CaRB** (the default matching of Bhardwaj et al., 2019): a gold and a predicted tuple are
  compared part by part (relation with relation, arg1 with arg1, all later arguments pooled) by
  word overlap; the pair scores zero unless the relations share a word (a predicted "be" matches
  any form of "be"), and zero if the prediction lacks an argument the gold has among the first
  two. Recall credit is the share of gold words covered, precision credit the share of predicted
  words found in the gold. Recall: every gold tuple takes its best prediction (one prediction may
  serve many gold tuples). Precision: predictions and gold tuples are paired greedily one to one,
  best pair first; a prediction left unpaired earns nothing (this is what the reference code
  does, and what the published numbers were computed with).
- **CaRB(1-1)**: recall is paired the same greedy one-to-one way, so each prediction serves at
  most one gold tuple.

Every distinct confidence is a threshold; the precision-recall points give the area under the
curve (with the point recall 0 / precision 1 added, trapezoid rule) and the best F1.
Predicted tuples map as arg1 = subject, rel = relation, arg2 = object, then the extra arguments.
Sentences are matched on their text with spaces and punctuation removed.
"""

from __future__ import annotations

import argparse
import json
import string
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "carb-dev"
SAID_RELATIONS = ("said", "told", "added", "adds", "says")
BE_FORMS = {"be", "is", "am", "are", "was", "were", "been", "being"}
PTB_ESCAPES = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_DROP = str.maketrans("", "", string.punctuation + " \t\n\r")


@dataclass(frozen=True, slots=True)
class OpenTuple:
    """One extraction, gold or predicted.

    Attributes:
        relation: The relation phrase.
        args: Arguments in order (arg1 first).
        confidence: Confidence of a prediction (1.0 for gold tuples).
    """

    relation: str
    args: tuple[str, ...]
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Score:
    """The summary of one precision-recall curve.

    Attributes:
        auc: Area under the curve.
        f1: Best F1 on the curve.
        precision: Precision at the best-F1 threshold.
        recall: Recall at the best-F1 threshold.
        threshold: The confidence threshold giving the best F1.
    """

    auc: float
    f1: float
    precision: float
    recall: float
    threshold: float


def normalize_sentence(text: str) -> str:
    """The key sentences are matched on: text without spaces and punctuation.

    Args:
        text: A sentence.

    Returns:
        The normalised key.

    >>> normalize_sentence("He said , `` yes . ''")
    'Hesaidyes'
    """
    for escape, char in PTB_ESCAPES.items():
        text = text.replace(escape, char)
    return text.translate(_DROP)


def read_gold(lines: Iterable[str]) -> dict[str, list[OpenTuple]]:
    """Gold tuples from CaRB's tab format: ``sentence, relation, arg1, arg2, ...``.

    Args:
        lines: Lines of the gold file.

    Returns:
        Normalised sentence -> its gold tuples.
    """
    gold: dict[str, list[OpenTuple]] = {}
    for line in lines:
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 3:
            continue
        sentence, relation, *args = fields
        gold.setdefault(normalize_sentence(sentence), []).append(OpenTuple(relation, tuple(args)))
    return gold


def read_predictions(lines: Iterable[str]) -> dict[str, list[OpenTuple]]:
    """Predicted tuples from ``kg extract --per-line`` JSON Lines.

    Args:
        lines: JSON Lines, one relation each.

    Returns:
        Normalised sentence -> its predicted tuples.
    """
    predicted: dict[str, list[OpenTuple]] = {}
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        args = [record["subject"]]
        if record.get("object"):
            args.append(record["object"])
        args.extend(a for a in record.get("extra_args", []) if a)
        key = normalize_sentence(record["sentence"])
        tup = OpenTuple(record["relation"], tuple(args), float(record["confidence"]))
        predicted.setdefault(key, []).append(tup)
    return predicted


def _overlap(gold_words: list[str], predicted_words: list[str]) -> tuple[int, list[str]]:
    """Gold words found in the prediction (each predicted word used once), and the rest."""
    remaining = list(predicted_words)
    matched = 0
    for word in gold_words:
        if word in remaining:
            matched += 1
            remaining.remove(word)
    return matched, remaining


def _binary(args: Sequence[str]) -> list[str]:
    """Arguments with everything after arg1 pooled into one."""
    return [args[0], " ".join(args[1:])] if len(args) >= 2 else list(args)


def _match_parts(gold_rel: str, gold_args: list[str], rel: str, args: list[str]) -> list[float]:
    predicted_words = rel.split()
    gold_words = gold_rel.split()
    matched, remaining = _overlap(gold_words, predicted_words)
    if "be" in remaining and BE_FORMS & set(gold_words):
        matched += 1  # a predicted "be" matches any form of "be" in the gold relation
    prec_num = rec_num = matched
    prec_den, rec_den = len(predicted_words), len(gold_words)
    if rec_num == 0:
        return [0.0, 0.0]
    for i, gold_arg in enumerate(gold_args):
        gold_words = gold_arg.split()
        rec_den += len(gold_words)
        if i >= len(args):
            if i < 2:
                return [0.0, 0.0]
            continue
        predicted_words = args[i].split()
        prec_den += len(predicted_words)
        matched, _ = _overlap(gold_words, predicted_words)
        prec_num += matched
        rec_num += matched
    return [prec_num / prec_den if prec_den else 0.0, rec_num / rec_den if rec_den else 0.0]


def match(gold: OpenTuple, predicted: OpenTuple) -> list[float]:
    """CaRB's lenient tuple match of one gold and one predicted tuple.

    Args:
        gold: The gold tuple.
        predicted: The predicted tuple.

    Returns:
        ``[precision, recall]`` credit of the pair, ``[0, 0]`` when the relations share no word.
        For a gold relation of saying, the prediction's arguments are also tried swapped.

    >>> gold = OpenTuple("attacked", ("rebels", "the town"))
    >>> match(gold, OpenTuple("attacked", ("rebels", "town")))
    [1.0, 0.75]
    """
    gold_args = _binary(gold.args)
    args = _binary(predicted.args)
    straight = _match_parts(gold.relation, gold_args, predicted.relation, args)
    if not any(verb in gold.relation for verb in SAID_RELATIONS) or len(predicted.args) < 2:
        return straight
    swapped = [" ".join(predicted.args[1:]), predicted.args[0]]
    return max(straight, _match_parts(gold.relation, gold_args, predicted.relation, swapped))


def _greedy_sum(scores: list[list[list[float]]], columns: list[int], part: int) -> float:
    """Pair rows and columns one to one, best remaining pair first; sum their credit."""
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    total = 0.0
    for _ in range(min(len(scores), len(columns))):
        best, best_row, best_col = -1.0, -1, -1
        for i, row in enumerate(scores):
            if i in used_rows:
                continue
            for j in columns:
                if j not in used_cols and row[j][part] > best:
                    best, best_row, best_col = row[j][part], i, j
        used_rows.add(best_row)
        used_cols.add(best_col)
        total += best
    return total


def score(
    gold: dict[str, list[OpenTuple]],
    predicted: dict[str, list[OpenTuple]],
    *,
    one_to_one: bool = False,
) -> Score:
    """Score predictions against the gold over every confidence threshold.

    Args:
        gold: Normalised sentence -> gold tuples.
        predicted: Normalised sentence -> predicted tuples (sentences without gold are ignored).
        one_to_one: CaRB(1-1): each prediction gives recall credit to at most one gold tuple.

    Returns:
        AUC, and the best F1 with its precision, recall and threshold.
    """
    thresholds = sorted({p.confidence for preds in predicted.values() for p in preds})
    if not thresholds:
        return Score(0.0, 0.0, 0.0, 0.0, 0.0)
    index = {conf: k for k, conf in enumerate(thresholds)}
    n = len(thresholds)
    p_num, p_den, r_num, r_den = [0.0] * n, [0] * n, [0.0] * n, [0] * n
    for sent, gold_tuples in gold.items():
        preds = predicted.get(sent, [])
        scores = [[match(g, p) for p in preds] for g in gold_tuples]
        prev = 0
        for conf in sorted({p.confidence for p in preds}):
            k = index[conf]
            cols = [j for j, p in enumerate(preds) if p.confidence >= conf]
            precision = _greedy_sum(scores, cols, 0)
            if one_to_one:
                recall = _greedy_sum(scores, cols, 1)
            else:
                recall = sum(max((row[j][1] for j in cols), default=0.0) for row in scores)
            for t in range(prev, k + 1):
                p_num[t] += precision
                p_den[t] += len(cols)
                r_num[t] += recall
                r_den[t] += len(gold_tuples)
            prev = k + 1
        for t in range(prev, n):
            r_den[t] += len(gold_tuples)
    precisions = [a / b if b else 1.0 for a, b in zip(p_num, p_den, strict=True)]
    recalls = [a / b if b else 0.0 for a, b in zip(r_num, r_den, strict=True)]
    f1s = [2 * p * r / (p + r + 1e-20) for p, r in zip(precisions, recalls, strict=True)]
    best = max(range(n), key=lambda t: (f1s[t], -t))
    xs, ys = [*recalls, 0.0], [*precisions, 1.0]
    area = abs(sum((xs[i + 1] - xs[i]) * (ys[i + 1] + ys[i]) / 2 for i in range(len(xs) - 1)))
    return Score(area, f1s[best], precisions[best], recalls[best], thresholds[best])


def fit_confidence(
    gold: dict[str, list[OpenTuple]], lines: Sequence[str], *, l2: float = 1e-3
) -> dict[str, float]:
    """Fit the relation confidence model (logistic regression, plain numpy) on scored output.

    Each extraction's target is its best CaRB precision credit against the gold tuples of its
    sentence (a soft label in [0, 1]); features come from ``relation_features``, exactly as
    the extractor computes them at run time.

    Args:
        gold: Normalised sentence -> gold tuples.
        lines: ``kg extract --per-line`` JSON Lines.
        l2: L2 penalty on the weights (not the bias).

    Returns:
        Feature name -> weight.
    """
    import numpy as np

    from kg.extract.relation_confidence import relation_features

    rows: list[dict[str, float]] = []
    targets: list[float] = []
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        key = normalize_sentence(record["sentence"])
        if key not in gold:
            continue
        (predicted,) = read_predictions([line])[key]
        targets.append(max((match(g, predicted)[0] for g in gold[key]), default=0.0))
        rows.append(
            relation_features(
                rule=record["rule"],
                subject=record["subject"],
                relation=record["relation"],
                obj=record["object"],
                extras=record["extra_args"],
                is_asserted=record["modality"] == "asserted",
                is_subject_linked=record["subject_iri"] is not None,
                is_object_linked=record["object_iri"] is not None,
            )
        )
    names = sorted(rows[0])
    x = np.array([[row[n] for n in names] for row in rows])
    y = np.array(targets)
    w = np.zeros(len(names))
    penalty = np.array([0.0 if n == "bias" else l2 for n in names])
    for _ in range(3000):  # Newton steps would do too; plain gradient descent is enough here
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        w -= 2.0 * (x.T @ (p - y) / len(y) + penalty * w)
    return {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}


def write_weights(weights: dict[str, float], path: Path) -> None:
    """Write fitted weights as the data module the extractor reads."""
    body = "".join(f"    {name!r}: {value!r},\n" for name, value in sorted(weights.items()))
    text = (
        '"""Fitted weights of the relation confidence model.\n\n'
        'Generated by ``benchmarks/carb.py --fit-confidence``; do not edit by hand.\n"""\n\n'
        f"WEIGHTS: dict[str, float] = {{\n{body}}}\n"
    )
    path.write_text(text.replace("'", '"'), encoding="utf-8")


def run_extractor(dev: Path) -> list[str]:
    """Run ``kg extract --per-line`` on the dev sentences.

    Args:
        dev: One sentence per line.

    Returns:
        The JSON Lines it printed.
    """
    kg = Path(sys.executable).with_name("kg")
    command = [str(kg) if kg.exists() else "kg", "extract", "--per-line", str(dev)]
    result = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return result.stdout.splitlines()


def main(argv: Sequence[str] | None = None) -> None:
    """Print CaRB and CaRB(1-1) scores of ``kg extract --per-line`` on the dev split."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", type=Path, default=DATA / "dev.txt")
    parser.add_argument("--gold", type=Path, default=DATA / "dev.tsv")
    parser.add_argument(
        "--predictions", type=Path, help="score this JSON Lines file instead of running kg"
    )
    parser.add_argument("--save", type=Path, help="also write the predictions to this file")
    parser.add_argument(
        "--fit-confidence",
        action="store_true",
        help="refit the relation confidence model on these predictions and rewrite its weights",
    )
    args = parser.parse_args(argv)
    if args.predictions:
        lines = args.predictions.read_text(encoding="utf-8").splitlines()
    else:
        lines = run_extractor(args.dev)
    if args.save:
        args.save.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = read_gold(args.gold.read_text(encoding="utf-8").splitlines())
    if args.fit_confidence:
        weights = fit_confidence(gold, lines)
        write_weights(weights, ROOT / "kg" / "extract" / "relation_weights.py")
        print("refitted the confidence model; run again to score with it")
        return
    predicted = read_predictions(lines)
    n_pred = sum(len(v) for k, v in predicted.items() if k in gold)
    n_gold = sum(len(v) for v in gold.values())
    print(f"{len(gold)} sentences, {n_gold} gold tuples, {n_pred} predicted tuples")
    print(f"{'variant':<10} {'F1':>6} {'AUC':>6} {'P':>6} {'R':>6} {'conf>=':>7}")
    for name, one_to_one in (("CaRB", False), ("CaRB(1-1)", True)):
        s = score(gold, predicted, one_to_one=one_to_one)
        print(
            f"{name:<10} {s.f1:6.3f} {s.auc:6.3f} {s.precision:6.3f} {s.recall:6.3f}"
            f" {s.threshold:7.3f}"
        )


if __name__ == "__main__":
    main()
