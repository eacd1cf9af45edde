"""Arithmetic of ``scripts/train_tagger.py`` that its tests check: kept in the package so
that neither the script nor the tests reach each other through ``sys.path``.
No torch import here; the tensors come from the caller."""

from __future__ import annotations

from typing import Any

import numpy as np


def add_to_mean(mean: dict[str, Any], count: int, state: dict[str, Any]) -> dict[str, Any]:
    """The mean of ``count`` state dicts (``mean``) and one more; integer buffers (position
    ids) are the same in every checkpoint and stay as they are."""
    return {k: (v * count + state[k]) / (count + 1) if v.is_floating_point() else v for k, v in mean.items()}


def soft_targets(teacher_offsets: np.ndarray, teacher_probs: np.ndarray, offsets: list[tuple[int, int]]) -> np.ndarray:
    """A teacher's (pieces, roles, labels) probabilities read onto another tokenizer's pieces
    (distillation, ``--distil``): each piece takes those of the teacher piece its first
    character falls in. all-mpnet-base-v2 and all-MiniLM-L6-v2 split words alike (both
    lower-case BERT word-pieces), so this is nearly always the very same piece."""
    starts = np.array([s for s, _ in offsets], dtype=np.int64)
    index = np.searchsorted(np.asarray(teacher_offsets)[:, 0], starts, side="right") - 1
    return np.asarray(teacher_probs)[np.clip(index, 0, len(teacher_offsets) - 1)].astype(np.float32)
