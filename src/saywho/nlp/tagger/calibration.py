"""Calibration: the tagger's span probability mapped to the chance an attribution is right."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True, slots=True)
class Calibration:
    """A monotone map from raw span probability to the chance the attribution is right.

    Stored as isotonic-regression breakpoints; between them it interpolates
    linearly. Without a file it is the identity.
    """

    raw: tuple[float, ...] = (0.0, 1.0)
    calibrated: tuple[float, ...] = (0.0, 1.0)

    @classmethod
    def load(cls, path: Path) -> Calibration:
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["raw"]), tuple(data["calibrated"]))

    def __call__(self, score: float) -> float:
        return float(np.interp(score, self.raw, self.calibrated))
