"""The rows of the Spark job's four tables, and the way back from a row to an ``Article``.

Tables (one folder each under the job's output, Parquet):

``articles``      one row per article: metadata, ``text`` and ``record`` (the rest of
                  ``Article.to_dict()`` as JSON), so an ``Article`` is rebuilt losslessly.
``attributions``  one row per attribution, the columns of ``saywho extract -f parquet``
                  plus ids, so the two can be compared (and joined to ``articles``).
``mentions``      one row per speaker per article (the article's resolved speakers).
``rejects``       one row per input or record that gave no article: ``input``,
                  ``reason``, ``stage`` (list, ingest, analyse) and ``kind``
                  (``skipped`` on purpose, e.g. another language, or ``failed``).

Ids are deterministic (hashes of what the row is about), so a rerun writes the same
ids and a row can never appear twice under two ids. No pyspark here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any, Literal

from saywho.errors import InputError
from saywho.ingest import SkippedInput
from saywho.models import Article
from saywho.output import ROW_FIELDS, attribution_rows
from saywho.store.store import content_hash

Stage = Literal["list", "ingest", "analyse"]
ColumnType = Literal["string", "long", "int", "double", "bool", "strings"]

#: Partition value for articles without a (parsable) publication date.
UNKNOWN_MONTH = "unknown"
#: Hex digits kept of the sha256 ids: 128 bits, no collision in any real corpus.
ID_HEX_DIGITS = 32

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?!\d)")

ARTICLE_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("article_id", "string"),
    ("content_hash", "string"),
    ("input", "string"),
    ("title", "string"),
    ("published", "string"),
    ("url", "string"),
    ("publisher", "string"),
    ("authors", "strings"),
    ("language", "string"),
    ("text", "string"),
    ("attributions", "int"),
    ("speakers", "int"),
    ("record", "string"),
    ("published_month", "string"),
)

_EXTRACT_TYPES: dict[str, ColumnType] = {
    "content_start": "long",
    "content_end": "long",
    "confidence": "double",
    "headline": "bool",
}
ATTRIBUTION_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("attribution_id", "string"),
    ("article_id", "string"),
    ("seq", "int"),
    ("speaker_id", "string"),
    *((name, _EXTRACT_TYPES.get(name, "string")) for name in ROW_FIELDS),
    ("published_month", "string"),
)

MENTION_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("mention_id", "string"),
    ("article_id", "string"),
    ("speaker_id", "string"),
    ("input", "string"),
    ("published", "string"),
    ("publisher", "string"),
    ("name", "string"),
    ("kind", "string"),
    ("descriptors", "strings"),
    ("aliases", "strings"),
    ("attributions", "int"),
    ("published_month", "string"),
)

REJECT_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("input", "string"),
    ("reason", "string"),
    ("stage", "string"),
    ("kind", "string"),
)

#: Tables partitioned by publication month (the way researchers slice a year of news).
PARTITION_COLUMN = "published_month"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:ID_HEX_DIGITS]


def article_id(input: str, document_hash: str) -> str:
    """The same input with the same text is the same article, in every run."""
    return _digest(input, document_hash)


def attribution_id(article: str, seq: int) -> str:
    return f"{article}:{seq}"


def mention_id(article: str, speaker_id: str) -> str:
    return f"{article}:{speaker_id}"


def published_month(published: str | None) -> str:
    """``YYYY-MM`` of an ISO-like date, else ``unknown``."""
    match = _MONTH.match(published or "")
    return f"{match.group(1)}-{match.group(2)}" if match else UNKNOWN_MONTH


def document_hash(text: str) -> str:
    """The store's idempotency key of a document's text (so ``saywho ingest`` of the
    same file later finds the article already stored)."""
    return content_hash(text)


def article_row(article: Article, document_hash: str) -> tuple[Any, ...]:
    record = article.to_dict()
    record.pop("text")
    values = {
        "article_id": article_id(article.input, document_hash),
        "content_hash": document_hash,
        "input": article.input,
        "title": article.title,
        "published": article.published,
        "url": article.url,
        "publisher": article.publisher,
        "authors": list(article.authors),
        "language": article.language,
        "text": article.text,
        "attributions": len(article.attributions),
        "speakers": len(article.speakers),
        "record": json.dumps(record, ensure_ascii=False, sort_keys=True),
        "published_month": published_month(article.published),
    }
    return tuple(values[name] for name, _ in ARTICLE_COLUMNS)


def attribution_table_rows(article: Article, document_hash: str) -> Iterator[tuple[Any, ...]]:
    """``saywho extract``'s attribution rows, with ids in front."""
    article_key = article_id(article.input, document_hash)
    month = published_month(article.published)
    for seq, (attribution, row) in enumerate(zip(article.attributions, attribution_rows(article))):
        values = {
            **row,
            "attribution_id": attribution_id(article_key, seq),
            "article_id": article_key,
            "seq": seq,
            "speaker_id": attribution.speaker.id if attribution.speaker else None,
            "published_month": month,
        }
        yield tuple(values[name] for name, _ in ATTRIBUTION_COLUMNS)


def mention_rows(article: Article, document_hash: str) -> Iterator[tuple[Any, ...]]:
    article_key = article_id(article.input, document_hash)
    month = published_month(article.published)
    for speaker in article.speakers:
        values = {
            "mention_id": mention_id(article_key, speaker.id),
            "article_id": article_key,
            "speaker_id": speaker.id,
            "input": article.input,
            "published": article.published,
            "publisher": article.publisher,
            "name": speaker.name,
            "kind": speaker.kind,
            "descriptors": list(speaker.descriptors),
            "aliases": list(speaker.aliases),
            "attributions": speaker.attributions,
            "published_month": month,
        }
        yield tuple(values[name] for name, _ in MENTION_COLUMNS)


def reject_row(error: InputError, stage: Stage) -> tuple[str, str, str, str]:
    kind = "skipped" if isinstance(error, SkippedInput) else "failed"
    return (error.input, error.reason, stage, kind)


def article_from_row(row: dict[str, Any]) -> Article:
    """Rebuild the ``Article`` an ``articles`` row was made from (the inverse of ``article_row``)."""
    record = json.loads(row["record"])
    record["text"] = row["text"]
    return Article.from_dict(record)


__all__ = [
    "ARTICLE_COLUMNS",
    "ATTRIBUTION_COLUMNS",
    "MENTION_COLUMNS",
    "PARTITION_COLUMN",
    "REJECT_COLUMNS",
    "UNKNOWN_MONTH",
    "article_from_row",
    "article_id",
    "article_row",
    "attribution_table_rows",
    "document_hash",
    "mention_rows",
    "published_month",
    "reject_row",
]
