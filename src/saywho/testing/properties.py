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
from typing import Any

from hypothesis import strategies as st

from saywho.errors import InputError
from saywho.models import ATTRIBUTION_TYPES

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

hostile_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400)
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
    from saywho.ingest.clean import clean_document
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
    from saywho.nlp.dates import resolve_date

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
        filters: dict[str, Any] = {field: value}  # any text in any field, as a client could send
        page = store.search(SearchQuery(**filters))
    except StoreError as error:
        assert str(error)
    else:
        assert page.total >= len(page.rows) >= 0
    assert store.counts() == before


# --- what reaches a terminal, a spreadsheet, or the importer (issue 21) -----------------

#: Pieces that rich would read as markup or emoji, terminal controls, and spreadsheet
#: formula starts: the material of hostile titles, names and quotes.
OUTPUT_PIECES = ["[", "]", "[/", "[bold]", "[/]", "[/r/politics]", "[link=https://evil.example/]", "[/link]", "\\",
                 "\\[", "\x1b]0;pwned\x07", "\x1b[31m", "\x1b[2J", "\x9b", "\x85", "\x00", "\x7f", "=", "+", "-",
                 "@", "\t", "\r", "\n", ":smile:", ":thumbs_up:", "%s", "{}", "\u202e", "\u200b", '"', ",", "'"]
output_text = st.lists(st.one_of(st.sampled_from(OUTPUT_PIECES), st.text(max_size=6)), max_size=12).map("".join)

#: Control characters no terminal output may carry (tab and newline are layout).
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@st.composite
def hostile_articles(draw):
    """An analysed article whose every field a user might see is hostile text."""
    from saywho.models import Article, Attribution, Speaker, SpeakerRef, TextSpan

    pieces = draw(st.lists(st.tuples(output_text, output_text, output_text, st.sampled_from(["person", "organization", "group"])),
                           min_size=0, max_size=4))
    text, attributions, speakers = "", [], []
    for n, (name, cue, content, kind) in enumerate(pieces):
        content = content or "x"
        start = len(text)
        text += content + " "
        cue_start = len(text)
        text += (cue or "said") + " "
        speakers.append(Speaker(f"s{n}", name or "x", kind, [name], [name]))
        attributions.append(Attribution(
            type=draw(st.sampled_from(ATTRIBUTION_TYPES)),
            content=TextSpan.from_ranges(text, [(start, start + len(content))]),
            cue=draw(st.sampled_from([None, TextSpan.from_ranges(text, [(cue_start, cue_start + len(cue or "said"))])])),
            source=None,
            speaker=draw(st.sampled_from([None, SpeakerRef(f"s{n}", name or "x", kind, [name])])),
            act=draw(st.sampled_from(["speech", "belief"])),
            confidence=0.5,
        ))
    return Article(input=draw(output_text) or "input", text=text or "x", title=draw(st.one_of(st.none(), output_text)),
                   published=draw(st.one_of(st.none(), output_text)), publisher=draw(st.one_of(st.none(), output_text)),
                   attributions=attributions, speakers=speakers)


def check_for_rich(text: str) -> None:
    """Escaped text reads back, as markup, as exactly the printable text: no tag, link or
    style of its own, whatever markup follows it."""
    from rich.text import Text

    from saywho.output import for_rich, printable

    escaped = for_rich(text)
    assert not _TERMINAL_CONTROLS.search(escaped)
    parsed = Text.from_markup(escaped + " [dim](input)[/dim]", emoji=False)
    # Only the markup that follows has an effect: the text opened no style, link or tag.
    assert [str(span.style) for span in parsed.spans] == ["dim"], parsed.spans
    assert parsed.plain.endswith(" (input)")
    # rich's escape shows "\\[" as "[" and doubles a trailing backslash: letters are kept.
    assert parsed.plain.replace("\\", "") == (printable(text) + " (input)").replace("\\", "")


def check_table(article) -> None:
    """The table for people: no exception for any text, no control character printed."""
    from saywho.cli.store import write_rows
    from saywho.output import attribution_rows, render_table

    for width in (40, 200):
        out = io.StringIO()
        render_table(article, out, width=width)
        assert not _TERMINAL_CONTROLS.search(out.getvalue().replace("\n", "")), repr(out.getvalue()[:300])
    rows = list(attribution_rows(article))
    out = io.StringIO()
    assert write_rows(rows, ("title", "speaker", "cue", "content", "publisher"), "table", out, title=article.title or "") == len(rows)
    assert not _TERMINAL_CONTROLS.search(out.getvalue().replace("\n", ""))


_CSV_TEXT_FIELDS = ("input", "title", "published", "publisher", "speaker", "cue", "content")


def check_csv(article, raw: bool) -> None:
    """CSV round-trips every cell: exactly, or (unless raw) with a leading quote on a cell a
    spreadsheet would run as a formula; no cell left that starts like a formula."""
    import csv

    from saywho.cli.store import write_rows
    from saywho.output import FORMULA_STARTS, Writer, attribution_rows

    expected = list(attribution_rows(article))
    out = io.StringIO(newline="")
    writer = Writer(out, "csv", raw_csv=raw)
    writer.write(article)
    got = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert len(got) == len(expected)
    for want, row in zip(expected, got):
        for field in _CSV_TEXT_FIELDS:
            value = want[field] or ""
            neutralised = not raw and value.startswith(FORMULA_STARTS)
            assert row[field] == ("'" + value if neutralised else value), (field, value, row[field])
            if not raw:
                assert not row[field].startswith(FORMULA_STARTS)
    out = io.StringIO(newline="")
    write_rows(expected, _CSV_TEXT_FIELDS, "csv", out, raw_csv=raw)
    for want, row in zip(expected, csv.DictReader(io.StringIO(out.getvalue(), newline=""))):
        for field in _CSV_TEXT_FIELDS:
            value = want[field] or ""
            assert row[field] == ("'" + value if not raw and value.startswith(FORMULA_STARTS) else value)


_json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=8)
_ARTICLE_KEYS = ["input", "text", "title", "published", "publisher", "authors", "attributions", "speakers", "dropped",
                 "raw", "content_hash", "language", "url"]


@st.composite
def exported_lines(draw) -> str:
    """A line of `saywho export`, whole or with fields dropped or replaced by any JSON, or not JSON at all."""
    record = draw(hostile_articles()).to_dict()
    for key in draw(st.lists(st.sampled_from(_ARTICLE_KEYS), max_size=3)):
        if draw(st.booleans()):
            record.pop(key, None)
        else:
            record[key] = draw(_json_value)
    if record.get("attributions") and isinstance(record["attributions"], list) and draw(st.booleans()):
        attribution = record["attributions"][0]
        if isinstance(attribution, dict):
            attribution[draw(st.sampled_from(["type", "content", "cue", "speaker", "when", "act"]))] = draw(_json_value)
    line = json.dumps(record, ensure_ascii=draw(st.booleans()))
    return draw(st.sampled_from([line, line[: draw(st.integers(0, len(line)))], json.dumps(draw(_json_value))]))


def check_import_record(line: str) -> None:
    """The importer's reader: an Article the output contract can write, or a ValueError
    saying why (one bad record), never any other exception."""
    from saywho.cli.store import read_exported_record

    try:
        article, key = read_exported_record(line)
    except ValueError as error:
        assert str(error)
        return
    assert isinstance(key, str) and key
    json.dumps(article.to_dict())
