"""Build a large corpus of analysed articles for measuring ``saywho import --bulk``, by
repeating real analysed records (a ``saywho export`` JSONL file) with new texts.

Each copy of a record keeps its statements, speakers and offsets and gets a new input
name, a publication date moved by whole years, and a paragraph of words drawn from the
other records appended to its text (after every span, so offsets hold). The paragraph is
half as long as the text, so two copies of one record are not near-duplicates (estimated
Jaccard about 0.5, under the 0.8 of data/duplicates.json) and do not form one giant
story, while wire copies already in the input stay copies. Speakers repeat exactly as
often as their records do: unlike a real archive there is no long tail of new names.
(``scripts/bench_scale.py``'s generator, where present, recombines statements and
draws speakers with a Zipf-like frequency instead.)

    python scripts/bulk_corpus.py corpus.jsonl 100000 -o big.jsonl
    python scripts/bulk_corpus.py corpus.jsonl 100000 -o big-spark/ --spark
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Appended words per word of the original text (see the module doc).
FILLER_SHARE = 0.5


def records(export: Path) -> list[dict[str, Any]]:
    out = []
    with export.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if "curation" not in record and record.get("text"):
                for extra in ("store_id", "content_hash", "corpus_speakers"):
                    record.pop(extra, None)
                out.append(record)
    return out


def copies(source: list[dict[str, Any]], count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    from saywho.store import content_hash

    rng = random.Random(seed)
    vocabulary = sorted({w for r in source[:500] for w in r["text"].split() if w.isalpha()})
    for number in range(count):
        record = dict(source[number % len(source)])
        words = len(record["text"].split())
        filler = " ".join(rng.choice(vocabulary) for _ in range(max(20, int(words * FILLER_SHARE))))
        record["text"] = f"{record['text']}\n\n{filler}.\n"
        record["input"] = f"{record['input']}#copy{number}"
        record["content_hash"] = content_hash(record["text"])  # as saywho export writes it
        published = record.get("published")
        if published and published[:4].isdigit():
            record["published"] = f"{int(published[:4]) - number % 10}{published[4:]}"
        yield record


def write_jsonl(items: Iterator[dict[str, Any]], output: Path) -> None:
    with output.open("w", encoding="utf-8") as handle:
        for record in items:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_spark(items: Iterator[dict[str, Any]], output: Path, rows_per_file: int = 20_000) -> None:
    """The articles table and manifest of a ``saywho spark run`` output (what the bulk load reads)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from saywho.models import Article
    from saywho.spark.rows import ARTICLE_COLUMNS, REJECT_COLUMNS, article_row
    from saywho.store import content_hash

    types = {"string": pa.string(), "int": pa.int32(), "strings": pa.list_(pa.string())}
    schema = pa.schema([(name, types[kind]) for name, kind in ARTICLE_COLUMNS])
    (output / "articles").mkdir(parents=True)
    batch: list[dict[str, Any]] = []
    part = 0

    def flush() -> None:
        nonlocal part
        # Row groups of a few thousand articles, about the 128 MB Spark writes by default.
        pq.write_table(pa.Table.from_pylist(batch, schema=schema), output / "articles" / f"part-{part:05d}.parquet",
                       row_group_size=5_000)
        part += 1
        batch.clear()

    for record in items:
        article = Article.from_dict(record)
        batch.append(dict(zip(schema.names, article_row(article, content_hash(article.text)))))
        if len(batch) >= rows_per_file:
            flush()
    if batch:
        flush()
    (output / "rejects").mkdir()
    pq.write_table(pa.schema([(n, pa.string()) for n, _ in REJECT_COLUMNS]).empty_table(), output / "rejects" / "part-00000.parquet")
    (output / "_saywho.json").write_text(json.dumps({"format": "saywho-spark-tables", "generated_by": "bulk_corpus.py"}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", type=Path, help="JSONL written by saywho export")
    parser.add_argument("count", type=int, help="articles to write")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--spark", action="store_true", help="write Spark output tables (Parquet) instead of JSONL")
    args = parser.parse_args()
    items = copies(records(args.export), args.count)
    if args.spark:
        write_spark(items, args.output)
    else:
        write_jsonl(items, args.output)


if __name__ == "__main__":
    main()
