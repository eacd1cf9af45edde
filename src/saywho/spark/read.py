"""Documents from a file's bytes, as ``saywho extract`` reads the same file from disk.

Spark hands each executor a file as ``(uri, bytes)`` (``SparkContext.binaryFiles``), not
as a local path, so ``saywho.ingest.sources.read_file`` cannot open it; ingest's
``read_bytes`` makes the same decisions on bytes in memory, so a file read here yields
the same ``Document`` objects and the same errors as on disk (``tests/spark`` compares
the two). This module adds what Spark needs around it: language tags and input names.

Not pyspark-dependent: it runs on executors and in plain Python alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from saywho.errors import InputError
from saywho.ingest import IngestOptions, tag_language
from saywho.ingest.sources import read_bytes
from saywho.models import Document


def documents_from_bytes(data: bytes, name: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Every document in one file's bytes (language-tagged), errors in their place.

    ``name`` is the file's name as the user knows it: it becomes ``Document.input``
    (``name#record`` for records of WARC and JSONL containers) and decides the kind.
    """
    for item in read_bytes(data, name, options):
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
