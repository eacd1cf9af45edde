#!/usr/bin/env python
"""Latency of search, speaker and article pages on a filled corpus, one request at a time.

Starts ``saywho serve`` on loopback (see loadtest.py), requests every target path
``--repeat`` times sequentially and prints median and p95 per page kind (markdown),
plus the same queries timed in-process against the Store (no HTTP).

    python scripts/bench_store.py --db corpus.db
    python scripts/bench_store.py --db postgresql://saywho:saywho@localhost/saywho
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import httpx

from loadtest import SEARCH_WORDS, percentile, running_server, target_paths
from saywho.store import SearchQuery, Store


def time_http(base: str, paths: dict[str, list[str]], repeat: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        for kind, kind_paths in paths.items():
            for path in kind_paths[:60]:
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = client.get(path)
                    out.setdefault(kind, []).append(time.perf_counter() - started)
                    if response.status_code != 200:
                        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return out


def time_store(db: str, repeat: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    with Store.open(db, create=False) as store:
        speakers = store.speakers(limit=60).rows
        jobs = {
            "store.search": [lambda w=w: store.search(SearchQuery(text=w)) for w in SEARCH_WORDS]
            + [lambda s=s: store.search(SearchQuery(speaker=s["name"])) for s in speakers[:20]],
            "store.speaker": [lambda s=s: (store.speaker(s["id"]), store.search(SearchQuery(speaker=str(s["id"]))))
                              for s in speakers],
            "store.speakers list": [lambda: store.speakers(limit=20)],
        }
        for kind, calls in jobs.items():
            for call in calls:
                for _ in range(repeat):
                    started = time.perf_counter()
                    call()
                    out.setdefault(kind, []).append(time.perf_counter() - started)
    return out


def table(rows: dict[str, list[float]]) -> str:
    lines = ["| what | samples | median ms | p95 ms |", "|---|---:|---:|---:|"]
    for kind, values in rows.items():
        lines.append(f"| {kind} | {len(values)} | {1000 * statistics.median(values):.1f} | {1000 * percentile(values, 0.95):.1f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with Store.open(args.db, create=False) as store:
        counts = store.counts()
        dialect = store.dialect
    print(f"#### {dialect}: {counts['articles']} articles, {counts['attributions']} statements, {counts['speakers']} speakers\n")
    print(table(time_store(args.db, args.repeat)))
    with running_server(args.db) as base:
        paths = target_paths(base)
        httpx.get(f"{base}/", timeout=30)  # warm up
        print()
        print(table({f"HTTP {k} page": v for k, v in time_http(base, paths, args.repeat).items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
