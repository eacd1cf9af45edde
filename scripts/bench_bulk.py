"""Where a bulk load's time goes: preparing articles (parsing, name keys, MinHash
signatures; CPU in the loader's processes) and writing them (the database), measured
apart in one process. ``saywho import --bulk --jobs N`` overlaps the two; its end-to-end
rate and memory are measured with /usr/bin/time (docs/benchmarks.md#bulk-loading).

    python scripts/bench_bulk.py big.jsonl --limit 10000 --db bench.db
    python scripts/bench_bulk.py big.jsonl --limit 10000 --db postgresql://saywho:saywho@localhost/bench
"""

from __future__ import annotations

import argparse
import time
from itertools import islice

from saywho.store import Store
from saywho.store.bulk import BulkLoader, Prepared, jsonl_items, prepare_source
from saywho.store.stories import StoryGrouper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="export JSONL (scripts/bulk_corpus.py makes large ones)")
    parser.add_argument("--db", required=True, help="an empty store")
    parser.add_argument("--limit", type=int, default=10_000, help="articles (all held in memory once prepared)")
    args = parser.parse_args()
    with open(args.input, encoding="utf-8") as handle:
        sources = list(islice(jsonl_items(args.input, handle), args.limit))
    started = time.perf_counter()
    grouper = StoryGrouper()
    prepared = [p for s in sources if isinstance(p := prepare_source(s, grouper), Prepared)]
    prepare_s = time.perf_counter() - started
    with Store.open(args.db) as store:
        loader = BulkLoader(store)
        loader.start()
        started = time.perf_counter()
        for start in range(0, len(prepared), loader.batch_articles):
            loader.store_batch(prepared[start : start + loader.batch_articles])
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        loader.finish()
        finish_s = time.perf_counter() - started
    n = len(prepared)
    print(f"{store.dialect}: {n} articles; prepare {prepare_s:.1f} s ({n / prepare_s:.0f}/s, one process); "
          f"write {write_s:.1f} s ({n / write_s:.0f}/s); indexes and surname pass {finish_s:.2f} s")


if __name__ == "__main__":
    main()
