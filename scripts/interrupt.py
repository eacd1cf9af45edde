#!/usr/bin/env python
"""The interruption table of docs/reliability.md: ``saywho ingest`` killed with SIGKILL at
random points (and ``saywho spark run``, with ``--spark``), each time rerun to the end and
compared with an uninterrupted run. The same code as tests/hardening/test_interrupt.py,
with more kill points.

    python scripts/interrupt.py --kills 8
    python scripts/interrupt.py --kills 8 --pg postgresql://saywho:saywho@localhost/saywho_test --spark 3
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

from saywho.testing.interrupt import (  # noqa: E402
    corpus_state,
    kill_points,
    partial_is_whole_articles,
    run_and_kill,
    run_to_end,
    spark_run_and_kill,
    spark_run_to_end,
    spark_state,
    write_corpus,
)

ARTICLES = 24


def _counts(counts: dict[str, int]) -> str:
    return f"{counts['articles']} / {counts['attributions']} / {counts['mentions']} / {counts['speakers']}"


def ingest_rows(backend: str, new_target, corpus: Path, kills: int, seed: int) -> list[str]:
    reference_target = new_target()
    run_to_end(corpus, reference_target)
    reference = corpus_state(reference_target)
    rows = [f"| {backend} | none (reference run) | — | — | {_counts(reference[0])} | — |"]
    for kill in kill_points(random.Random(seed), ARTICLES, kills):
        target = new_target()
        stored = run_and_kill(corpus, target, kill)
        whole = "yes" if not stored or partial_is_whole_articles(corpus_state(target)[1], reference[1]) else "NO"
        run_to_end(corpus, target)
        after = corpus_state(target)
        same = "yes" if after == reference else "NO"
        rows.append(f"| {backend} | {kill} | {stored if stored is not None else 'finished first'} | {whole} | "
                    f"{_counts(after[0])} | {same} |")
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def spark_rows(folder: Path, kills: int, seed: int) -> list[str]:
    corpus = write_corpus(folder / "spark-news", 12)
    reference = spark_state(_ran(corpus, folder / "reference"))
    rows = [f"| spark | none (reference run) | {_tables(reference)} | — |"]
    output = folder / "spark-out"
    rng = random.Random(seed)
    for _ in range(kills):
        seconds = rng.uniform(4.0, 30.0)
        killed = spark_run_and_kill(corpus, output, seconds)
        after_kill = spark_state(output)
        left = "absent" if after_kill is None else ("last complete output" if after_kill == reference else "DIFFERENT")
        spark_run_to_end(corpus, output)
        same = "yes" if spark_state(output) == reference else "NO"
        rows.append(f"| spark | {seconds:.1f} s after start{'' if killed else ' (finished first)'} | OUTPUT {left}; "
                    f"after rerun {_tables(spark_state(output))} | {same} |")
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def _ran(corpus: Path, output: Path) -> Path:
    spark_run_to_end(corpus, output)
    return output


def _tables(state) -> str:
    return " / ".join(str(state[t][0]) for t in ("articles", "attributions", "mentions", "rejects")) if state else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=8, help="kill points per backend")
    parser.add_argument("--pg", help="PostgreSQL DSN (a schema per run is made and dropped)")
    parser.add_argument("--spark", type=int, default=0, help="kill points for the Spark job")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="saywho-interrupt-"))
    corpus = write_corpus(folder / "news", ARTICLES)
    rows = ["| backend | killed | articles committed at the kill | only whole articles stored | after rerun: articles / attributions / mentions / speakers | same as uninterrupted |",
            "|---|---|---:|---|---|---|"]
    rows += ingest_rows("sqlite", lambda: str(folder / f"{uuid.uuid4().hex[:8]}.db"), corpus, args.kills, args.seed)
    schemas: list[str] = []
    if args.pg:
        import psycopg

        def new_pg() -> str:
            schema = f"t_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(args.pg, autocommit=True) as admin:
                admin.execute(f'CREATE SCHEMA "{schema}"')
            schemas.append(schema)
            return f"{args.pg}{'&' if '?' in args.pg else '?'}options={quote(f'-csearch_path={schema}')}"

        try:
            rows += ingest_rows("postgresql", new_pg, corpus, args.kills, args.seed + 1)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as admin:
                for schema in schemas:
                    admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print("\n".join(rows))
    if args.spark:
        spark = ["", "| job | killed | state after the kill; after the rerun: articles / attributions / mentions / rejects | same as uninterrupted |",
                 "|---|---|---|---|"] + spark_rows(folder, args.spark, args.seed)
        print("\n".join(spark))
        rows += spark
    return 1 if any("| NO |" in r or "DIFFERENT" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
