"""What must hold for any input, one check per entry point that takes outside data.

Each ``check_*`` takes one generated input and raises ``AssertionError`` when a
property breaks. The hypothesis tests (test_entry_points.py) and the coverage-guided
atheris harnesses (tests/fuzz/) drive the same checks, so a crash found by a long
fuzz run replays as an ordinary test.

The only exception allowed to escape an entry point is the documented
``InputError`` (one bad input, reported on one line); the store's own
``StoreError`` for a bad search filter; nothing else.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import io
import json
import re
from pathlib import Path

from hypothesis import strategies as st

from saywho.errors import InputError

# --- strategies ------------------------------------------------------------------

QUOTE_MARKS = ['"', "“", "”", "‘", "’", "'", "«", "»", "``", "''", "„", "‹", "›", "「", "」", "″"]
REPORTING_VERBS = ["said", "says", "told", "added", "asked", "warned", "wrote", "stated", "according to", "explained"]
#: Characters scraped text really carries and that break naive code: bidi controls,
#: zero-width joiners, BOMs, Unicode line separators, NUL, combining marks, emoji, RTL script.
HOSTILE_CHARS = [
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2028", "\u2029",
    "\x85", "\r", "\x0c", "\x0b", "\x00", "\t", "\u0301", "\U0001F600", "\U0001F3F3\uFE0F\u200D\U0001F308",
    "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "\u00a0", "\u3000", "\ufffd",
]
NEWS_WORDS = [
    "said", "told", "according to", "he", "she", "the minister", "Jane Ortiz", "Gen. Stephen Townsend", "warned",
    "that", "we", "will", "win", ",", ".", ":", ";", "Tuesday", "on Monday", "last week", "—", "―", "(", ")",
    "a spokesman", "the company", "Mr.", "U.S.", "2016", "May 3", "...", "…", "-", "*", "#", "|",
]
JUNK_LINES = [
    "Share on Facebook", "Twitter", "Read more", "Subscribe to our newsletter", "© 2017 Example News",
    "Home | News | Sport | Weather", "Advertisement", "Comments (3)", "We use cookies to improve your experience",
    "* Menu", "## Related stories", "Reply", "Leave a comment", "**jane99** says:", "---", "Tags: politics",
    "fbicon twicon gplusicon mailicon printicon shareicon", "1. Top ten quotes of the year...",
]

hostile_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
news_token = st.one_of(
    st.sampled_from(NEWS_WORDS), st.sampled_from(QUOTE_MARKS), st.sampled_from(HOSTILE_CHARS), st.sampled_from(REPORTING_VERBS)
)
news_line = st.lists(news_token, max_size=30).map(" ".join)
scraped_line = st.one_of(news_line, st.sampled_from(JUNK_LINES), st.just(""), hostile_text.map(lambda t: t[:80]))
scraped_text = st.tuples(st.lists(scraped_line, max_size=25), st.sampled_from(["\n", "\r\n", "\n\n"])).map(
    lambda parts: parts[1].join(parts[0])
)
article_text = st.one_of(scraped_text, hostile_text)

# --- text cleaning ---------------------------------------------------------------

_PROTECTED_MARKS = "\"“”«»„‹›‘"
#: A quote mark, then later on the same line a reporting verb: the shape of an attribution.
PROTECTED_LINE = re.compile(
    rf"[{_PROTECTED_MARKS}].*\b(?:{'|'.join(re.escape(v) for v in REPORTING_VERBS)})\b", re.IGNORECASE
)


def _lines_with_offsets(text: str):
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, offset + len(line), line
        offset += len(line)


def check_clean(text: str, raw: bool = False, keep_junk: bool = False) -> None:
    from saywho.clean import clean_document
    from saywho.models import Document

    try:
        cleaned = clean_document(Document(input="fuzz.txt", text=text, origin="text"), raw=raw, keep_junk=keep_junk)
    except InputError as error:
        assert error.input == "fuzz.txt" and error.reason
        assert not keep_junk, "nothing is dropped with keep_junk, so nothing can be all junk"
        assert not any(PROTECTED_LINE.search(line) for _, _, line in _lines_with_offsets(text)), "a quote was called junk"
        return
    assert len(cleaned.analysed) == len(cleaned.text), "analysed text and output text must share offsets"
    if raw:
        assert cleaned.text == text
    if keep_junk:
        assert cleaned.dropped == [] and cleaned.text == text
    previous_end = 0
    for dropped in cleaned.dropped:
        assert previous_end <= dropped.start < dropped.end <= len(text), dropped
        assert dropped.text == text[dropped.start : dropped.end] and dropped.reason
        previous_end = dropped.end
    for start, end, line in _lines_with_offsets(text):
        if PROTECTED_LINE.search(line):
            hit = [d for d in cleaned.dropped if d.start < end and start < d.end]
            assert not hit, f"dropped a quoted line {line!r} as {hit[0].reason!r}"


# --- extraction ------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _extractor(raw: bool):
    from saywho.pipeline import Extractor, Options

    return Extractor(Options(raw=raw))


@functools.lru_cache(maxsize=1)
def _schema_validator():
    import jsonschema

    from saywho.schema import article_schema

    schema = article_schema()
    return jsonschema.validators.validator_for(schema)(schema)


def check_span(text: str, span) -> None:
    assert span.spans, span
    previous_end = 0
    for start, end in span.spans:
        assert previous_end <= start < end <= len(text), span
        previous_end = end
    assert span.text == " ".join(text[s:e] for s, e in span.spans), span


def check_article(article) -> None:
    text = article.text
    speaker_ids = {s.id for s in article.speakers}
    for attribution in article.attributions:
        for role in (attribution.content, attribution.cue, attribution.source):
            if role is not None:
                check_span(text, role)
        if attribution.when is not None:
            start, end = attribution.when.span
            assert 0 <= start < end <= len(text) and text[start:end] == attribution.when.text, attribution.when
        if attribution.speaker is not None:
            assert attribution.speaker.id in speaker_ids, attribution.speaker
        assert 0.0 <= attribution.confidence <= 1.0
    for dropped in article.dropped:
        assert 0 <= dropped.start < dropped.end and dropped.reason
    errors = sorted(_schema_validator().iter_errors(json.loads(json.dumps(article.to_dict()))), key=str)
    assert not errors, errors[0].message


def check_extract(text: str, raw: bool = False, published: str | None = None) -> None:
    extractor = _extractor(raw)
    try:
        article = extractor.extract(text, published=published, input="fuzz.txt")
    except InputError as error:
        assert error.input == "fuzz.txt" and error.reason
        return
    check_article(article)
    if raw:
        assert article.text == text
    again = extractor.extract(text, published=published, input="fuzz.txt")
    assert again.to_dict() == article.to_dict(), "extraction is not deterministic"


# --- ingest readers --------------------------------------------------------------


def _ingest_options(max_bytes: int | None = None):
    from saywho.ingest import IngestOptions

    return IngestOptions() if max_bytes is None else IngestOptions(max_bytes=max_bytes)


def _check_outcomes(items, container: str) -> list:
    from saywho.models import Document

    items = list(items)
    for item in items:
        assert isinstance(item, (Document, InputError)), type(item)
        if isinstance(item, Document):
            assert item.text.strip() and item.input.startswith(container)
        else:
            assert item.reason and item.input.startswith(container)
    return items


def check_decode(data: bytes) -> None:
    from saywho.ingest.decode import decode_text

    try:
        text = decode_text(data, "fuzz.txt")
    except InputError as error:
        assert error.input == "fuzz.txt" and error.reason
        return
    assert isinstance(text, str) and text.strip()


def check_html(data: bytes) -> None:
    from saywho.ingest.html import html_document

    try:
        document = html_document(data, "fuzz.html", _ingest_options())
    except InputError as error:
        assert error.input == "fuzz.html" and error.reason
        return
    assert document.text.strip() and document.origin == "html"
    if document.title:
        assert document.text.startswith(document.title)


def check_jsonl(data: bytes, max_bytes: int) -> None:
    """Never raises; one outcome per non-blank line; the bounded line reader gives exactly
    what reading whole lines gives."""
    from saywho.ingest.records import iter_records

    options = _ingest_options(max_bytes)
    streamed = _check_outcomes(iter_records(io.BytesIO(data), "fuzz.jsonl", options), "fuzz.jsonl")
    split = _check_outcomes(iter_records(list(io.BytesIO(data)), "fuzz.jsonl", options), "fuzz.jsonl")
    assert [_outcome(i) for i in streamed] == [_outcome(i) for i in split]
    assert len(streamed) <= data.count(b"\n") + 1


def _outcome(item) -> tuple:
    return (type(item).__name__, item.input, getattr(item, "reason", None), getattr(item, "text", None))


def check_warc(data: bytes) -> None:
    from saywho.ingest.warc import iter_warc

    _check_outcomes(iter_warc(io.BytesIO(data), "fuzz.warc", _ingest_options()), "fuzz.warc")


def check_truncated_warc(whole: bytes, cut: int) -> None:
    """A WARC cut short anywhere still yields every page whose record was complete, in order,
    then at most one error for the damage."""
    from saywho.ingest.warc import iter_warc
    from saywho.models import Document

    options = _ingest_options()
    full = [i.input for i in iter_warc(io.BytesIO(whole), "fuzz.warc", options) if isinstance(i, Document)]
    items = _check_outcomes(iter_warc(io.BytesIO(whole[:cut]), "fuzz.warc", options), "fuzz.warc")
    pages = [i.input for i in items if isinstance(i, Document)]
    assert pages == full[: len(pages)], "a truncated WARC changed the pages before the damage"


def check_read_file(data: bytes, suffix: str, folder: Path) -> None:
    from saywho.ingest import iter_documents

    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    _check_outcomes(iter_documents([str(path)], _ingest_options()), str(path))


# --- WARC building (for the generators) -------------------------------------------


def warc_record(url: str, body: bytes, *, status: int = 200, content_type: str = "text/html", record_id: int = 1) -> bytes:
    http = (f"HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    header = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{record_id:012d}>\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"


def html_page(title: str, paragraphs: list[str]) -> bytes:
    import html

    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"<html><head><title>{html.escape(title)}</title></head><body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>".encode()


warc_pages = st.lists(
    st.tuples(st.lists(news_line, min_size=1, max_size=6), st.sampled_from([200, 200, 404, 301]),
              st.sampled_from(["text/html", "text/html; charset=utf-8", "image/png", "application/xhtml+xml"])),
    min_size=1, max_size=5,
)


def warc_bytes(pages, compressed: bool) -> bytes:
    records = []
    for index, (paragraphs, status, content_type) in enumerate(pages, 1):
        body = html_page(f"Page {index}", ["Jane Ortiz said the council would meet again on Tuesday. " * 2, *paragraphs])
        record = warc_record(f"https://news.example/{index}", body, status=status, content_type=content_type, record_id=index)
        records.append(gzip.compress(record) if compressed else record)
    return b"".join(records)


# --- dates -----------------------------------------------------------------------

DATE_WORDS = ["on", "Tuesday", "last", "week", "month", "year", "ago", "May", "3", "2016", "yesterday", "today",
              "in", "the", "morning", "30", "February", "1999", "-", "/", ".", "12:30", "pm", "next", "earlier", "this"]
date_expression = st.one_of(st.lists(st.sampled_from(DATE_WORDS), max_size=6).map(" ".join), hostile_text.map(lambda t: t[:60]))
published_value = st.one_of(st.none(), st.dates().map(dt.date.isoformat), st.datetimes().map(dt.datetime.isoformat),
                            hostile_text.map(lambda t: t[:30]))


def check_resolve_date(expression: str, published: str | None) -> None:
    from saywho.dates import resolve_date

    resolved = resolve_date(expression, published)
    if resolved is None:
        return
    assert published, "nothing resolves without a publication date"
    date = dt.date.fromisoformat(resolved)
    assert date <= dt.date.fromisoformat(published[:10]), "a statement cannot be dated after publication"


# --- search ----------------------------------------------------------------------

SQL_INJECTIONS = [
    "'; DROP TABLE articles; --", "\" OR 1=1 --", "' OR '1'='1", "1; DELETE FROM attributions", "%", "_", "\\", "*",
    "NEAR(a b)", "a OR b", "a AND NOT b", "col:term", "^a", "a*", "\"unbalanced", "')) UNION SELECT * FROM tags --",
    "$1", "?", "%s", "%(x)s", "\x00", "-1", "9" * 30, "ﬁ", "İ", "\u202e", "😀",
]
search_text = st.one_of(st.sampled_from(SQL_INJECTIONS), hostile_text.map(lambda t: t[:200]),
                        st.lists(st.sampled_from(SQL_INJECTIONS + NEWS_WORDS), max_size=8).map(" ".join))
SEARCH_FIELDS = ("text", "speaker", "publisher", "since", "until", "type", "kind", "tag")


def check_search_terms(text: str) -> None:
    from saywho.store.store import fts5_query, search_terms

    terms = search_terms(text)
    for term in terms:
        assert term and re.fullmatch(r"\w+(?: \w+)*", term), term
    query = fts5_query(text)
    assert query.count('"') == 2 * len(terms)


def check_search(store, field: str, value: str) -> None:
    """Any value in any filter: results or the store's own StoreError, and the data unchanged."""
    from saywho.store import SearchQuery, StoreError

    before = store.counts()
    try:
        page = store.search(SearchQuery(**{field: value}))
    except StoreError as error:
        assert str(error)
    else:
        assert page.total >= len(page.rows) >= 0
    assert store.counts() == before
