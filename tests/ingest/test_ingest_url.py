"""http(s) URLs, against a server on 127.0.0.1 only: a page is fetched with our user
agent; a timeout, an HTTP error or a body over the limit is an error for that URL alone."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import FIXTURES
from saywho.errors import InputError
from saywho.ingest import IngestOptions, iter_documents
from saywho.models import Document

PAGE = (FIXTURES / "ingest" / "article.html").read_bytes()
TEXT = b"The ferry will keep running, the council said on Monday after a long public meeting."
#: The slow route stalls longer than the tests' timeout, and no longer than this in all.
STALL_SECONDS = 3.0


class Handler(BaseHTTPRequestHandler):
    seen_agents: list[str] = []

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Handler.seen_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/article":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/plain":
            self._send(200, TEXT, "text/plain; charset=utf-8")
        elif self.path == "/big":
            self._send(200, b"<html><body>" + b"x" * 300_000 + b"</body></html>", "text/html")
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            deadline = time.monotonic() + STALL_SECONDS
            try:
                while time.monotonic() < deadline:  # a trickle: never a full page
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(404, b"not found", "text/plain")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


OPTIONS = IngestOptions(languages=(), url_timeout=1.0, max_bytes=100_000, user_agent="saywho-test/1.0")


def test_html_url_becomes_a_document_fetched_with_our_user_agent(server):
    [doc] = iter_documents([f"{server}/article"], OPTIONS)
    assert isinstance(doc, Document) and doc.input == f"{server}/article"
    assert doc.title == "Library reopens after flood repairs" and doc.origin == "html"
    assert "saywho-test/1.0" in Handler.seen_agents


def test_plain_text_url_is_a_text_document(server):
    [doc] = iter_documents([f"{server}/plain"], OPTIONS)
    assert isinstance(doc, Document) and doc.origin == "text" and doc.text == TEXT.decode()
    assert doc.url == f"{server}/plain"


@pytest.mark.parametrize(
    "path, reason_part",
    [("/missing", "HTTP 404"), ("/big", "too large"), ("/slow", "timed out")],
)
def test_url_failures_are_errors_for_that_url_and_the_rest_goes_on(server, path, reason_part):
    started = time.monotonic()
    error, doc = iter_documents([f"{server}{path}", f"{server}/plain"], OPTIONS)
    assert isinstance(error, InputError) and error.input == f"{server}{path}"
    assert reason_part in error.reason
    assert isinstance(doc, Document)
    assert time.monotonic() - started < STALL_SECONDS


def test_unreachable_host_is_an_error():
    # Port 9 on loopback (discard) is closed on test machines: the connection is refused at once.
    [error] = iter_documents(["http://127.0.0.1:9/x"], OPTIONS)
    assert isinstance(error, InputError) and "could not fetch" in error.reason
