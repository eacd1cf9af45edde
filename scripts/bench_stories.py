#!/usr/bin/env python
"""Wire copies on a real corpus: how many stories grouping finds, what it costs at ingest.

Stores every article of INPUTS (texts alone, no analysis: grouping needs only the
text) in two fresh SQLite stores, one grouping copies into stories and one not,
and prints (markdown) the groups found, their sizes, their agreement with the
``saywho duplicates`` detector run on the same texts, the time per article each
store took, and ``--sample`` groups to read for precision.

``--analyse N`` also ingests the first N inputs for real (rules, one process)
into two more stores, grouping on and off, for the cost relative to a whole ingest.

``--search DB`` instead times search pages on an ingested corpus, copies collapsed
(the default) against ``all_copies``: median of ``--repeat`` runs per query.

    python scripts/bench_stories.py ../shared/data/bbc-news --sample 20 --analyse 300
    python scripts/bench_stories.py --search corpus.db
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from saywho.errors import InputError
from saywho.ingest import IngestOptions, iter_documents
from saywho.ingest.dedup import find_duplicates
from saywho.models import Article, Document
from saywho.pipeline import Options
from saywho.store import SearchQuery, Store, content_hash
from saywho.store.db import Conn
from saywho.store.ingest import ingest
from saywho.store.stories import StoryGrouper


def read(inputs: list[str]) -> list[Document]:
    return [d for d in iter_documents(inputs, IngestOptions()) if not isinstance(d, InputError)]


def store_texts(documents: list[Document], db: Path, grouping: bool) -> tuple[Store, list[float]]:
    """Every document stored as an article without attributions; seconds per stored article."""
    store = Store.open(str(db))
    if not grouping:
        store.stories = None
    seconds = []
    for document in documents:
        article = Article(input=document.input, text=document.text, title=document.title)
        started = time.perf_counter()
        if store.add_article(article, content_hash(article.text)) is not None:
            seconds.append(time.perf_counter() - started)
    return store, seconds


def stories(store: Store) -> dict[int, list[dict]]:
    groups: dict[int, list[dict]] = defaultdict(list)
    for row in store.backend.reader().all("SELECT id, story_id, input, text FROM articles ORDER BY id"):
        groups[row["story_id"]].append(row)
    return {story: members for story, members in groups.items() if len(members) > 1}


def describe(members: list[dict]) -> str:
    """Each member's name and first line, and how many words the first and the others differ by."""
    first = members[0]["text"].split()
    changed = []
    for other in members[1:]:
        matcher = difflib.SequenceMatcher(a=first, b=other["text"].split(), autojunk=False)
        changed.append(sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"))
    names = " | ".join(f"{'/'.join(Path(m['input']).parts[-2:])}: {m['text'].splitlines()[0][:60]}" for m in members)
    return f"{names} ({', '.join(map(str, changed))} of {len(first)} words differ)"


def analyse(documents: list[Document], tmp: Path) -> None:
    """Ingest with analysis, grouping on and off twice in turn (after a warm-up run that
    loads the model and fills the disk cache), and the time spent grouping: on a shared
    machine the runs' rates vary more than grouping costs, so each run is shown."""
    print(f"\nIngest of the first {len(documents)} inputs, --engine rules, one process:\n")
    print("| grouping | stored | articles/s | of which grouping, s |\n|---|---|---|---|")
    with Store.open(str(tmp / "warm-up.db")) as store:
        ingest(store, list(documents[:20]), options=Options(engine="rules"), jobs=1)
    for run, grouping in enumerate((True, False, True, False)):
        with Store.open(str(tmp / f"ingest-{run}.db")) as store:
            timed = TimedGrouper()
            store.stories = timed if grouping else None
            result = ingest(store, list(documents), options=Options(engine="rules"), jobs=1)
            print(f"| {'on' if grouping else 'off'} | {result.stored} | {result.rate:.2f} | "
                  f"{timed.spent:.2f} of {result.seconds:.1f} |")


class TimedGrouper(StoryGrouper):
    """The store's grouper, adding up the seconds it spends."""

    spent = 0.0

    def assign(self, conn: Conn, article_id: int, text: str) -> int:
        started = time.perf_counter()
        try:
            return super().assign(conn, article_id, text)
        finally:
            self.spent += time.perf_counter() - started

#: Search pages timed by --search: (label, query fields).
SEARCH_CASES: list[tuple[str, dict]] = [
    ("every statement, page 1", {}),
    ("every statement, page 50", {"offset": 980}),
    ("text 'said'", {"text": "said"}),
    ("text 'economy'", {"text": "economy"}),
    ("type direct", {"type": "direct"}),
]


def time_search(db: str, repeat: int) -> None:
    with Store.open(db, create=False) as store:
        print("| query | results (collapsed / all copies) | collapsed ms | all copies ms |\n|---|---|---|---|")
        for label, fields in SEARCH_CASES:
            timings: dict[bool, list[float]] = {True: [], False: []}
            totals = {}
            for _ in range(repeat):
                for every in (False, True):
                    started = time.perf_counter()
                    totals[every] = store.search(SearchQuery(**fields, all_copies=every)).total
                    timings[every].append(time.perf_counter() - started)
            print(f"| {label} | {totals[False]} / {totals[True]} | {statistics.median(timings[False]) * 1000:.1f} | "
                  f"{statistics.median(timings[True]) * 1000:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("--search", metavar="DB", help="time collapsed and all-copies search pages on this store")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sample", type=int, default=0, help="groups to print for reading")
    parser.add_argument("--analyse", type=int, default=0, help="also ingest the first N inputs with analysis")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.search:
        time_search(args.search, args.repeat)
        return
    if not args.inputs:
        parser.error("give INPUTS, or --search DB")

    documents = read(args.inputs)
    with tempfile.TemporaryDirectory() as tmp:
        grouped, on = store_texts(documents, Path(tmp) / "on.db", grouping=True)
        ungrouped, off = store_texts(documents, Path(tmp) / "off.db", grouping=False)
        ungrouped.close()
        groups = stories(grouped)
        stored = grouped.counts()["articles"]
        print(f"documents read: {len(documents)}; stored: {stored}; "
              f"skipped as already stored (same text): {len(documents) - stored}")
        sizes = defaultdict(int)
        for members in groups.values():
            sizes[len(members)] += 1
        print(f"stories with copies: {len(groups)} ({sum(len(m) for m in groups.values())} articles); "
              f"sizes: {dict(sorted(sizes.items()))}; stories in all: {stored - sum(len(m) - 1 for m in groups.values())}")

        report = find_duplicates((d.input, d.text) for d in documents)
        detector = {frozenset(g.members) for g in report.near}
        ours = {frozenset(m["input"] for m in members) for members in groups.values()}
        print(f"saywho duplicates on the same texts: {report.exact_duplicates} exact, {report.near_duplicates} near "
              f"in {len(report.near)} groups; near groups also found as stories: {len(detector & ours)}; "
              f"stories not among its near groups: {len(ours - detector)}")

        print("\n| store | articles | median ms/article | mean ms/article | total s |\n|---|---|---|---|---|")
        for name, seconds in (("grouping on", on), ("grouping off", off)):
            print(f"| {name} | {len(seconds)} | {statistics.median(seconds) * 1000:.2f} | "
                  f"{statistics.fmean(seconds) * 1000:.2f} | {sum(seconds):.1f} |")

        if args.sample:
            print(f"\n{args.sample} groups drawn at random (seed {args.seed}):")
            for story in random.Random(args.seed).sample(sorted(groups), min(args.sample, len(groups))):
                print(" - " + describe(groups[story]))
        grouped.close()

        if args.analyse:
            analyse(documents[: args.analyse], Path(tmp))


if __name__ == "__main__":
    main()
