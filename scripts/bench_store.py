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
import sys
import time

import httpx

from loadtest import SEARCH_WORDS, latency_table, running_server, target_paths, time_gets
from saywho.store import SearchQuery, Store


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with Store.open(args.db, create=False) as store:
        counts = store.counts()
        dialect = store.dialect
    print(f"#### {dialect}: {counts['articles']} articles, {counts['attributions']} statements, {counts['speakers']} speakers\n")
    print(latency_table(time_store(args.db, args.repeat)))
    with running_server(args.db) as base:
        paths = target_paths(base)
        httpx.get(f"{base}/", timeout=30)  # warm up
        print()
        first = {kind: kind_paths[:60] for kind, kind_paths in paths.items()}
        print(latency_table({f"HTTP {k} page": v for k, v in time_gets(base, first, args.repeat, timeout=30).items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
