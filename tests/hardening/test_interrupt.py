"""kill -9 ``saywho ingest`` at random points: each rerun ends with exactly the store an
uninterrupted run makes (SQLite and PostgreSQL), and no article is ever half-stored."""

from __future__ import annotations

import random
import time

import pytest

from saywho.testing.interrupt import (
    corpus_state,
    kill_points,
    partial_is_whole_articles,
    run_and_kill,
    run_to_end,
    write_corpus,
)
from store.store_builders import BACKENDS

ARTICLES = 24
#: Kill points per backend: one in start-up, the rest after a random number of commits.
KILLS = 3


@pytest.mark.slow
@pytest.mark.parametrize("new_target", BACKENDS, indirect=True)
def test_a_rerun_after_kill_9_ends_with_the_counts_of_an_uninterrupted_run(new_target, tmp_path):
    corpus = write_corpus(tmp_path / "news", ARTICLES)
    reference_target = new_target()
    run_to_end(corpus, reference_target)
    reference_counts, reference_rows = corpus_state(reference_target)
    assert reference_counts["articles"] == ARTICLES  # the duplicate is skipped, the menu page fails

    rng = random.Random(11)
    for kill in kill_points(rng, ARTICLES, KILLS):
        target = new_target()
        stored = run_and_kill(corpus, target, kill)
        assert stored is not None, f"ingest finished before it could be killed {kill}"
        if stored:
            _, partial_rows = corpus_state(target)
            assert partial_is_whole_articles(partial_rows, reference_rows), f"half an article stored ({kill})"
        run_to_end(corpus, target)
        assert corpus_state(target) == (reference_counts, reference_rows), f"killed {kill}, then rerun"


@pytest.mark.slow
def test_killing_twice_with_worker_processes_still_converges(new_target, tmp_path):
    corpus = write_corpus(tmp_path / "news", ARTICLES)
    reference_target = new_target()
    run_to_end(corpus, reference_target, jobs=2)
    reference = corpus_state(reference_target)

    from saywho.testing.interrupt import Kill

    target = new_target()
    run_and_kill(corpus, target, Kill(after_articles=5), jobs=2)
    run_and_kill(corpus, target, Kill(after_articles=15), jobs=2)
    run_to_end(corpus, target, jobs=2)
    assert corpus_state(target) == reference


@pytest.mark.slow
def test_killing_the_spark_job_leaves_the_last_complete_output_and_a_rerun_repairs_it(tmp_path):
    from spark.spark_support import SPARK_MISSING

    if SPARK_MISSING:
        pytest.skip(SPARK_MISSING)
    from saywho.testing.interrupt import spark_run_and_kill, spark_run_to_end, spark_state

    corpus = write_corpus(tmp_path / "news", 12)
    reference_output = tmp_path / "reference"
    started = time.monotonic()
    spark_run_to_end(corpus, reference_output)
    # Kill times are fractions of a whole run on this machine: fixed seconds were either after
    # the end (a fast machine) or before Spark started (a slow one), so nothing was tested.
    whole_run = time.monotonic() - started
    reference = spark_state(reference_output)
    assert reference is not None and reference["articles"][0] == 13  # Spark keeps the duplicate; the menu is a reject

    output = tmp_path / "out"
    rng = random.Random(5)
    # First kill: no earlier output, so OUTPUT must be absent afterwards (never half-written).
    assert spark_run_and_kill(corpus, output, whole_run * rng.uniform(0.3, 0.8))
    assert spark_state(output) in (None, reference)
    spark_run_to_end(corpus, output)
    assert spark_state(output) == reference
    # Second kill: a complete output exists and must survive a killed rerun unchanged.
    spark_run_and_kill(corpus, output, whole_run * rng.uniform(0.3, 1.1))
    assert spark_state(output) in (None, reference)
    spark_run_to_end(corpus, output)
    assert spark_state(output) == reference
