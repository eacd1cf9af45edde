"""Reading the Spark job's Parquet tables back, without Spark: pyarrow only.

``read_articles(output)`` rebuilds every ``Article`` losslessly from the ``articles``
table; ``load_tables(store, output)`` puts them into the corpus store (what
``saywho ingest OUTPUT`` does with a Spark output folder), so a cluster run ends in
the same searchable UI as a local one.

Local folders and any URI pyarrow knows (``s3://``, ``hdfs://``, ``gs://``) work.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from saywho.errors import InputError, SaywhoError
from saywho.models import Article
from saywho.spark.rows import article_from_row

MANIFEST = "_saywho.json"  # same name as saywho.spark.job.MANIFEST (job imports pyspark; this must not)
#: Rows read per batch: bounded memory on tables of millions of articles.
BATCH_ROWS = 1_000
#: Batches pyarrow reads ahead of the one being stored.
READAHEAD_BATCHES = 2
_ARTICLE_READ_COLUMNS = ("content_hash", "text", "record")


class TableError(SaywhoError):
    """Not a complete Spark output folder, or its tables cannot be read."""


#: Hadoop's names of object stores, as pyarrow knows them.
_PYARROW_SCHEMES = {"s3a://": "s3://", "s3n://": "s3://", "gs://": "gs://"}


def _filesystem(output: str):
    from pyarrow import fs

    for hadoop, arrow in _PYARROW_SCHEMES.items():
        if output.startswith(hadoop):
            output = arrow + output[len(hadoop) :]
    try:
        return fs.FileSystem.from_uri(output)
    except (ValueError, TypeError):  # a plain local path
        import os

        return fs.LocalFileSystem(), os.path.abspath(os.path.expanduser(output))


def is_table_output(path: str) -> bool:
    """Is ``path`` a folder written by ``saywho spark run`` (it holds the job's manifest)?"""
    try:
        filesystem, root = _filesystem(path)
        from pyarrow import fs

        return filesystem.get_file_info(f"{root.rstrip('/')}/{MANIFEST}").type == fs.FileType.File
    except (OSError, ValueError):
        return False


def manifest(output: str) -> dict[str, Any]:
    filesystem, root = _filesystem(output)
    try:
        with filesystem.open_input_stream(f"{root.rstrip('/')}/{MANIFEST}") as stream:
            return json.loads(stream.read().decode("utf-8"))
    except (OSError, ValueError) as error:
        raise TableError(f"{output}: not a complete saywho Spark output ({MANIFEST} unreadable: {error})") from None


def _batches(output: str, table: str, columns: tuple[str, ...] | None = None) -> Iterator[list[dict[str, Any]]]:
    import pyarrow.dataset as ds

    manifest(output)  # refuse a half-written or foreign folder before reading anything
    filesystem, root = _filesystem(output)
    folder = f"{root.rstrip('/')}/{table}"
    try:
        dataset = ds.dataset(folder, filesystem=filesystem, format="parquet", partitioning="hive")
        # One file and a few batches read ahead: pyarrow's defaults (4 files, 16 batches) held
        # over a gigabyte of article texts while loading a large output.
        scanner = dataset.scanner(columns=list(columns) if columns else None, batch_size=BATCH_ROWS,
                                  batch_readahead=READAHEAD_BATCHES, fragment_readahead=1)
        for batch in scanner.to_batches():
            if batch.num_rows:
                yield batch.to_pylist()
    except (OSError, ValueError) as error:
        raise TableError(f"{output}: cannot read table {table}: {error}") from None


def read_rows(output: str, table: str, columns: tuple[str, ...] | None = None) -> Iterator[dict[str, Any]]:
    """Every row of one table (``articles``, ``attributions``, ``mentions``, ``rejects``)."""
    for batch in _batches(output, table, columns):
        yield from batch


def read_stored_articles(output: str) -> Iterator[tuple[Article, str]]:
    """Each article with its content hash (the store's idempotency key)."""
    for row in read_rows(output, "articles", _ARTICLE_READ_COLUMNS):
        yield article_from_row(row), row["content_hash"]


def read_articles(output: str) -> Iterator[Article]:
    """Every ``Article`` of a Spark output, exactly as ``saywho extract`` would return it."""
    for article, _ in read_stored_articles(output):
        yield article


def read_rejects(output: str) -> Iterator[InputError]:
    """The inputs that gave no article, as the errors ``saywho extract`` reports."""
    from saywho.ingest import SkippedInput

    for row in read_rows(output, "rejects"):
        kind = SkippedInput if row["kind"] == "skipped" else InputError
        yield kind(row["input"], row["reason"])


def load_tables(
    store,
    output: str,
    *,
    on_error: Callable[[InputError], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
):
    """Put a Spark output's articles into the corpus store; return the store's ``IngestReport``.

    Idempotent as ``saywho ingest`` is: an article whose content hash is stored already
    (from an earlier load, or from ingesting the same file locally) is skipped. The
    rejects are counted as failed or ignored, and passed to ``on_error`` when given
    (a CC-NEWS run has millions of skipped records: the table holds them already).
    """
    from saywho.ingest import SkippedInput
    from saywho.store.ingest import IngestReport

    report = IngestReport()
    started = time.perf_counter()
    store.group_pending()  # a corpus stored before stories existed, as ingest does
    for article, key in read_stored_articles(output):
        report.added(article, store.add_article(article, key) is not None)
        report.seconds = time.perf_counter() - started
        if on_progress is not None:
            on_progress(report)
    for error in read_rejects(output):
        if isinstance(error, SkippedInput):
            report.ignored += 1
        else:
            report.failed += 1
        if on_error is not None:
            on_error(error)
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["TableError", "is_table_output", "load_tables", "manifest", "read_articles", "read_rejects", "read_rows", "read_stored_articles"]
