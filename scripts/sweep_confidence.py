"""Precision/recall of saywho on a PolNeAR split at each confidence threshold.

Used to choose the rules' cut-off (``min_confidence`` in ``data/rules.json``,
:class:`saywho.nlp.rules.RulesConfig`) and to draw the precision-at-threshold
table in docs/benchmarks.md. Runs the extractor once with a config that keeps
every candidate, then filters.

    python scripts/sweep_confidence.py ../shared/data/polnear/dev
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from saywho.errors import InputError
from saywho.evaluate.polnear import PolnearArticle, SystemRun, load_polnear, score_run
from saywho.models import Attribution
from saywho.nlp.rules import RulesConfig
from saywho.nlp.statements import join_statements
from saywho.pipeline import Extractor, Options

THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def run_unfiltered(articles: list[PolnearArticle]) -> SystemRun:
    """saywho in raw mode (as ``saywho eval polnear`` runs it) with no candidate cut-off."""
    extractor = Extractor(Options(raw=True, engine="rules"), rules_config=RulesConfig(min_confidence=0.0))  # the rules' own cut-off
    started = time.perf_counter()
    predictions: list[list[Attribution]] = []
    failures: dict[str, str] = {}
    for article in articles:
        try:
            predictions.append(join_statements(extractor.analyse(article.document()).attributions))
        except InputError as error:
            failures[article.name] = error.reason
            predictions.append([])
    return SystemRun("saywho", predictions, time.perf_counter() - started, failures)


def main(folder: str) -> None:
    articles = load_polnear(Path(folder))
    run = run_unfiltered(articles)
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
