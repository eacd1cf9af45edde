#!/usr/bin/env python
"""Query latency, database size and server memory of a large corpus (scripts/make_corpus.py).

For one filled corpus (SQLite file or ``postgresql://`` DSN) prints, as markdown:

* p50/p95 of each query kind as a store call (in process, caches emptied before each
  call, so a figure is what the first visitor after a write waits);
* the same pages over HTTP from ``saywho serve`` on loopback (scripts/loadtest.py's
  server helper), one client at a time and then ``--clients`` concurrent clients for
  ``--duration`` seconds;
* the database size per article, and the server's resident memory while one client
  pages through a search (start, middle and end of ``--pages`` pages).

    python scripts/bench_scale.py --db /tmp/corpus-100k.db
    python scripts/bench_scale.py --db postgresql://saywho:saywho@localhost/saywho_100k

Query kinds: search (words), search with a speaker name, a date range, a statement type;
a deep page (the 50th page of 20, by keyset cursor); a speaker's page; the speakers list
by statements; an article page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from loadtest import SEARCH_WORDS, Samples, client_loop, latency_table, server_process, time_gets
from saywho.store import SearchQuery, Store

#: Words searched (a mix of common and rarer ones) and the date range of filtered searches.
WORDS = SEARCH_WORDS[:12]
DATE_RANGE = ("2019-01-01", "2019-12-31")
DEEP_PAGE = 50
#: A word in many statements, paged through for the server's memory figure.
PAGED_WORD = "government"


def fresh(store: Store) -> None:
    """Forget the store's caches, so each call does the work a first visitor's would."""
    store._speakers_cache.clear()
    store._names_cache.clear()
    store._facets_cache.clear()


def deep_page(store: Store, word: str) -> Any:
    """The DEEP_PAGE-th page of a search, reached the way a pager does: by the cursor of the page before."""
    page = store.search(SearchQuery(text=word))
    for _ in range(DEEP_PAGE - 1):
        if not page.next_after:
            break
        page = store.search(SearchQuery(text=word, after=page.next_after))
    return page


def store_jobs(store: Store, rng: random.Random) -> dict[str, list[Callable[[], Any]]]:
    speakers = store.speakers(limit=100).rows
    names = [s["name"] for s in speakers[:10]] + [s["name"] for s in rng.sample(speakers, min(10, len(speakers)))]
    top = store._read().value("SELECT MAX(id) AS n FROM articles") or 1
    articles = rng.sample(range(1, top + 1), min(40, top))
    since, until = DATE_RANGE
    # The cursor of page DEEP_PAGE - 1 is fetched once, outside the timing: what is timed is one page.
    cursors = {}
    for word in WORDS[:4]:
        page = deep_page(store, word)
        cursors[word] = page.next_after
    return {
        "search": [lambda w=w: store.search(SearchQuery(text=w)) for w in WORDS],
        "search + speaker": [lambda n=n, w=w: store.search(SearchQuery(text=w, speaker=n))
                             for n, w in zip(names, WORDS * 2, strict=False)],
        "speaker name only": [lambda n=n: store.search(SearchQuery(speaker=n)) for n in names],
        "search + dates": [lambda w=w: store.search(SearchQuery(text=w, since=since, until=until)) for w in WORDS],
        "search + type": [lambda w=w: store.search(SearchQuery(text=w, type="direct")) for w in WORDS],
        f"search page {DEEP_PAGE} (cursor)": [lambda w=w, c=c: store.search(SearchQuery(text=w, after=c))
                                              for w, c in cursors.items() if c],
        # What the web page asks: the speaker with counts and timeline, days, quoted with, statements.
        "speaker page": [lambda s=s: (store.speaker(s["id"]), store.speaker_days(s["id"]), store.quoted_with(s["id"]),
                                      store.search(SearchQuery(speaker=str(s["id"])), context=200))
                         for s in speakers[:10] + rng.sample(speakers, min(10, len(speakers)))],
        "speakers list": [lambda: store.speakers(limit=20), lambda: store.speakers(limit=20, offset=100),
                          lambda: store.speakers(sort="articles"), lambda: store.speakers(sort="latest"),
                          lambda: store.speakers(kind="person", limit=20), lambda: store.speakers(name=names[-1][:4])],
        "article page": [lambda i=i: store.article(i) for i in articles],
    }


def time_store(db: str, repeat: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    with Store.open(db, create=False) as store:
        # What the first speakers list after a write waits for (it rewrites the same counts).
        started = time.perf_counter()
        store.refresh_speaker_counts(force=True)
        out["speaker counts recount"] = [time.perf_counter() - started]
        for kind, calls in store_jobs(store, random.Random(1)).items():
            for call in calls:
                for _ in range(repeat):
                    fresh(store)
                    started = time.perf_counter()
                    call()
                    out.setdefault(kind, []).append(time.perf_counter() - started)
    return out


def http_paths(base: str) -> dict[str, list[str]]:
    rng = random.Random(7)
    speakers = httpx.get(f"{base}/api/speakers", params={"limit": 100}, timeout=120).json()["results"]
    top = httpx.get(f"{base}/api/stats", timeout=60).json()["articles"]
    since, until = DATE_RANGE
    return {
        "search": [f"/search?{urlencode({'q': w})}" for w in WORDS],
        "search + speaker": [f"/search?{urlencode({'q': w, 'speaker': s['name']})}" for w, s in zip(WORDS, speakers, strict=False)],
        "search + dates": [f"/search?{urlencode({'q': w, 'since': since, 'until': until})}" for w in WORDS],
        "search + type": [f"/search?{urlencode({'q': w, 'type': 'direct'})}" for w in WORDS],
        "speaker page": [f"/speakers/{s['id']}" for s in speakers[:20]],
        "speakers list": ["/speakers", "/speakers?page=5", "/speakers?sort=articles", "/speakers?kind=person"],
        "article page": [f"/articles/{i}" for i in rng.sample(range(1, top + 1), min(40, top))],
    }


async def time_http_concurrent(base: str, paths: dict[str, list[str]], clients: int, duration: float) -> Samples:
    samples = Samples()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        deadline = time.monotonic() + duration
        await asyncio.gather(*(client_loop(client, paths, deadline, samples, random.Random(i)) for i in range(clients)))
    return samples


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_while_paging(base: str, pid: int, pages: int) -> tuple[list[float], int]:
    """The server's RSS at the start, middle and end of paging through one search by its
    cursors (every copy, PAGED_WORD), and how many pages there were."""
    readings = [rss_mib(pid)]
    with httpx.Client(base_url=base, timeout=120) as client:
        after = None
        for number in range(1, pages + 1):
            params: dict[str, Any] = {"q": PAGED_WORD, "all": "true", "limit": 100}
            if after:
                params["after"] = after
            body = client.get("/api/search", params=params).json()
            after = body.get("next_after")
            if number == pages // 2:
                readings.append(rss_mib(pid))
            if not after:
                break
    readings.append(rss_mib(pid))
    return readings, number


def database_bytes(store: Store, db: str) -> int:
    if store.dialect == "sqlite":
        return sum(os.path.getsize(p) for p in (db, f"{db}-wal") if os.path.exists(p))
    return int(store._read().value(
        "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS n FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND n.nspname = current_schema()"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of concurrent load (at most 120)")
    parser.add_argument("--pages", type=int, default=200, help="pages of 100 results paged through for the RSS figure")
    parser.add_argument("--no-http", action="store_true", help="store calls and size only")
    args = parser.parse_args()
    if not 0 < args.duration <= 120 or not 0 < args.clients <= 50:
        parser.error("duration must be in (0, 120] s and clients in (0, 50]")
    with Store.open(args.db, create=False) as store:
        counts = store.counts()
        size = database_bytes(store, args.db)
        dialect = store.dialect
    print(f"#### {dialect}: {counts['articles']:,} articles, {counts['attributions']:,} statements, "
          f"{counts['speakers']:,} speakers; {size / 2**20:,.0f} MiB, {size / max(1, counts['articles']) / 1024:.1f} KiB per article\n")
    print(latency_table(time_store(args.db, args.repeat), "query", "p50 ms"))
    if args.no_http:
        return 0
    with server_process(args.db) as (base, process, log_path):
        paths = http_paths(base)
        print()
        print(latency_table({f"HTTP {k}": v for k, v in time_gets(base, paths, 1).items()}, "query", "p50 ms"))
        samples = asyncio.run(time_http_concurrent(base, paths, args.clients, args.duration))
        print(f"\n{args.clients} concurrent clients for {args.duration:.0f} s "
              f"({sum(len(v) for v in samples.latencies.values())} requests, {sum(samples.errors.values())} errors):\n")
        print(latency_table({f"HTTP {k}": v for k, v in samples.latencies.items()}, "query", "p50 ms"))
        readings, paged = rss_while_paging(base, process.pid, args.pages)
        print(f"\nserve RSS while paging through {paged} pages of 100 ({PAGED_WORD!r}, every copy): "
              + " → ".join(f"{r:.0f} MiB" for r in readings))
        log_path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
