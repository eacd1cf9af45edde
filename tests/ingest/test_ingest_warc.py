"""WARC and WARC.gz crawls (CC-NEWS style): HTML response records become documents;
records that are not pages are skipped with a reason; damage is reported where it is."""

from __future__ import annotations

import gzip
import uuid

from conftest import FIXTURES
from saywho.errors import InputError
from saywho.ingest import IngestOptions, SkippedInput, iter_documents
from saywho.models import Document

PAGE = (FIXTURES / "ingest" / "article.html").read_bytes()
ALL_LANGUAGES = IngestOptions(languages=())


def warc_record(url: str, payload: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK", kind: str = "response") -> bytes:
    """One WARC/1.0 record as Common Crawl writes them (HTTP response inside)."""
    if kind == "response":
        block = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload
        block_type = "application/http; msgtype=response"
    else:
        block, block_type = payload, content_type
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2023-10-04T09:00:00Z\r\n"
        f"Content-Type: {block_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def crawl() -> list[bytes]:
    return [
        warc_record("https://example.org/robots.txt", b"", kind="warcinfo", content_type="application/warc-fields"),
        warc_record("https://courier.example.org/a", PAGE),
        warc_record("https://courier.example.org/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"),
        warc_record("https://courier.example.org/gone", b"<html>Not here</html>", status="404 Not Found"),
        warc_record("https://courier.example.org/b", PAGE.replace(b"Tuesday", b"Wednesday")),
    ]


def summary(results):
    return [(type(r).__name__, r.input.rsplit("#", 1)[-1][:8]) for r in results]


def test_plain_and_gzipped_warc_give_the_same_pages(tmp_path):
    records = crawl()
    plain = tmp_path / "crawl.warc"
    plain.write_bytes(b"".join(records))
    packed = tmp_path / "crawl.warc.gz"
    packed.write_bytes(b"".join(gzip.compress(r) for r in records))
    for path in (plain, packed):
        results = list(iter_documents([str(path)], ALL_LANGUAGES))
        assert [type(r).__name__ for r in results] == ["Document", "SkippedInput", "SkippedInput", "Document"]
        first, image, missing, second = results
        assert first.input.startswith(f"{path}#urn:uuid:")
        assert first.url == "https://courier.example.org/news/library-reopens"  # the page's canonical URL wins
        assert first.origin == "html" and first.title == "Library reopens after flood repairs"
        assert "not an HTML page (image/png)" in image.reason
        assert "HTTP status 404" in missing.reason
        assert "Wednesday" in second.text


def test_warc_is_recognised_without_its_extension(tmp_path):
    path = tmp_path / "crawl.bin"
    path.write_bytes(gzip.compress(b"".join(crawl())))
    assert sum(isinstance(r, Document) for r in iter_documents([str(path)], ALL_LANGUAGES)) == 2


def test_truncated_warc_gz_keeps_whole_records_and_reports_the_cut(tmp_path):
    members = [gzip.compress(r) for r in crawl()]
    data = b"".join(members)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) - 200])  # the last page loses its end
    results = list(iter_documents([str(path), str(FIXTURES / "ingest" / "article.html")], ALL_LANGUAGES))
    assert [type(r).__name__ for r in results] == ["Document", "SkippedInput", "SkippedInput", "InputError", "Document"]
    assert results[3].input == str(path) and "truncated" in results[3].reason


def test_a_record_over_the_size_limit_is_an_error_and_the_rest_is_read(tmp_path):
    huge = b"<html><body><p>" + b"word " * 40_000 + b"</p></body></html>"
    path = tmp_path / "big.warc"
    path.write_bytes(warc_record("https://x.example/huge", huge) + warc_record("https://x.example/a", PAGE))
    results = list(iter_documents([str(path)], IngestOptions(languages=(), max_bytes=100_000)))
    assert [type(r).__name__ for r in results] == ["InputError", "Document"]
    assert "too large" in results[0].reason


def test_a_resource_record_with_html_is_a_page(tmp_path):
    path = tmp_path / "resource.warc"
    page = PAGE.replace(b'<link rel="canonical" href="https://courier.example.org/news/library-reopens">', b"")
    path.write_bytes(warc_record("https://x.example/r", page, content_type="text/html", kind="resource"))
    [doc] = iter_documents([str(path)], ALL_LANGUAGES)
    assert isinstance(doc, Document) and doc.url == "https://x.example/r"  # no canonical link: the crawled URL


def test_garbage_with_a_warc_name_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "fake.warc.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00not really gzip at all")
    results = list(iter_documents([str(path)], ALL_LANGUAGES))
    assert all(isinstance(r, InputError) and not isinstance(r, SkippedInput) for r in results)
