"""Arithmetic of ``scripts/train_tagger.py`` that its tests check: kept in the package so
that neither the script nor the tests reach each other through ``sys.path``.
No torch import here; the tensors come from the caller."""

from __future__ import annotations

from typing import Any


def add_to_mean(mean: dict[str, Any], count: int, state: dict[str, Any]) -> dict[str, Any]:
    """The mean of ``count`` state dicts (``mean``) and one more; integer buffers (position
    ids) are the same in every checkpoint and stay as they are."""
    return {k: (v * count + state[k]) / (count + 1) if v.is_floating_point() else v for k, v in mean.items()}
