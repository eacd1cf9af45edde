#!/usr/bin/env python
"""Start-up time of saywho commands: wall seconds from launch to exit, median of N runs.

Each command runs in a fresh interpreter, as a user runs it (``python -m saywho ...``),
against a small store made for the run (the seven store fixture articles), so that what is
timed is the start-up: imports, opening the store, one query, the output. The first run of
each command is a warm-up (file cache) and is not counted. Prints a markdown table; with
``--importtime`` also the slowest imports of ``saywho search`` (``python -X importtime``).

    python scripts/bench_cli.py                 # 10 runs of each command
    python scripts/bench_cli.py --runs 20 --importtime
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "fixtures" / "store" / "articles"


def commands(db: str, exported: str) -> dict[str, list[str]]:
    """What is timed: the corpus commands that must not load the NLP pipeline, and two help
    pages (the whole CLI's and that of a command that analyses)."""
    return {
        "saywho --help": ["--help"],
        "saywho search council --db DB": ["search", "council", "--db", db, "--format", "jsonl"],
        "saywho speakers --db DB": ["speakers", "--db", db, "--format", "jsonl"],
        "saywho export --db DB": ["export", "--db", db, "-o", exported],
        "saywho extract --help": ["extract", "--help"],
        "saywho serve --help": ["serve", "--help"],
    }


def run_once(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "saywho", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env, timeout=120)
    return time.perf_counter() - started


def slowest_imports(args: list[str], env: dict[str, str], count: int = 12) -> list[tuple[float, str]]:
    """The ``count`` top-level imports with the largest cumulative time (seconds, module)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "saywho", *args], capture_output=True, text=True,
                          env=env, timeout=120)
    found = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if cumulative.strip().isdigit() and name.startswith(" ") and not name.startswith("  "):
            found.append((int(cumulative) / 1e6, name.strip()))
    return sorted(found, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each command (after one warm-up)")
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports of saywho search")
    options = parser.parse_args()

    env = {**os.environ, "COLUMNS": "100"}
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "corpus.db")
        exported = str(Path(folder) / "corpus.jsonl")
        subprocess.run([sys.executable, "-m", "saywho", "ingest", str(ARTICLES), "--db", db, "-q"], check=True,
                       stderr=subprocess.DEVNULL, env=env, timeout=600)
        print(f"python {sys.version.split()[0]}, {options.runs} runs each after one warm-up, "
              f"load average {os.getloadavg()[0]:.1f}\n")
        print("| command | median s | min s | max s |\n|---|---:|---:|---:|")
        for label, args in commands(db, exported).items():
            run_once(args, env)
            times = [run_once(args, env) for _ in range(options.runs)]
            print(f"| `{label}` | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")
        if options.importtime:
            print("\nslowest imports of `saywho search` (cumulative s):\n")
            for seconds, name in slowest_imports(commands(db, exported)["saywho search council --db DB"], env):
                print(f"- {name}: {seconds:.3f}")


if __name__ == "__main__":
    main()
