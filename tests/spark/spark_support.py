"""Helpers of the Spark tests: the skip rule and the small mixed corpus.

Tests that need Spark skip with the reason when PySpark or Java is missing
(``pip install -e '.[spark]'``; ``bash .ci/java.sh``).
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import shutil
import uuid
from pathlib import Path

import pytest

from conftest import FIXTURES

NEWS = FIXTURES / "spark" / "news"
#: Local cores of the test session: two, so work really is split between Python workers.
TEST_CORES = 2


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def _missing_for_spark() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (pip install -e '.[spark]')"
    if _java() is None:
        return "Java is not installed (bash .ci/java.sh installs Debian's openjdk-17-jre-headless)"
    return None


SPARK_MISSING = _missing_for_spark()
needs_spark = pytest.mark.skipif(SPARK_MISSING is not None, reason=SPARK_MISSING or "")


def warc_record(url: str, payload: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK") -> bytes:
    """One gzipped WARC/1.0 response record, as Common Crawl writes them."""
    block = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.UUID(int=len(url) * 7919 + len(payload))}>\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-03-14T10:00:00Z\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return gzip.compress(head + block + b"\r\n\r\n")


def build_corpus(root: Path) -> Path:
    """The fixture folder plus the compressed kinds made on the fly: a WARC.gz crawl with a
    page, an image and a 404; a gzipped text file; a gzip cut short."""
    corpus = root / "news"
    shutil.copytree(NEWS, corpus)
    page = (NEWS / "wire" / "court-ruling.html").read_bytes()
    crawl = corpus / "crawl" / "courier.warc.gz"
    crawl.parent.mkdir()
    crawl.write_bytes(
        warc_record("https://courier.example.org/news/quarry-ruling", page)
        + warc_record("https://courier.example.org/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
        + warc_record("https://courier.example.org/gone", b"<html>gone</html>", status="404 Not Found")
        + warc_record(
            "https://courier.example.org/news/quarry-appeal",
            page.replace(b"2024-03-14", b"2024-04-02").replace(b"disappointed", b"determined to appeal"),
        )
    )
    text = (NEWS / "local" / "library-hours.txt").read_bytes().replace(b"Northfield", b"Southfield")
    (corpus / "local" / "library-south.txt.gz").write_bytes(gzip.compress(text))
    (corpus / "local" / "cut-short.txt.gz").write_bytes(gzip.compress(text)[:40])
    return corpus
