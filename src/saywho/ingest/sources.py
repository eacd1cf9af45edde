"""Turning what the user named (paths, folders, globs, ``-``, URLs) into documents.

The kind of each file comes from its name and, when the name says nothing, from
its first bytes: WARC (``WARC/``), HTML (an ``<html>``/``<head>``/``<body>`` tag at
the start), JSONL (a first line that is a JSON object with ``text`` or ``html``),
else plain text. ``.gz`` is looked through.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Literal

from saywho.errors import InputError
from saywho.ingest.decode import decode_text
from saywho.ingest.fetch import fetch, is_url
from saywho.ingest.html import html_document, looks_like_html
from saywho.ingest.options import IngestOptions
from saywho.ingest.records import ByteStream, iter_records, looks_like_jsonl
from saywho.ingest.warc import iter_warc, looks_like_warc
from saywho.models import Document

Kind = Literal["warc", "jsonl", "html", "text"]
STDIN = "-"
STDIN_NAME = "<stdin>"
_GZIP_MAGIC = b"\x1f\x8b"
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_WARC_SUFFIXES = (".warc",)
#: Bytes looked at to tell a file's kind.
SNIFF_BYTES = 8192


def _kind_from_name(name: str) -> Kind | None:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith(_WARC_SUFFIXES):
        return "warc"
    if lower.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(_HTML_SUFFIXES):
        return "html"
    return None


def _kind_from_bytes(head: bytes) -> Kind:
    if looks_like_warc(head):
        return "warc"
    if looks_like_html(head):
        return "html"
    if looks_like_jsonl(head):
        return "jsonl"
    return "text"


def _gunzip_head(head: bytes) -> bytes:
    """The first decompressed bytes of a gzip stream (best effort: for sniffing only)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
    except zlib.error:
        return b""


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _too_large(name: str, limit: int, size: int | None = None) -> InputError:
    measured = f"{_megabytes(size)}" if size is not None else f"more than {_megabytes(limit)}"
    return InputError(name, f"too large: {measured}, limit {_megabytes(limit)} (see --max-bytes)")


def _read_limited(stream: ByteStream, name: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, limit)
    return data


def _gunzip_limited(data: bytes, name: str, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return _read_limited(stream, name, limit)
    except EOFError:
        raise InputError(name, "truncated gzip: the compressed data ends early") from None
    except (OSError, zlib.error) as error:
        raise InputError(name, f"damaged gzip: {error}") from None


def _read_file_limited(path: Path, name: str, limit: int) -> bytes:
    with path.open("rb") as stream:
        return _read_limited(stream, name, limit)


def _gunzip_file_limited(path: Path, name: str, limit: int) -> bytes:
    """Decompress while reading, so neither the file nor its content is held past ``limit``."""
    try:
        with gzip.open(path, "rb") as stream:
            return _read_limited(stream, name, limit)
    except EOFError:
        raise InputError(name, "truncated gzip: the compressed data ends early") from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise InputError(name, f"damaged gzip: {error}") from None


def _document_from_bytes(data: bytes, name: str, kind: Kind, options: IngestOptions, url: str | None = None) -> Document:
    if kind == "html":
        return html_document(data, name, options, url=url)
    return Document(input=name, text=decode_text(data, name), url=url, origin="text")


def _from_bytes(data: bytes, name: str, options: IngestOptions, kind: Kind | None = None) -> Iterator[Document | InputError]:
    """Documents from an in-memory input (stdin, a fetched URL, a small file)."""
    if data.startswith(_GZIP_MAGIC):
        data = _gunzip_limited(data, name, options.max_bytes)
    kind = kind or _kind_from_bytes(data[:SNIFF_BYTES])
    if kind == "warc":
        yield from iter_warc(io.BytesIO(data), name, options)
    elif kind == "jsonl":
        yield from iter_records(io.BytesIO(data), name, options)
    else:
        if len(data) > options.max_bytes:
            raise _too_large(name, options.max_bytes, len(data))
        yield _document_from_bytes(data, name, kind, options)


def _kind_of(name: str, read_head: Callable[[], bytes]) -> Kind:
    """A file's kind from its base name, else from its first (decompressed) bytes, which
    ``read_head`` gives only when the name says nothing."""
    kind = _kind_from_name(name)
    if kind is not None:
        return kind
    head = read_head()
    if head.startswith(_GZIP_MAGIC):
        head = _gunzip_head(head)
    return _kind_from_bytes(head)


def _file_kind(path: Path) -> Kind:
    def read_head() -> bytes:
        with path.open("rb") as stream:
            return stream.read(SNIFF_BYTES)

    return _kind_of(path.name, read_head)


def _iter_jsonl(open_stream: Callable[[], AbstractContextManager[ByteStream]], name: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Records of a JSONL file, opened (and gunzipped) by ``open_stream``; damage ends the
    file with an error in place of the rest."""
    lines_read = 0
    try:
        with open_stream() as stream:
            for item in iter_records(stream, name, options):
                lines_read += 1
                yield item
    except EOFError:
        yield InputError(name, f"truncated gzip: the file ends early (after {lines_read} records)")
    except (OSError, zlib.error) as error:
        yield InputError(name, f"damaged file after {lines_read} records: {error}")


def _iter_jsonl_file(path: Path, name: str, options: IngestOptions) -> Iterator[Document | InputError]:
    compressed = path.name.lower().endswith(".gz")
    return _iter_jsonl(lambda: gzip.open(path, "rb") if compressed else path.open("rb"), name, options)


def read_file(path: Path, options: IngestOptions) -> Iterator[Document | InputError]:
    """Every document in one file, errors in their place."""
    name = str(path)
    try:
        kind = _file_kind(path)
        if kind == "warc":
            with path.open("rb") as stream:
                yield from iter_warc(stream, name, options)
            return
        if kind == "jsonl":
            yield from _iter_jsonl_file(path, name, options)
            return
        compressed = path.name.lower().endswith(".gz")
        size = path.stat().st_size
        if not compressed and size > options.max_bytes:
            raise _too_large(name, options.max_bytes, size)
        if size == 0:
            raise InputError(name, "empty file")
        data = _gunzip_file_limited(path, name, options.max_bytes) if compressed else _read_file_limited(path, name, options.max_bytes)
        yield _document_from_bytes(data, name, kind, options)
    except InputError as error:
        yield error
    except PermissionError:
        yield InputError(name, "permission denied")
    except IsADirectoryError:
        yield InputError(name, "is a directory")
    except OSError as error:
        yield InputError(name, f"cannot read: {error.strerror or error}")


def bytes_kind(data: bytes, name: str) -> Kind:
    """The kind of a file held in memory: from its name, else from its first (decompressed)
    bytes; the same decision :func:`read_file` makes on disk."""
    return _kind_of(name.rsplit("/", 1)[-1], lambda: data[:SNIFF_BYTES])


def _iter_jsonl_bytes(data: bytes, name: str, options: IngestOptions) -> Iterator[Document | InputError]:
    compressed = name.lower().endswith(".gz")
    return _iter_jsonl(lambda: gzip.GzipFile(fileobj=io.BytesIO(data)) if compressed else io.BytesIO(data), name, options)


def read_bytes(data: bytes, name: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Every document in a file's bytes, errors in their place: what :func:`read_file`
    yields for the same file on disk (``name`` stands for its path). For readers that get
    files as bytes, such as Spark executors."""
    try:
        kind = bytes_kind(data, name)
        if kind == "warc":
            yield from iter_warc(io.BytesIO(data), name, options)
            return
        if kind == "jsonl":
            yield from _iter_jsonl_bytes(data, name, options)
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


#: Files a folder walk passes over: annotations, tables, images, archives, code. A
#: file named on the command line is still read whatever its name.
NOT_ARTICLE_SUFFIXES = (
    ".ann", ".tsv", ".csv", ".parquet", ".db", ".sqlite", ".db-wal", ".db-shm", ".png", ".jpg", ".jpeg",
    ".gif", ".webp", ".svg", ".ico", ".pdf", ".zip", ".tar", ".7z", ".css", ".js", ".pyc", ".part",
)


def _walk(folder: Path, recursive: bool) -> Iterator[Path]:
    """Files of a folder in name order; hidden files and folders, and files that are
    plainly not articles (see NOT_ARTICLE_SUFFIXES), left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        for file_name in sorted(files):
            if not file_name.startswith(".") and not file_name.lower().endswith(NOT_ARTICLE_SUFFIXES):
                yield Path(root) / file_name


def _has_glob(value: str) -> bool:
    return any(ch in value for ch in "*?[")


def _read_stdin(options: IngestOptions) -> Iterator[Document | InputError]:
    try:
        data = _read_limited(sys.stdin.buffer, STDIN_NAME, options.max_bytes)
        yield from _from_bytes(data, STDIN_NAME, options)
    except InputError as error:
        yield error


def _read_url(url: str, options: IngestOptions) -> Iterator[Document | InputError]:
    try:
        fetched = fetch(url, options)
        content_type = fetched.content_type or ""
        if content_type in ("text/html", "application/xhtml+xml"):
            yield html_document(fetched.body, url, options, url=fetched.url)
        elif content_type == "text/plain":
            yield _document_from_bytes(fetched.body, url, "text", options, url=fetched.url)
        else:
            for item in _from_bytes(fetched.body, url, options):
                if isinstance(item, Document) and item.url is None and item.input == url:
                    item.url = fetched.url
                yield item
    except InputError as error:
        yield error


def read_input(item: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Every document one command-line input stands for, in order."""
    if item == STDIN:
        yield from _read_stdin(options)
        return
    if is_url(item):
        yield from _read_url(item, options)
        return
    path = Path(item).expanduser()
    if path.is_dir():
        found = False
        for file_path in _walk(path, options.recursive):
            found = True
            yield from read_file(file_path, options)
        if not found:
            yield InputError(item, "folder holds no files")
        return
    if path.exists():
        yield from read_file(path, options)
        return
    if _has_glob(item):
        matches = sorted(glob.glob(os.path.expanduser(item), recursive=True))
        files = [Path(m) for m in matches if Path(m).is_file()]
        if not files:
            yield InputError(item, "no file matches this pattern")
        for file_path in files:
            yield from read_file(file_path, options)
        return
    yield InputError(item, "no such file or directory")
