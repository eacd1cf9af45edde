"""Precision/recall of saywho on a PolNeAR split at each confidence threshold.

Used to choose ``attribution.MIN_CANDIDATE_CONFIDENCE`` and to draw the
precision-at-threshold table in docs/benchmarks.md. Runs the extractor once
with no threshold, then filters.

    python scripts/sweep_confidence.py ../shared/data/polnear/dev
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from saywho.nlp import rules as attribution
from saywho.evaluate.polnear import load_polnear, run_saywho, score_run

THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def main(folder: str) -> None:
    attribution.MIN_CANDIDATE_CONFIDENCE = 0.0
    articles = load_polnear(Path(folder))
    run = run_saywho(articles)
    print("threshold  pred  | exact F1: source  cue  content | overlap: content P  R  F1 | attribution overlap P  R  F1")
    for threshold in THRESHOLDS:
        kept = [[a for a in predicted if a.confidence >= threshold] for predicted in run.predictions]
        scores = score_run(articles, dataclasses.replace(run, predictions=kept))
        ex, ov = scores.roles["exact"], scores.roles["overlap"]
        att = scores.attributions["overlap"]
        print(
            f"{threshold:9.2f} {sum(map(len, kept)):5d}  |   {ex['source'].f1:6.3f} {ex['cue'].f1:6.3f} {ex['content'].f1:6.3f}"
            f"  | {ov['content'].precision:6.3f} {ov['content'].recall:6.3f} {ov['content'].f1:6.3f}"
            f"  | {att.precision:6.3f} {att.recall:6.3f} {att.f1:6.3f}"
        )


if __name__ == "__main__":
    main(sys.argv[1])
