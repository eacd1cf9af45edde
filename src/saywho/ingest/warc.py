"""WARC and WARC.gz (as Common Crawl's CC-NEWS): each HTML response record is a page.

fastwarc reads the container. A damaged or truncated file yields an ``InputError``
where the damage is, after every whole record before it; records that are not HTML
pages are ``SkippedInput`` with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from saywho.errors import InputError
from saywho.ingest.html import html_document, looks_like_html
from saywho.ingest.options import IngestOptions
from saywho.ingest.outcomes import SkippedInput
from saywho.models import Document

HTML_TYPES = ("text/html", "application/xhtml+xml")
_PAGE_RECORDS = WarcRecordType.response | WarcRecordType.resource


def looks_like_warc(head: bytes) -> bool:
    return head.lstrip(b"\r\n").startswith(b"WARC/")


def _record_name(container: str, record: WarcRecord, index: int) -> str:
    record_id = (record.record_id or "").strip("<>") or f"record-{index}"
    return f"{container}#{record_id}"


def _http_payload(block: bytes) -> WarcRecord:
    """Parse an HTTP response held in ``block`` (headers, de-chunking, content decoding) with fastwarc."""
    header = (
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % len(block)
    )
    record = WarcRecord.from_bytes(header + block + b"\r\n\r\n")
    record.parse_http(auto_decode="all")
    return record


def _page(record: WarcRecord, block: bytes, name: str, options: IngestOptions) -> Document:
    """The article of one whole response/resource record, or an error saying why not."""
    target = record.headers.get("WARC-Target-URI") or None
    if record.record_type == WarcRecordType.resource:
        content_type = (record.headers.get("Content-Type") or "").split(";")[0].strip().lower() or None
        payload = block
    else:
        try:
            http = _http_payload(block)
        except OSError as error:
            raise InputError(name, f"HTTP response could not be parsed ({error})") from None
        status = http.http_headers.status_code if http.http_headers is not None else None
        if status is None:
            raise InputError(name, "record holds no HTTP response")
        if not 200 <= status < 300:
            raise SkippedInput(name, f"HTTP status {status}, not a page")
        content_type = (http.http_content_type or "").lower() or None
        payload = http.reader.read()
    if content_type not in HTML_TYPES and not (content_type is None and looks_like_html(payload)):
        raise SkippedInput(name, f"not an HTML page ({content_type or 'no content type'})")
    return html_document(payload, name, options, url=target)


def iter_warc(stream: BinaryIO, container: str, options: IngestOptions) -> Iterator[Document | InputError]:
    """Documents from the HTML response records of a WARC stream (gzip detected by fastwarc)."""
    index = 0
    try:
        for index, record in enumerate(ArchiveIterator(stream, record_types=_PAGE_RECORDS, parse_http=False), 1):
            name = _record_name(container, record, index)
            expected = record.content_length
            if expected > options.max_bytes:
                record.reader.consume()
                yield InputError(name, f"record too large: {expected:,} bytes, limit {options.max_bytes:,}")
                continue
            if expected == 0 or (record.record_type == WarcRecordType.response and not record.is_http):
                yield InputError(container, f"damaged WARC: record {index} has no content; reading stops here")
                return
            block = record.reader.read()
            # A block shorter than its Content-Length means the file ends mid-record.
            if len(block) < expected:
                yield InputError(container, f"truncated WARC: record {index} is cut short; reading stops here")
                return
            try:
                yield _page(record, block, name, options)
            except InputError as error:
                yield error
    except (OSError, ValueError, AttributeError) as error:
        yield InputError(container, f"damaged WARC after {index} records: {error or type(error).__name__}")
