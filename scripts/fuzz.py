#!/usr/bin/env python
"""Fuzz every entry point in turn (atheris, coverage-guided) and print a markdown table.

One target at a time (the machine is shared), each for ``--seconds``; a target whose
property breaks stops early and its input is kept under ``--artifacts`` (replay it
with ``tests/fuzz/fuzz_entry_point.py --replay TARGET FILE``, then add it to
tests/hardening/test_entry_points.py as an ``example``). Needs ``pip install atheris``.

    python scripts/fuzz.py --seconds 60
    python scripts/fuzz.py --seconds 300 --targets extract clean --artifacts fuzz-out/
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "tests" / "fuzz" / "fuzz_entry_point.py"

#: What each target drives, for the table.
ENTRY_POINTS = {
    "clean": "text cleaner (`clean.clean_document`)",
    "extract": "`Extractor.extract` (clean, parse, attributions, speakers, dates)",
    "decode": "byte decoding (`ingest.decode.decode_text`)",
    "html": "HTML reader (`ingest.html.html_document`)",
    "jsonl": "JSONL reader (`ingest.records.iter_records`)",
    "warc": "WARC reader (`ingest.warc.iter_warc`), truncated and corrupted",
    "files": "any file by name and content (`ingest.iter_documents`)",
    "dates": "date resolver (`dates.resolve_date`)",
    "query": "search query parser (`store.search_terms`, `fts5_query`)",
    "search": "every search filter on a real SQLite store (`Store.search`)",
    "table": "table writer (`output.render_table`, `cli.store.write_rows`, `output.for_rich`)",
    "csv": "CSV writer (`output.Writer`, `cli.store.write_rows`)",
    "records": "JSONL reader of `saywho import` (`cli.store.read_exported_record`)",
}
#: libFuzzer: a slower single input than this is a hang; more memory than this is a leak.
INPUT_TIMEOUT_S = 120
RSS_LIMIT_MB = 4096
#: Bytes libFuzzer may hand over: hypothesis draws its examples from them.
MAX_INPUT_BYTES = 16384


@dataclass
class Result:
    target: str
    executions: int = 0
    seconds: float = 0.0
    new_units: int = 0
    coverage: int = 0
    peak_rss_mb: int = 0
    outcome: str = "ok"


def run_target(target: str, seconds: int, artifacts: Path) -> Result:
    artifacts.mkdir(parents=True, exist_ok=True)
    corpus = Path(tempfile.mkdtemp(prefix=f"saywho-fuzz-{target}-"))
    command = [
        sys.executable, str(HARNESS), target, str(corpus), f"-max_total_time={seconds}", "-print_final_stats=1",
        f"-timeout={INPUT_TIMEOUT_S}", f"-rss_limit_mb={RSS_LIMIT_MB}", f"-max_len={MAX_INPUT_BYTES}",
        f"-artifact_prefix={artifacts}/{target}-",
    ]
    started = time.monotonic()
    process = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=seconds + 600)
    log = process.stdout + process.stderr
    (artifacts / f"{target}.log").write_text(log)
    result = Result(target, seconds=time.monotonic() - started)
    stats = dict(re.findall(r"stat::(\w+):\s+(\d+)", log))
    result.executions = int(stats.get("number_of_executed_units", 0))
    result.new_units = int(stats.get("new_units_added", 0))
    result.peak_rss_mb = int(stats.get("peak_rss_mb", 0))
    coverage = re.findall(r"cov: (\d+)", log)
    result.coverage = int(coverage[-1]) if coverage else 0
    if process.returncode != 0:
        crash = re.search(r"Test unit written to (\S+)", log)
        result.outcome = f"FAILED (exit {process.returncode}){': ' + crash.group(1) if crash else ''}"
    return result


def table(results: list[Result]) -> str:
    lines = [
        "| target | entry point | executions | seconds | exec/s | coverage (edges) | peak RSS MB | result |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        rate = r.executions / r.seconds if r.seconds else 0
        lines.append(f"| {r.target} | {ENTRY_POINTS[r.target]} | {r.executions:,} | {r.seconds:.0f} | {rate:.0f} | "
                     f"{r.coverage} | {r.peak_rss_mb} | {r.outcome} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="per target")
    parser.add_argument("--targets", nargs="*", default=list(ENTRY_POINTS), choices=list(ENTRY_POINTS))
    parser.add_argument("--artifacts", type=Path, default=Path(tempfile.gettempdir()) / "saywho-fuzz")
    args = parser.parse_args()
    try:
        import atheris  # noqa: F401
    except ImportError:
        parser.error("atheris is not installed: pip install atheris")
    results = []
    for target in args.targets:
        print(f"fuzzing {target} for {args.seconds} s ...", file=sys.stderr, flush=True)
        results.append(run_target(target, args.seconds, args.artifacts))
        print(f"  {results[-1].executions:,} executions: {results[-1].outcome}", file=sys.stderr, flush=True)
    print(table(results))
    print(f"\nlogs and any failing inputs: {args.artifacts}", file=sys.stderr)
    return 1 if any(r.outcome != "ok" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
