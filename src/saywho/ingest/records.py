"""JSONL exports: one article a line, ``text`` or ``html`` plus optional metadata.

Accepted fields: ``text`` or ``html`` (one is required), and ``url``, ``title``,
``published``, ``publisher``, ``authors`` (a list of names, or one name), ``language``
(used when the text is too short to tell), ``id``.
A record's input name is ``path#id`` (``path#line-N`` without an id). A bad line is
an ``InputError`` in its place; the file goes on. ``published`` is read as an ISO
date and written back as ``YYYY-MM-DD``; one that cannot be read is kept as written,
with a warning once per file (relative dates like "on Tuesday" stay unresolved).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from saywho.errors import InputError
from saywho.ingest.html import html_document
from saywho.ingest.options import IngestOptions
from saywho.isodates import parse_date
from saywho.models import Document

#: Metadata fields a record may carry, copied onto the Document when present (and ``authors``).
METADATA_FIELDS = ("url", "title", "published", "publisher", "language")


def record_name(container: str, record: dict[str, Any] | None, line_number: int) -> str:
    record_id = record.get("id") if isinstance(record, dict) else None
    if record_id is None or str(record_id).strip() == "":
        return f"{container}#line-{line_number}"
    return f"{container}#{record_id}"


def _string_field(record: dict[str, Any], key: str, name: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(name, f"field '{key}' must be a string, not {type(value).__name__}")
    return value.strip() or None


def record_document(record: dict[str, Any], name: str, options: IngestOptions) -> Document:
    """One parsed JSONL record to a Document (HTML through trafilatura, text as given)."""
    html = _string_field(record, "html", name)
    text = record.get("text")
    metadata = {key: _string_field(record, key, name) for key in METADATA_FIELDS}
    if html is not None:
        document = html_document(html, name, options, url=metadata["url"])
    elif isinstance(text, str) and text.strip():
        title = metadata["title"]
        # The title becomes the first paragraph (as for HTML) so headline quotes have offsets.
        body = text if title is None or text.lstrip().startswith(title) else f"{title}\n\n{text}"
        document = Document(input=name, text=body, origin="record")
    elif isinstance(text, str) or "text" in record:
        raise InputError(name, "record's 'text' is empty" if isinstance(text, str) else "field 'text' must be a string")
    else:
        raise InputError(name, "record has neither 'text' nor 'html'")
    for key, value in metadata.items():
        if value is not None:
            setattr(document, key, value)
    document.authors = _authors(record, name)
    if document.published is not None:
        try:
            document.published = parse_date(document.published)
        except ValueError:
            document.warnings.append(
                f"published {document.published!r} is not an ISO date (YYYY-MM-DD); kept as written, "
                "and dates like 'on Tuesday' stay unresolved"
            )
    return document


def _authors(record: dict[str, Any], name: str) -> list[str]:
    value = record.get("authors")
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(author, str) for author in value):
        raise InputError(name, "field 'authors' must be a list of names")
    return [author.strip() for author in value if author.strip()]


#: Bytes read at a time while skipping the rest of an over-long line.
SKIP_CHUNK_BYTES = 1 << 20


@runtime_checkable
class ByteStream(Protocol):
    """What the readers need of a file, a gzip stream or an upload: bytes by size and by line."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


def bounded_lines(stream: ByteStream, limit: int) -> Iterator[bytes | int]:
    """The lines of a binary stream, never holding more than ``limit`` + 1 bytes of one:
    a longer line (a 100 MB record, a gzip bomb without newlines) is read through to
    its end and given as its length in bytes instead."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while chunk := stream.readline(SKIP_CHUNK_BYTES):
            size += len(chunk)
            if chunk.endswith(b"\n"):
                break
        yield size


def iter_records(lines: Iterable[bytes] | ByteStream, container: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Documents (or errors) from the lines of a JSONL stream, in order."""
    line_number = 0
    warned = False
    source = bounded_lines(lines, options.max_bytes) if isinstance(lines, ByteStream) else lines
    for line_number, raw in enumerate(source, start=1):
        name = f"{container}#line-{line_number}"
        size = raw if isinstance(raw, int) else len(raw)
        if size > options.max_bytes:
            yield InputError(name, f"record too large: {size:,} bytes, limit {options.max_bytes:,}")
            continue
        assert isinstance(raw, bytes)
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8-sig" if line_number == 1 else "utf-8"))
        except UnicodeDecodeError as error:
            yield InputError(name, f"not UTF-8 ({error.reason} at byte {error.start})")
            continue
        except json.JSONDecodeError as error:
            yield InputError(name, f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        if not isinstance(record, dict):
            yield InputError(name, f"a record must be a JSON object, not {type(record).__name__}")
            continue
        name = record_name(container, record, line_number)
        try:
            document = record_document(record, name, options)
        except InputError as error:
            yield error
            continue
        if document.warnings:
            # Once per file: a file of 10,000 records with US-style dates needs one line, not 10,000.
            if warned:
                document.warnings.clear()
            else:
                document.warnings[:] = [f"{w} (said once for {container})" for w in document.warnings]
                warned = True
        yield document


def looks_like_jsonl(data: bytes) -> bool:
    """Sniff: is the first line a JSON object with a ``text`` or ``html`` field?"""
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    try:
        record = json.loads(first)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(record, dict) and ("text" in record or "html" in record)
