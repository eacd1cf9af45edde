#!/usr/bin/env python
"""Bounded load test of ``saywho serve`` on loopback: N concurrent clients for a fixed time.

Starts its own server (``saywho serve --db DB`` on 127.0.0.1, a free port), drives it
with ``--clients`` concurrent HTTP clients against search, article and speaker pages
for ``--duration`` seconds, stops the server and prints p50/p95/p99 latency and the
error count per page kind (markdown). It never talks to anything but 127.0.0.1 and
refuses durations above MAX_DURATION.

    python scripts/loadtest.py --db corpus.db --clients 50 --duration 30
    python scripts/loadtest.py --db postgresql://saywho:saywho@localhost/saywho --clients 50 --duration 30
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

HOST = "127.0.0.1"
#: Hard caps so that a typo cannot turn this into a long-running load generator.
MAX_DURATION = 300
MAX_CLIENTS = 200
#: Seconds an idle client connection is kept: below the server's keep-alive timeout (uvicorn: 5 s).
CLIENT_KEEPALIVE_S = 2.0

SEARCH_WORDS = ["troop levels", "economy", "tax", "election", '"health care"', "police", "immigration", "music",
                "game", "government", "prices", "war", "campaign", "jobs", "vote", "film", "market", "security"]


@contextlib.contextmanager
def server_process(db: str, *, extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """``saywho serve`` in a child process on a free loopback port, ready to answer; stopped on exit.

    Yields its URL, the process and the file its stderr goes to (left for the caller).
    """
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    env = {**os.environ, **(extra_env or {})}
    env.pop("SAYWHO_TOKEN", None)  # read-only: the load test never writes
    env.setdefault("SAYWHO_RATE_LIMIT", "0")  # every client is 127.0.0.1: measure capacity, not the per-client limit
    with tempfile.NamedTemporaryFile(prefix="saywho-serve-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "saywho.cli", "serve", "--db", db, "--host", HOST, "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=log,
        )
    log_path = Path(log.name)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"server exited: {log_path.read_text()}")
            try:
                if httpx.get(f"{url}/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start within 60 s")
            time.sleep(0.2)
        yield url, process, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_log_errors(log_path: Path) -> list[str]:
    """The lines of a server log that report an error."""
    return [line for line in log_path.read_text().splitlines() if "Error" in line or "Traceback" in line]


@contextlib.contextmanager
def running_server(db: str, *, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """:func:`server_process` for callers that only need the URL; the log is kept only if it reports errors."""
    log_path = None
    try:
        with server_process(db, extra_env=extra_env) as (url, _, log_path):
            yield url
    finally:
        if log_path is not None:
            errors = server_log_errors(log_path)
            if errors:
                print(f"server log {log_path} has {len(errors)} error lines, e.g.: {errors[-1]}", file=sys.stderr)
            else:
                log_path.unlink()


def target_paths(base: str, seed: int = 7) -> dict[str, list[str]]:
    """Paths to request, by page kind, drawn from the served corpus itself."""
    stats = httpx.get(f"{base}/api/stats", timeout=30).json()
    speakers = httpx.get(f"{base}/api/speakers", params={"limit": 200}, timeout=30).json()["results"]
    rng = random.Random(seed)
    article_ids = rng.sample(range(1, stats["articles"] + 1), min(300, stats["articles"]))
    search = [f"/search?{urlencode({'q': w})}" for w in SEARCH_WORDS]
    search += [f"/search?{urlencode({'q': w, 'page': 2})}" for w in SEARCH_WORDS[:6]]
    search += [f"/search?{urlencode({'speaker': s['name']})}" for s in speakers[:20]]
    search += [f"/search?{urlencode({'q': w, 'type': 'direct', 'kind': 'person'})}" for w in SEARCH_WORDS[:6]]
    return {
        "search": search,
        "article": [f"/articles/{i}" for i in article_ids],
        "speaker": [f"/speakers/{s['id']}" for s in speakers],
    }


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    #: What went wrong, by kind: "HTTP 500 /search?...", "ReadTimeout /articles/3".
    causes: list[str] = field(default_factory=list)


async def client_loop(client: httpx.AsyncClient, paths: dict[str, list[str]], deadline: float, samples: Samples, rng: random.Random) -> None:
    kinds = list(paths)
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        path = rng.choice(paths[kind])
        started = time.perf_counter()
        cause = None
        try:
            response = await client.get(path)
            if response.status_code != 200:
                cause = f"HTTP {response.status_code} {path}"
        except httpx.HTTPError as error:
            cause = f"{type(error).__name__} {path}"
        elapsed = time.perf_counter() - started
        samples.latencies.setdefault(kind, []).append(elapsed)
        if cause is not None:
            samples.errors[kind] = samples.errors.get(kind, 0) + 1
            samples.causes.append(cause)


async def drive(base: str, paths: dict[str, list[str]], clients: int, duration: float) -> tuple[Samples, float]:
    samples = Samples()
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them from
    # its side: reusing one the server is closing fails with a ReadError (a client's race,
    # not a server error; it cost 7 of 140,819 requests in a 10-minute soak before this).
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=CLIENT_KEEPALIVE_S)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(client_loop(client, paths, deadline, samples, random.Random(i)) for i in range(clients)))
        return samples, time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency_table(rows: dict[str, list[float]], label: str = "what", middle: str = "median ms") -> str:
    """A Markdown table of timings in seconds: samples, median and 95th percentile in ms."""
    lines = [f"| {label} | samples | {middle} | p95 ms |", "|---|---:|---:|---:|"]
    for kind, values in rows.items():
        lines.append(f"| {kind} | {len(values)} | {1000 * statistics.median(values):.1f} | {1000 * percentile(values, 0.95):.1f} |")
    return "\n".join(lines)


def time_gets(base: str, paths: dict[str, list[str]], repeat: int, timeout: float = 120) -> dict[str, list[float]]:
    """Seconds of each GET of ``paths`` (by kind), one request at a time; a non-200 stops the run."""
    out: dict[str, list[float]] = {}
    with httpx.Client(base_url=base, timeout=timeout) as client:
        for kind, kind_paths in paths.items():
            for path in kind_paths:
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = client.get(path)
                    out.setdefault(kind, []).append(time.perf_counter() - started)
                    if response.status_code != 200:
                        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return out


def report(samples: Samples, seconds: float, title: str) -> str:
    lines = [f"#### {title}", "", "| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors |", "|---|---:|---:|---:|---:|---:|---:|"]
    everything: list[float] = []
    for kind, values in sorted(samples.latencies.items()):
        everything += values
        lines.append(f"| {kind} | {len(values)} | {len(values) / seconds:.1f} | {1000 * statistics.median(values):.0f} | "
                     f"{1000 * percentile(values, 0.95):.0f} | {1000 * percentile(values, 0.99):.0f} | {samples.errors.get(kind, 0)} |")
    lines.append(f"| **all** | {len(everything)} | {len(everything) / seconds:.1f} | {1000 * statistics.median(everything):.0f} | "
                 f"{1000 * percentile(everything, 0.95):.0f} | {1000 * percentile(everything, 0.99):.0f} | {sum(samples.errors.values())} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite file or postgresql:// DSN (served read-only)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds")
    args = parser.parse_args()
    if not 0 < args.duration <= MAX_DURATION or not 0 < args.clients <= MAX_CLIENTS:
        parser.error(f"duration must be in (0, {MAX_DURATION}] s and clients in (0, {MAX_CLIENTS}]")
    with running_server(args.db) as base:
        paths = target_paths(base)
        samples, seconds = asyncio.run(drive(base, paths, args.clients, args.duration))
    backend = "postgresql" if args.db.startswith("postgres") else "sqlite"
    print(report(samples, seconds, f"{backend}: {args.clients} clients for {seconds:.0f} s on loopback"))
    for cause in samples.causes[:10]:
        print(f"error: {cause}", file=sys.stderr)
    return 1 if sum(samples.errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
