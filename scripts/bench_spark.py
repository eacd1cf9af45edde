"""Spark benchmark (not a test): ``saywho spark run`` on 1 and 2 local cores against
``saywho extract --jobs 2``, on the same articles, in one run.

Each measurement is a fresh process, timed from launch to exit as a user sees it
(interpreter, JVM and model start-up included). For Spark the job's own time is
also taken from the output manifest (``seconds``: from the job's start to its last
table written, worker model loads included, session start-up not), so the fixed
start-up cost and the per-article cost can be told apart.

    python scripts/bench_spark.py                         # all of ../shared/data/bbc-news
    python scripts/bench_spark.py --limit 300             # a quick look
    python scripts/bench_spark.py --markdown docs/_bench_spark.md

Figures: throughput (articles/s), scaling ratio (2 cores / 1 core), Spark's overhead
per article over ``saywho extract --jobs 2``, and the per-core throughput that the
cost estimate in docs/spark.md starts from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bbc-news"


@dataclass
class Measured:
    label: str
    articles: int
    wall: float
    #: The Spark job's own time (manifest), None for extract.
    job: float | None = None
    model_loads: int | None = None

    @property
    def wall_rate(self) -> float:
        return self.articles / self.wall

    @property
    def job_rate(self) -> float | None:
        return self.articles / self.job if self.job else None


def subset(data: Path, limit: int | None, into: Path) -> Path:
    """``limit`` files spread over the sorted list (every k-th), copied to keep topic folders."""
    paths = sorted(p for p in data.rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
    if limit is None or limit >= len(paths):
        return data
    step = len(paths) / limit
    for path in (paths[int(i * step)] for i in range(limit)):
        target = into / path.relative_to(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return into


def timed(command: list[str], output: Path) -> float:
    """Wall seconds of one command; stop the benchmark if it wrote nothing."""
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - started
    # Exit 1 means some inputs failed and the rest was written; anything else, or no output, is a crash.
    if result.returncode not in (0, 1) or not output.exists():
        sys.exit(f"error: {' '.join(command)} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return wall


def run_extract(data: Path, work: Path, jobs: int) -> Measured:
    out = work / f"extract-{jobs}.jsonl"
    wall = timed([sys.executable, "-m", "saywho", "extract", str(data), "--jobs", str(jobs), "-q", "-o", str(out)], out)
    articles = sum(1 for _ in out.open(encoding="utf-8"))
    return Measured(f"`saywho extract --jobs {jobs}`", articles, wall)


def run_spark(data: Path, work: Path, cores: int) -> Measured:
    out = work / f"spark-{cores}"
    wall = timed([sys.executable, "-m", "saywho", "spark", "run", str(data), str(out), "--cores", str(cores)], out / "_saywho.json")
    manifest = json.loads((out / "_saywho.json").read_text(encoding="utf-8"))
    return Measured(
        f"`saywho spark run --cores {cores}`", manifest["counts"]["articles"], wall, manifest["seconds"], manifest["model_loads"]
    )


def markdown(results: list[Measured], data: Path, command: str, load: str, load_after: str, minutes: float) -> str:
    extract, one, two = results
    lines = [
        "<!-- For the lead to fold into docs/benchmarks.md; written by scripts/bench_spark.py. -->",
        "",
        "## Spark (issue 6)",
        "",
        f"Command (needs `../shared` and Java 17; this run took {minutes:.0f} minutes):",
        "",
        f"    {command}",
        "",
        (
            f"Measured {time.strftime('%Y-%m-%d')}, one run (each row a fresh process, in the order shown), on "
            f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {data.name} ({extract.articles} articles: every file of the "
            f"folder, read the same by both commands); load average (1/5/15 min) {load} before the run and "
            f"{load_after} after it. The machine was shared with other work, so every figure here is slower "
            "than on an idle machine, and the ratios are the figures to read."
        ),
        "",
        "| run | articles | wall s | articles/s (wall) | job s | articles/s (job) | model loads |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        job = f"{r.job:.1f}" if r.job else "–"
        job_rate = f"{r.job_rate:.2f}" if r.job_rate else "–"
        loads = str(r.model_loads) if r.model_loads is not None else "–"
        lines.append(f"| {r.label} | {r.articles} | {r.wall:.1f} | {r.wall_rate:.2f} | {job} | {job_rate} | {loads} |")
    startup = two.wall - (two.job or 0)
    overhead_ms = (two.wall - extract.wall) / two.articles * 1000
    overhead_job_ms = ((two.job or 0) - extract.wall) / two.articles * 1000
    lines += [
        "",
        (
            f"- **Scaling 1 → 2 cores:** {two.job_rate / one.job_rate:.2f}x on the job's time "  # type: ignore[operator]
            f"({two.wall_rate / one.wall_rate:.2f}x on wall time, start-up included)."
        ),
        (
            f"- **Spark's overhead over `saywho extract --jobs 2`:** {overhead_ms:+.1f} ms per article on wall time "
            f"({two.wall:.1f} s against {extract.wall:.1f} s for the same articles), of which Spark's fixed start-up "
            f"(JVM, session) is {startup:.1f} s; without it, {overhead_job_ms:+.1f} ms per article."
        ),
        (
            f"- **Per-core throughput** (the cost estimate's input): {one.job_rate:.2f} articles/s on one core, "  # type: ignore[operator]
            f"{two.job_rate / 2:.2f} articles/s per core on two."  # type: ignore[operator]
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of articles (default: ../shared/data/bbc-news)")
    parser.add_argument("--limit", type=int, default=None, help="use this many files, spread over the folder")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the figures as a Markdown section here")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"error: {args.data}: not a folder (the benchmark needs ../shared/data/bbc-news)")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as temp:
        work = Path(temp)
        data = subset(args.data, args.limit, work / "data")
        results = [run_extract(data, work, 2), run_spark(data, work, 1), run_spark(data, work, 2)]
    command = "python scripts/bench_spark.py" + (f" --limit {args.limit}" if args.limit else "") + " --markdown docs/_bench_spark.md"
    load_after = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    text = markdown(results, args.data, command, load, load_after, (time.perf_counter() - started) / 60)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
