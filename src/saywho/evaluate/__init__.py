"""Scoring saywho against annotated data.

- :mod:`saywho.evaluate.scoring`: span matching and P/R/F1 for attributions (any corpus).
- :mod:`saywho.evaluate.polnear`: the PolNeAR reader and runner behind ``saywho eval polnear``.
- :mod:`saywho.evaluate.extraction`: the article-extraction benchmark's body metric.

Definitions: ``docs/evaluation.md``.
"""
