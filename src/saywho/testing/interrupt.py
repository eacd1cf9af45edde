"""Killing ``saywho ingest`` (SIGKILL, no clean-up) at chosen points and comparing the
rerun with an uninterrupted run: shared by test_interrupt.py and the figures in
docs/reliability.md.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from saywho.store import Store

NAMES = ["Ana Ruiz", "Tomas Varga", "Leila Haddad", "Priya Raman", "Jonas Berg", "Grace Okafor", "Mateo Silva"]
ROLES = ["the mayor", "a council member", "the union leader", "the transport minister", "a local shop owner"]
TOPICS = ["the new bridge", "bus fares", "the flood barrier", "school meals", "the harbour plan", "night trains"]
VERBS = ["said", "told reporters", "added", "warned", "argued"]


def write_corpus(folder: Path, articles: int = 24, seed: int = 3) -> Path:
    """``articles`` original news-like texts, plus one duplicate and one junk-only page
    (an input error on every run), as a folder to ingest."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(articles):
        topic = rng.choice(TOPICS)
        lines = [f"Council debates {topic} (report {number})", ""]
        for paragraph in range(rng.randint(4, 8)):
            name, role, verb = rng.choice(NAMES), rng.choice(ROLES), rng.choice(VERBS)
            lines.append(
                f'"We have waited {paragraph + number + 2} years for {topic}, and the city cannot wait any longer," '
                f"{name}, {role}, {verb} on Tuesday. The debate on {topic} ran late into the evening, "
                f"and officials said a vote on the plan for district {number} was expected next month."
            )
            lines.append("")
        (folder / f"{number:03d}-article.txt").write_text("\n".join(lines), encoding="utf-8")
    (folder / "900-duplicate.txt").write_bytes((folder / "000-article.txt").read_bytes())
    (folder / "901-menu.txt").write_text("Home | News | Sport\nShare on Facebook\nTwitter\n", encoding="utf-8")
    return folder


#: What is under test is surviving a kill, not the analysis: the fast engine keeps the many
#: runs of one test short (the ingest kill tests: 29 -> 22 s and 21 -> 15 s on 2 busy cores).
ENGINE = ["--engine", "rules"]


def ingest_command(folder: Path, target: str, jobs: int) -> list[str]:
    return [sys.executable, "-m", "saywho.cli", "ingest", str(folder), "--db", target, "--jobs", str(jobs), "--quiet", *ENGINE]


def run_to_end(folder: Path, target: str, jobs: int = 1) -> subprocess.CompletedProcess:
    result = subprocess.run(ingest_command(folder, target, jobs), capture_output=True, text=True, timeout=600)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr  # 1: the junk-only page fails every time
    return result


def stored_articles(target: str) -> int:
    """Articles committed so far, read from outside the ingesting process (0 before the tables exist)."""
    if target.startswith("postgresql"):
        import psycopg

        try:
            with psycopg.connect(target, autocommit=True) as conn:
                row = conn.execute("SELECT COUNT(*) FROM articles").fetchone()
                return row[0] if row else 0
        except psycopg.Error:
            return 0
    try:
        with sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


@dataclass
class Kill:
    """Where a run was killed: after ``after_articles`` were committed, or ``after_seconds``
    from the start (start-up: model loading, migrations)."""

    after_articles: int | None = None
    after_seconds: float | None = None

    def __str__(self) -> str:
        if self.after_articles is not None:
            return f"after {self.after_articles} articles committed"
        return f"{self.after_seconds:.1f} s after start"


def run_and_kill(folder: Path, target: str, kill: Kill, jobs: int = 1, poll_s: float = 0.01) -> int | None:
    """Start an ingest and SIGKILL its whole process group at the kill point; return the
    articles stored when it died, or None when it finished before the point."""
    process = subprocess.Popen(ingest_command(folder, target, jobs), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    started = time.monotonic()
    try:
        while process.poll() is None:
            elapsed = time.monotonic() - started
            if kill.after_seconds is not None and elapsed >= kill.after_seconds:
                break
            if kill.after_articles is not None and stored_articles(target) >= kill.after_articles:
                break
            if elapsed > 600:
                raise TimeoutError("ingest did not reach the kill point in 10 minutes")
            time.sleep(poll_s)
        else:
            return None
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return stored_articles(target)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def corpus_state(target: str) -> tuple[dict[str, int], list[tuple]]:
    """The counts and every statement with its article (by content hash) and speaker name:
    what an uninterrupted run and an interrupted-then-rerun one must agree on."""
    with Store.open(target, create=False) as store:
        rows = store.backend.reader().all(
            "SELECT ar.content_hash, a.seq, a.type, a.content, a.cue, COALESCE(s.name, m.name) AS speaker "
            "FROM attributions a JOIN articles ar ON ar.id = a.article_id "
            "LEFT JOIN mentions m ON m.id = a.mention_id LEFT JOIN speakers s ON s.id = m.speaker_id "
            "ORDER BY ar.content_hash, a.seq"
        )
        return store.counts(), [tuple(row.values()) for row in rows]


def partial_is_whole_articles(partial: list[tuple], reference: list[tuple]) -> bool:
    """Every article present after a kill has exactly its full set of statements."""
    by_article: dict[str, list[tuple]] = {}
    for row in reference:
        by_article.setdefault(row[0], []).append(row)
    present: dict[str, list[tuple]] = {}
    for row in partial:
        present.setdefault(row[0], []).append(row)
    return all(rows == by_article.get(key) for key, rows in present.items())


def kill_points(rng: random.Random, articles: int, count: int) -> list[Kill]:
    """One kill during start-up, the rest after a random number of committed articles."""
    return [Kill(after_seconds=rng.uniform(0.5, 3.0))] + [
        Kill(after_articles=k) for k in sorted(rng.sample(range(1, articles), count - 1))
    ]


# --- the Spark job -------------------------------------------------------------------

SPARK_TABLES = ("articles", "attributions", "mentions", "rejects")


def spark_command(folder: Path, output: Path) -> list[str]:
    return [sys.executable, "-m", "saywho.cli", "spark", "run", str(folder), str(output), "--cores", "1", *ENGINE]


def spark_run_to_end(folder: Path, output: Path) -> None:
    result = subprocess.run(spark_command(folder, output), capture_output=True, text=True, timeout=900)
    assert result.returncode in (0, 1), result.stderr[-2000:]  # 1: the junk-only page is a reject


def spark_run_and_kill(folder: Path, output: Path, after_seconds: float) -> bool:
    """Start ``saywho spark run`` and SIGKILL its process group (the driver, the JVM, the
    Python workers) after ``after_seconds``; False when it finished first."""
    process = subprocess.Popen(spark_command(folder, output), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=after_seconds)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def spark_state(output: Path) -> dict[str, tuple[int, frozenset]] | None:
    """Rows per table and the set of inputs they come from, or None when OUTPUT is absent."""
    if not output.exists():
        return None
    import pyarrow.dataset as ds

    state = {}
    for table in SPARK_TABLES:
        data = ds.dataset(str(output / table), format="parquet", partitioning="hive").to_table()
        state[table] = (data.num_rows, frozenset(data.column("input").to_pylist()))
    return state
