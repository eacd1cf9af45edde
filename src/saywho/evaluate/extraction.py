"""Body-extraction scoring: the article-extraction-benchmark's 4-word-shingle F1.

Definition (``../shared/README.md``): tokens are runs of word characters (``\\w+``,
case kept); each text is a multiset of 4-token shingles. Per page tp = shared
shingles (by count), fp = extra predicted, fn = missing true; the three are divided
by their sum so that long pages weigh no more than short ones. Page precision =
tp/(tp+fp), recall = tp/(tp+fn) (both 1 when fp = fn = 0). Precision is averaged over
pages with tp+fp > 0, recall over pages with tp+fn > 0; F1 is the harmonic mean of
the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Shingle length the benchmark uses.
SHINGLE_SIZE = 4

_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of ``text``.

    A text shorter than ``size`` tokens yields one shingle of all its tokens, as the
    benchmark does, so that very short bodies are still scored; an empty text none.
    """
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True, slots=True)
class PageCounts:
    """One page's shingle counts, already normalised to sum to 1 (or all 0)."""

    tp: float
    fp: float
    fn: float


def page_counts(predicted: str, expected: str) -> PageCounts:
    pred, true = shingles(predicted), shingles(expected)
    tp = sum((pred & true).values())
    fp = sum(pred.values()) - tp
    fn = sum(true.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return PageCounts(0.0, 0.0, 0.0)
    return PageCounts(tp / total, fp / total, fn / total)


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "pages": self.pages}


def _page_precision(c: PageCounts) -> float:
    return 1.0 if c.fp == 0 and c.fn == 0 else c.tp / (c.tp + c.fp)


def _page_recall(c: PageCounts) -> float:
    return 1.0 if c.fp == 0 and c.fn == 0 else c.tp / (c.tp + c.fn)


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Score ``(predicted, expected)`` body pairs, one per page."""
    precisions: list[float] = []
    recalls: list[float] = []
    pages = 0
    for predicted, expected in pairs:
        pages += 1
        c = page_counts(predicted, expected)
        if c.tp + c.fp > 0:
            precisions.append(_page_precision(c))
        if c.tp + c.fn > 0:
            recalls.append(_page_recall(c))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, pages)


def score_outputs(predicted: Mapping[str, str], expected: Mapping[str, str]) -> Score:
    """Score predictions keyed by page id against the truth; a missing prediction counts as empty."""
    return score((predicted.get(page, "") or "", body) for page, body in expected.items())
