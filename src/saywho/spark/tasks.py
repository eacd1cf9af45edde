"""What one Spark task does with its partition: files in, table rows out.

Plain Python over iterators (no pyspark), so the same code runs on executors and
in unit tests. Every record is tagged with the table it belongs to:
``("articles" | "attributions" | "mentions" | "rejects", row)``.

Nothing an input does may stop the job: an ``InputError`` becomes a rejects row with
its reason, and so does any unexpected exception in reading or analysing one input
(a library crash on odd markup), tagged with the stage where it happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from saywho.errors import InputError
from saywho.ingest import IngestOptions
from saywho.models import Document
from saywho.pipeline import Extractor, Options
from saywho.spark.read import InputNames, documents_from_bytes
from saywho.spark.rows import (
    Stage,
    article_row,
    attribution_table_rows,
    document_hash,
    mention_rows,
    reject_row,
)

TableRecord = tuple[str, tuple[Any, ...]]
#: Between the read and the analyse step: a document to analyse or a finished reject row.
ReadRecord = tuple[str, Any]

TABLES = ("articles", "attributions", "mentions", "rejects")
#: Tag of the one record per file read: counted, never written (the driver compares the
#: count with Spark's listing to find the files Spark skipped unread).
FILE_READ = "file"


class Counter(Protocol):
    """A Spark accumulator, or anything with ``add`` in tests."""

    def add(self, value: int) -> None: ...


@dataclass(frozen=True, slots=True)
class TaskOptions:
    """Everything a task needs to know; pickled once and shipped to every executor."""

    names: InputNames = field(default_factory=InputNames)
    ingest: IngestOptions = field(default_factory=IngestOptions)
    analysis: Options = field(default_factory=Options)
    #: Publication date for documents that carry none (``saywho extract --published``).
    published: str | None = None


def _unexpected(input: str, error: Exception, stage: Stage) -> TableRecord:
    reason = f"unexpected error: {type(error).__name__}: {error}"
    return ("rejects", (input, reason, stage, "failed"))


def read_files(options: TaskOptions, files: Iterable[tuple[str, bytes]]) -> Iterator[ReadRecord]:
    """``(uri, bytes)`` pairs to ``("document", Document)`` or ``("rejects", row)``, after a
    ``(FILE_READ, ())`` marker per file."""
    for uri, data in files:
        name = options.names.name(uri)
        yield (FILE_READ, ())
        try:
            for item in documents_from_bytes(data if isinstance(data, bytes) else bytes(data), name, options.ingest):
                if isinstance(item, InputError):
                    yield ("rejects", reject_row(item, "ingest"))
                    continue
                if options.published and not item.published:
                    item.published = options.published
                yield ("document", item)
        except Exception as error:
            yield _unexpected(name, error, "ingest")


#: Extractors of this Python worker, per options: Spark reuses worker processes across
#: tasks (spark.python.worker.reuse, on by default), so the model loads once per worker.
_EXTRACTORS: dict[Options, Extractor] = {}


def worker_extractor(options: Options, loads: Counter | None = None) -> Extractor:
    extractor = _EXTRACTORS.get(options)
    if extractor is None:
        extractor = _EXTRACTORS[options] = Extractor(options)
        if loads is not None:
            loads.add(1)
    return extractor


def _analysed(extractor: Extractor, document: Document) -> Iterator[TableRecord]:
    key = document_hash(document.text)
    try:
        article = extractor.analyse(document)
    except InputError as error:
        yield ("rejects", reject_row(error, "analyse"))
        return
    except Exception as error:
        yield _unexpected(document.input, error, "analyse")
        return
    yield ("articles", article_row(article, key))
    for row in attribution_table_rows(article, key):
        yield ("attributions", row)
    for row in mention_rows(article, key):
        yield ("mentions", row)


def analyse_records(options: TaskOptions, loads: Counter | None, records: Iterable[ReadRecord]) -> Iterator[TableRecord]:
    """Documents to article, attribution and mention rows; rejects pass through."""
    extractor: Extractor | None = None
    for tag, payload in records:
        if tag != "document":
            yield (tag, payload)
            continue
        if extractor is None:  # a partition of rejects only never loads the model
            extractor = worker_extractor(options.analysis, loads)
        yield from _analysed(extractor, payload)


def files_to_rows(options: TaskOptions, loads: Counter | None, files: Iterable[tuple[str, bytes]]) -> Iterator[TableRecord]:
    """The whole task in one pass: read each file, analyse each of its documents."""
    return analyse_records(options, loads, read_files(options, files))
