"""Tokens and windows: long articles are read in overlapping windows of word-pieces;
where two overlap, a token's scores are their average, weighted by its distance from each edge."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from saywho.nlp.tagger.features import token_features
from saywho.nlp.tagger.spans import LABELS_PER_ROLE, ROLES

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from saywho.nlp.tagger.model import TaggerModel

#: Word-pieces per window, without [CLS]/[SEP]; the model was trained on this length.
WINDOW_TOKENS = 254
#: Word-pieces shared by neighbouring windows, so no token is tagged without context.
WINDOW_OVERLAP = 64
#: Windows run through the encoder together (bounded so memory stays flat on long articles).
BATCH_WINDOWS = 8


def window_bounds(n_tokens: int, size: int = WINDOW_TOKENS, overlap: int = WINDOW_OVERLAP) -> list[tuple[int, int]]:
    """Start/end token indices of overlapping windows covering ``n_tokens``.

    >>> window_bounds(10, size=4, overlap=2)
    [(0, 4), (2, 6), (4, 8), (6, 10)]
    >>> window_bounds(3, size=4, overlap=2)
    [(0, 3)]
    """
    if n_tokens <= size:
        return [(0, n_tokens)]
    step = size - overlap
    starts = list(range(0, n_tokens - size, step)) + [n_tokens - size]
    return [(s, s + size) for s in sorted(set(starts))]


def stitch(n_tokens: int, bounds: list[tuple[int, int]], per_window: list[np.ndarray]) -> np.ndarray:
    """One row per token: where windows overlap, their scores averaged, each weighted by the
    token's distance from that window's edge (near an edge it saw little context on that side;
    it beat keeping only the window where the token is most central, docs/model.md)."""
    width = per_window[0].shape[-1]
    total = np.zeros((n_tokens, width), dtype=np.float64)
    weight = np.zeros(n_tokens, dtype=np.float64)
    for (start, end), values in zip(bounds, per_window):
        positions = np.arange(start, end)
        margin = np.minimum(positions - start, end - 1 - positions) + 1.0
        total[start:end] += values[: end - start] * margin[:, None]
        weight[start:end] += margin
    return (total / weight[:, None]).astype(np.float32)


def role_probabilities(logits: np.ndarray) -> np.ndarray:
    """(tokens, roles * labels) scores -> (tokens, roles, labels) probabilities."""
    shaped = logits.reshape(logits.shape[0], len(ROLES), LABELS_PER_ROLE).astype(np.float64)
    shaped -= shaped.max(axis=-1, keepdims=True)
    exp = np.exp(shaped)
    return exp / exp.sum(axis=-1, keepdims=True)


def token_probabilities(
    model: TaggerModel, text: str, doc: Doc | None = None
) -> tuple[np.ndarray, list[tuple[int, int]], list[int | None]]:
    """Tag probabilities for every word-piece of ``text``, with offsets and word ids
    (``doc``, spaCy's parse of the same text, feeds a model trained with the parse)."""
    encoding = model.tokenizer.encode(text, add_special_tokens=False)
    ids, offsets, words = encoding.ids, encoding.offsets, encoding.word_ids
    if not ids:
        return np.zeros((0, len(ROLES), LABELS_PER_ROLE)), [], []
    features = token_features(text, offsets, doc) if model.reads_features else None
    bounds = window_bounds(len(ids))
    per_window: list[np.ndarray] = []
    for first in range(0, len(bounds), BATCH_WINDOWS):
        batch = bounds[first : first + BATCH_WINDOWS]
        window_features = None if features is None else [features[s:e] for s, e in batch]
        logits = model.logits([ids[s:e] for s, e in batch], window_features)
        per_window.extend(logits[row] for row in range(len(batch)))
    return role_probabilities(stitch(len(ids), bounds, per_window)), list(offsets), list(words)

