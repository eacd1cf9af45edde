"""HTML page to Document: trafilatura finds the article body and its metadata,
htmldate (through trafilatura) the publication date. No boilerplate removal of our own."""

from __future__ import annotations

import trafilatura

from saywho.errors import InputError
from saywho.ingest.options import IngestOptions
from saywho.models import Document

#: htmldate settings: the date the article was first published, not last modified.
DATE_PARAMS = {"original_date": True, "extensive_search": True}

#: A "body" shorter than this is a menu or a caption that trafilatura fell back on, not an article.
MIN_BODY_WORDS = 10

#: Tags that only HTML starts with; looked for near the start of the data.
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")
_HTML_TAGS = (b"<html", b"<head", b"<body")


def looks_like_html(data: bytes) -> bool:
    """Sniff: does the start of ``data`` look like an HTML document (not text that mentions a tag)?"""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<!--"):
        head = head[head.find(b"-->") + 3 :].lstrip()
    if not head.startswith(b"<"):
        return False
    return head.startswith(_HTML_STARTS[:4]) or any(tag in head for tag in _HTML_TAGS)


def _authors(value: str | None) -> list[str]:
    if not value:
        return []
    return [name.strip() for name in value.split(";") if name.strip()]


def extract_body(html: bytes | str, *, url: str | None = None, favor_precision: bool = True):
    """trafilatura's extraction with metadata (a ``trafilatura.settings.Document``) or None."""
    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,  # readers' comments are not the article
        include_tables=True,
        favor_precision=favor_precision,
        date_extraction_params=DATE_PARAMS,
    )


def html_document(html: bytes | str, input: str, options: IngestOptions, *, url: str | None = None) -> Document:
    """The article in one HTML page, as ``title\\n\\nbody`` with its metadata.

    Raises ``InputError`` when the page holds no article text trafilatura can find.
    """
    if isinstance(html, bytes) and b"\x00" in html[:65536]:
        raise InputError(input, "binary data (NUL bytes), not an HTML page")
    try:
        extracted = extract_body(html, url=url, favor_precision=options.favor_precision)
    except Exception as error:  # lxml/trafilatura on pathological markup
        raise InputError(input, f"HTML could not be parsed ({type(error).__name__}: {error})") from None
    body = (extracted.text or "").strip() if extracted is not None else ""
    words = len(body.split())
    if words < MIN_BODY_WORDS:
        found = f" (only {words} words)" if words else ""
        raise InputError(input, f"no article text found in this HTML page{found}")
    title = (extracted.title or "").strip() or None
    if title is not None and body.startswith(title):
        body = body[len(title) :].lstrip()  # trafilatura kept the <h1>: it is the title paragraph
    text = f"{title}\n\n{body}" if title and body else body or title or ""
    return Document(
        input=input,
        text=text,
        title=title,
        published=extracted.date or None,
        url=extracted.url or url,
        publisher=extracted.sitename or extracted.hostname or None,
        authors=_authors(extracted.author),
        language=extracted.language or None,
        origin="html",
    )
