"""Documents from a file's bytes, as ``saywho extract`` reads the same file from disk.

Spark hands each executor a file as ``(uri, bytes)`` (``SparkContext.binaryFiles``), not
as a local path, so ``saywho.ingest.sources.read_file`` cannot open it. This module
follows ``read_file`` step by step on bytes in memory, calling ingest's own readers
(WARC, JSONL, HTML, text decoding) so that a file read here yields the same
``Document`` objects and the same errors as on disk. ``tests/spark`` compares the two.

Not pyspark-dependent: it runs on executors and in plain Python alike.
"""

from __future__ import annotations

import gzip
import io
import posixpath
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..ingest import IngestOptions, tag_language
from ..ingest.records import iter_records

# Ingest's private helpers, used on purpose: they are exactly the decisions read_file
# makes (kind from the name, then from the first bytes; size limits; gunzip). The
# ingest package may later offer this as one public ``read_bytes``; see docs/spark.md.
from ..ingest.sources import (
    _GZIP_MAGIC,
    SNIFF_BYTES,
    Kind,
    _document_from_bytes,
    _gunzip_head,
    _gunzip_limited,
    _kind_from_bytes,
    _kind_from_name,
    _too_large,
)
from ..ingest.warc import iter_warc
from ..models import Document


def file_kind(data: bytes, name: str) -> Kind:
    """The kind of a file: from its name, else from its first (decompressed) bytes."""
    kind = _kind_from_name(posixpath.basename(name))
    if kind is not None:
        return kind
    head = data[:SNIFF_BYTES]
    if head.startswith(_GZIP_MAGIC):
        head = _gunzip_head(head)
    return _kind_from_bytes(head)


def _jsonl_documents(data: bytes, name: str, options: IngestOptions) -> Iterator[Document | InputError]:
    compressed = name.lower().endswith(".gz")
    lines_read = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) if compressed else io.BytesIO(data) as stream:
            for item in iter_records(stream, name, options):
                lines_read += 1
                yield item
    except EOFError:
        yield InputError(name, f"truncated gzip: the file ends early (after {lines_read} records)")
    except (OSError, zlib.error) as error:
        yield InputError(name, f"damaged file after {lines_read} records: {error}")


def _read_bytes(data: bytes, name: str, options: IngestOptions) -> Iterator[Document | InputError]:
    try:
        kind = file_kind(data, name)
        if kind == "warc":
            yield from iter_warc(io.BytesIO(data), name, options)
            return
        if kind == "jsonl":
            yield from _jsonl_documents(data, name, options)
            return
        compressed = name.lower().endswith(".gz")
        if not compressed and len(data) > options.max_bytes:
            raise _too_large(name, options.max_bytes, len(data))
        if not data:
            raise InputError(name, "empty file")
        if compressed:
            data = _gunzip_limited(data, name, options.max_bytes)
        yield _document_from_bytes(data, name, kind, options)
    except InputError as error:
        yield error


def documents_from_bytes(data: bytes, name: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Every document in one file's bytes (language-tagged), errors in their place.

    ``name`` is the file's name as the user knows it: it becomes ``Document.input``
    (``name#record`` for records of WARC and JSONL containers) and decides the kind.
    """
    for item in _read_bytes(data, name, options):
        if isinstance(item, Document):
            try:
                item = tag_language(item, options)
            except InputError as error:
                item = error
        yield item


@dataclass(frozen=True, slots=True)
class InputNames:
    """Turns the URIs Spark reports (``file:/abs/news/a.txt``) back into the names the
    user gave (``news/a.txt``), so that ``input`` is the same as with ``saywho extract``.

    ``prefixes`` pairs a qualified URI prefix with the name prefix to put in its place
    (``""`` for the current folder, whose files ``saywho extract`` names bare); URIs
    under no prefix (``hdfs://``, ``s3a://`` inputs) keep their full URI.
    """

    prefixes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, str]]) -> InputNames:
        # Longest prefix first, so a nested input wins over the folder that holds it.
        return cls(tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)))

    def name(self, uri: str) -> str:
        for qualified, given in self.prefixes:
            if uri == qualified:
                return given
            folder = qualified.rstrip("/") + "/"
            if uri.startswith(folder):
                rest = uri[len(folder) :]
                return f"{given.rstrip('/')}/{rest}" if given else rest
        return uri
