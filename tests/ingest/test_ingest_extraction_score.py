"""Our scorer for the article-extraction benchmark (4-word shingles, page-normalised)."""

from __future__ import annotations

import pytest

from saywho.evaluate.extraction import page_counts, score, shingles

TRUE = "the council voted to keep the ferry on Monday"


@pytest.mark.parametrize(
    "predicted, precision, recall",
    [
        (TRUE, 1.0, 1.0),
        ("", 0.0, 0.0),
        ("nothing in common with the truth at all here", 0.0, 0.0),
        (TRUE + " share on facebook and twitter", 6 / 11, 1.0),  # 5 extra shingles
        ("the council voted to keep", 2 / 2, 2 / 6),
    ],
)
def test_page_precision_and_recall(predicted, precision, recall):
    result = score([(predicted, TRUE)])
    assert result.precision == pytest.approx(precision)
    assert result.recall == pytest.approx(recall)


def test_shingles_are_word_four_grams_with_case_kept():
    assert list(shingles("A b, c d e")) == [("A", "b", "c", "d"), ("b", "c", "d", "e")]
    assert list(shingles("too short")) == [("too", "short")]
    assert shingles("") == {}


def test_counts_are_normalised_per_page_so_long_pages_weigh_the_same():
    c = page_counts(TRUE * 10, TRUE)
    assert c.tp + c.fp + c.fn == pytest.approx(1.0)


def test_f1_is_harmonic_mean_of_averaged_precision_and_recall():
    result = score([(TRUE, TRUE), ("", TRUE)])
    # precision averages over pages that predicted something (1 page), recall over both.
    assert (result.precision, result.recall) == (1.0, 0.5)
    assert result.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)
