#!/usr/bin/env python
"""Soak run: ``saywho ingest`` over a whole data folder several times in a row, then a
bounded loopback load on ``saywho serve`` over the result; prints a markdown report.

Checks what a long unattended run needs: no crash (no "internal error", no traceback),
the reruns store nothing new and leave the counts exactly as the first run left them,
and memory stays flat (RSS sampled from /proc every few seconds: start, peak, end).
The load runs ``--clients`` concurrent clients against 127.0.0.1 only, for
``--load-minutes`` (at most MAX_LOAD_MINUTES), then stops the server.

    python scripts/soak.py --data ../shared/data --runs 3 --load-minutes 10 --clients 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from loadtest import drive, report, server_log_errors, server_process, target_paths  # noqa: E402

#: Hard caps: the load must stop by itself and stay small.
MAX_LOAD_MINUTES = 15
MAX_CLIENTS = 100
#: Seconds between RSS samples.
SAMPLE_EVERY_S = 5.0


@dataclass
class RssTrace:
    """VmRSS of one process, sampled from /proc until it exits (MB)."""

    samples: list[tuple[float, float]] = field(default_factory=list)

    def watch(self, pid: int, stop: threading.Event) -> threading.Thread:
        def loop() -> None:
            started = time.monotonic()
            while not stop.is_set():
                rss = rss_mb(pid)
                if rss is None:
                    return
                self.samples.append((time.monotonic() - started, rss))
                stop.wait(SAMPLE_EVERY_S)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        return thread

    def per_minute(self) -> list[float]:
        """The RSS at the start of each minute (MB)."""
        marks: dict[int, float] = {}
        for t, rss in self.samples:
            marks.setdefault(int(t // 60), rss)
        return [marks[m] for m in sorted(marks)]

    def summary(self, settle_s: float = 0.0) -> dict[str, float]:
        """First sample after ``settle_s`` (the model is loaded by then), the peak, the last."""
        if not self.samples:
            return {}
        settled = [rss for t, rss in self.samples if t >= settle_s] or [self.samples[-1][1]]
        return {"start_mb": settled[0], "peak_mb": max(rss for _, rss in self.samples), "end_mb": self.samples[-1][1]}


def rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else None


@dataclass
class IngestRun:
    run: int
    seconds: float
    exit_code: int
    summary: str
    counts: str
    input_errors: int
    internal_errors: int
    error_reasons: dict[str, int]
    rss: dict[str, float]


def _reason_kind(line: str) -> str:
    """A per-input error line reduced to its reason's kind (paths and numbers removed)."""
    reason = line.split(": ", 3)[-1]
    reason = re.sub(r"\d[\d,.]*", "N", reason)
    return reason[:70]


def ingest_once(run: int, data: str, db: str, jobs: int) -> IngestRun:
    command = [sys.executable, "-m", "saywho.cli", "ingest", data, "--db", db, "--jobs", str(jobs), "--quiet"]
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, cwd=ROOT)
        trace, stop = RssTrace(), threading.Event()
        watcher = trace.watch(process.pid, stop)
        exit_code = process.wait()
        stop.set()
        watcher.join()
        stderr.seek(0)
        log = stderr.read()
    lines = log.splitlines()
    errors = [line for line in lines if line.startswith("saywho: error:")]
    reasons: dict[str, int] = {}
    for line in errors:
        kind = _reason_kind(line)
        reasons[kind] = reasons.get(kind, 0) + 1
    internal = [line for line in lines if "internal error" in line or line.startswith("Traceback")]
    summary = next((line for line in lines if line.startswith("stored ")), "")
    counts = next((line for line in lines if line.startswith("store now holds")), "")
    return IngestRun(run, time.monotonic() - started, exit_code, summary, counts, len(errors), len(internal),
                     dict(sorted(reasons.items(), key=lambda kv: -kv[1])), trace.summary(settle_s=20))


def serve_under_load(db: str, clients: int, minutes: float) -> tuple[str, RssTrace, int, list[str]]:
    """Start ``saywho serve``, load it, stop it; returns the latency table, the server's RSS
    trace, the failed requests and the server log lines that report an error."""
    trace, stop = RssTrace(), threading.Event()
    # Every client is 127.0.0.1: the per-client rate limit is for the network, not this test.
    with server_process(db, extra_env={"SAYWHO_RATE_LIMIT": "0"}) as (base, process, log_path):
        try:
            paths = target_paths(base)
            paths["api"] = [f"/api/search?q={w}&limit=50" for w in ("economy", "tax", "police", "vote", "war")]
            paths["api"] += ["/api/speakers?limit=100", "/api/stats", "/api/articles?limit=50&offset=100"]
            watcher = trace.watch(process.pid, stop)
            samples, seconds = asyncio.run(drive(base, paths, clients, minutes * 60))
        finally:
            stop.set()
        watcher.join()
    server_errors = server_log_errors(log_path)
    log_path.unlink()
    table = report(samples, seconds, f"{clients} clients for {seconds:.0f} s on loopback")
    for cause in samples.causes[:10]:
        print(f"  failed request: {cause}", file=sys.stderr)
    return table, trace, sum(samples.errors.values()), server_errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--db", help="SQLite file or postgresql:// DSN (default: a new file in a temp folder)")
    parser.add_argument("--runs", type=int, default=3, help="ingest runs (0: only the load, on an existing --db)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--load-minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not 0 < args.load_minutes <= MAX_LOAD_MINUTES or not 0 < args.clients <= MAX_CLIENTS:
        parser.error(f"load minutes must be in (0, {MAX_LOAD_MINUTES}] and clients in (0, {MAX_CLIENTS}]")
    db = args.db or str(Path(tempfile.mkdtemp(prefix="saywho-soak-")) / "soak.db")
    runs = []
    for run in range(1, args.runs + 1):
        print(f"ingest run {run} of {args.runs} into {db} ...", file=sys.stderr, flush=True)
        runs.append(ingest_once(run, args.data, db, args.jobs))
        print(f"  {runs[-1].summary}", file=sys.stderr, flush=True)
    print(f"loading saywho serve for {args.load_minutes:g} min ...", file=sys.stderr, flush=True)
    table, server_trace, load_errors, server_errors = serve_under_load(db, args.clients, args.load_minutes)
    server_rss = server_trace.summary()

    lines = [f"### Soak: `saywho ingest {args.data}` x{args.runs} (--jobs {args.jobs}), then serve under load", "",
             "| run | seconds | exit | stored / already stored / skipped / failed | store counts after | input errors | internal errors | RSS MB start → peak → end |",
             "|---:|---:|---:|---|---|---:|---:|---|"]
    for r in runs:
        numbers = re.findall(r"stored (\d+).*; (\d+) already stored; (\d+) skipped.*; (\d+) failed", r.summary)
        outcome = " / ".join(numbers[0]) if numbers else r.summary
        counts = r.counts.removeprefix("store now holds ")
        rss = f"{r.rss.get('start_mb', 0):.0f} → {r.rss.get('peak_mb', 0):.0f} → {r.rss.get('end_mb', 0):.0f}"
        lines.append(f"| {r.run} | {r.seconds:.0f} | {r.exit_code} | {outcome} | {counts} | {r.input_errors} | {r.internal_errors} | {rss} |")
    if runs:
        lines += ["", "Per-input errors of run 1 by reason:", ""]
        lines += [f"- {count} × {reason}" for reason, count in runs[0].error_reasons.items()] or ["- none"]
    lines += ["", table, "",
              f"Server RSS MB: start {server_rss.get('start_mb', 0):.0f}, peak {server_rss.get('peak_mb', 0):.0f}, "
              f"end {server_rss.get('end_mb', 0):.0f}; at each minute: "
              f"{', '.join(f'{rss:.0f}' for rss in server_trace.per_minute())}; failed requests: {load_errors}; "
              f"server log error lines: {len(server_errors)}"]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({"runs": [asdict(r) for r in runs], "load_table": table, "server_rss": server_rss,
                                         "server_rss_samples": server_trace.samples, "load_errors": load_errors,
                                         "server_errors": server_errors}, indent=2))
    stable_counts = len({r.counts for r in runs}) <= 1
    reruns_store_nothing = all(r.summary.startswith("stored 0 ") for r in runs[1:])
    crashed = any(r.internal_errors for r in runs) or load_errors or server_errors
    if not stable_counts or not reruns_store_nothing or crashed:
        print("soak FAILED: counts changed, a rerun stored something, or something crashed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
