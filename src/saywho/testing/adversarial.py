"""Hostile inputs, each made at run time (nothing large is committed), and what saywho must do.

Every case writes its input files into a folder, names the ingest and analysis
options to read them with, and checks the outcomes: the articles and per-input
errors that ``iter_documents`` + ``analyse_parallel`` give, in order. The same
cases run as tests (test_adversarial.py) and, one fresh process each with time and
peak memory measured, as the table in docs/reliability.md (scripts/adversarial.py).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saywho.errors import InputError
from saywho.models import Article
from saywho.testing.properties import QUOTE_MARKS, check_article, html_page, warc_record

Outcome = Article | InputError

SENTENCE = '"We will not give up on this city," Mayor Ana Ruiz said on Tuesday, adding that the council would meet again. '
MB = 1_000_000


@dataclass(frozen=True)
class Case:
    name: str
    #: What the input is, for the table.
    input: str
    #: Writes the input files into the folder; returns the inputs to name (paths).
    make: Callable[[Path], list[str]]
    #: Checks the outcomes; returns a one-line description of the behaviour for the table.
    expect: Callable[[list[Outcome]], str]
    ingest: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=dict)
    #: Takes more than a few seconds (large inputs).
    slow: bool = False


def run_case(case: Case, folder: Path) -> list[Outcome]:
    """Make the case's inputs in ``folder``, then read and analyse them."""
    return analyse_inputs(case, case.make(folder))


def analyse_inputs(case: Case, inputs: list[str]) -> list[Outcome]:
    """The inputs through ingest and analysis, as ``saywho extract`` reads them."""
    from saywho.ingest import IngestOptions, iter_documents
    from saywho.pipeline import Options, analyse_parallel

    items = iter_documents(inputs, IngestOptions(**case.ingest))
    return list(analyse_parallel(items, Options(**case.analysis), jobs=1))


# --- helpers for the expectations --------------------------------------------------


def _articles(outcomes: list[Outcome]) -> list[Article]:
    articles = [o for o in outcomes if isinstance(o, Article)]
    for article in articles:
        check_article(article)
    return articles


def _errors(outcomes: list[Outcome]) -> list[InputError]:
    return [o for o in outcomes if isinstance(o, InputError)]


def _kinds(outcomes: list[Outcome]) -> list[str]:
    return ["article" if isinstance(o, Article) else "error" for o in outcomes]


def _no_internal_errors(outcomes: list[Outcome]) -> None:
    internal = [e for e in _errors(outcomes) if "internal error" in e.reason]
    assert not internal, internal[0]


def _one_error(containing: str) -> Callable[[list[Outcome]], str]:
    def expect(outcomes: list[Outcome]) -> str:
        assert _kinds(outcomes) == ["error"], outcomes
        error = outcomes[0]
        assert isinstance(error, InputError) and containing in error.reason, error
        return f"per-input error: “{error.reason}”"

    return expect


def _articles_only(minimum_attributions: int = 0) -> Callable[[list[Outcome]], str]:
    def expect(outcomes: list[Outcome]) -> str:
        _no_internal_errors(outcomes)
        assert _kinds(outcomes) == ["article"] * len(outcomes) and outcomes, outcomes
        found = sum(len(a.attributions) for a in _articles(outcomes))
        assert found >= minimum_attributions, found
        return f"{len(outcomes)} article(s), {found} attributions, every span valid"

    return expect


def _sequence(expected: list[str], *error_words: str) -> Callable[[list[Outcome]], str]:
    """Outcomes in this order (article/error); each error's reason holds its word."""

    def expect(outcomes: list[Outcome]) -> str:
        _no_internal_errors(outcomes)
        assert _kinds(outcomes) == expected, (_kinds(outcomes), outcomes)
        _articles(outcomes)
        for error, word in zip(_errors(outcomes), error_words):
            assert word in error.reason, error
        reasons = "; ".join(f"“{e.reason}”" for e in _errors(outcomes))
        return f"per-input error {reasons}; the other {expected.count('article')} article(s) kept"

    return expect


# --- the inputs --------------------------------------------------------------------


def _write(folder: Path, name: str, data: bytes) -> list[str]:
    path = folder / name
    path.write_bytes(data)
    return [str(path)]


def _unbalanced_quotes(folder: Path) -> list[str]:
    lines = []
    for mark in QUOTE_MARKS:
        lines.append(f"{mark}We will win the vote, Jane Ortiz said on Tuesday after the meeting in the town hall.")
        lines.append(f"We will win the vote{mark} Jane Ortiz said, and she repeated it {mark}{mark} twice.")
        lines.append(f"The minister said {mark}nothing{mark}{mark} would change{mark} and left.")
    lines.append('“‘“Nested ‘deep’ “deeper” quotes that never close, the spokesman told reporters.')
    lines.append('"Straight then curly” and «guillemets" mixed ‹up›», Ann Lee said.')
    return _write(folder, "unbalanced.txt", "\n\n".join(lines).encode())


def _nested_quotes(folder: Path, depth: int = 500) -> list[str]:
    opening, closing = "“‘" * (depth // 2), "’”" * (depth // 2)
    text = f"{opening}We will win the vote in the town hall this year{closing}, Ann Lee said on Tuesday.\n"
    return _write(folder, "nested-quotes.txt", (text * 3).encode())


def _single_line(size: int) -> bytes:
    return (SENTENCE.encode() * (size // len(SENTENCE) + 1))[:size]


def _deep_html(folder: Path, depth: int = 100_000) -> list[str]:
    paragraph = f"<p>{SENTENCE * 5}</p>"
    return _write(folder, "deep.html", f"<html><body>{'<div>' * depth}{paragraph}{'</div>' * depth}</body></html>".encode())


def _gzip_of_zeros(size: int, line: bytes = b"") -> bytes:
    """A gzip stream of ``size`` zero bytes (built from a repeated compressed block, so
    making a gigabyte bomb takes milliseconds), with an optional normal line after it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    parts = [compressor.compress(block) for _ in range(size // MB)]
    parts.append(compressor.compress(line))
    parts.append(compressor.flush())
    return b"".join(parts)


def _text_bomb(folder: Path) -> list[str]:
    return _write(folder, "bomb.txt.gz", _gzip_of_zeros(1000 * MB))


def _jsonl_bomb(folder: Path) -> list[str]:
    good = json.dumps({"id": "after", "text": SENTENCE * 3}).encode() + b"\n"
    return _write(folder, "bomb.jsonl.gz", _gzip_of_zeros(1000 * MB, b"\n" + good))


def _warc_bomb(folder: Path) -> list[str]:
    """A .warc.gz whose first record claims (and holds) a gigabyte, then a normal page."""
    size = 1000 * MB
    header = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
        f"WARC-Target-URI: https://news.example/bomb\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = compressor.compress(header) + b"".join(compressor.compress(bytes(MB)) for _ in range(size // MB))
    bomb += compressor.compress(b"\r\n\r\n") + compressor.flush()
    page = gzip.compress(warc_record("https://news.example/ok", html_page("A page", [SENTENCE * 3]), record_id=2))
    return _write(folder, "bomb.warc.gz", bomb + page)


def _invalid_utf8(folder: Path) -> list[str]:
    data = SENTENCE.encode() + b"\xff\xfe\x80 broken bytes \xc3\x28 here. " + SENTENCE.encode()
    return _write(folder, "invalid-utf8.txt", data * 5)


def _mixed_encodings(folder: Path) -> list[str]:
    utf8 = "“We will rebuild the café,” Zoë Müller said on Tuesday.\n".encode()
    cp1252 = "“The résumé is ready,” Renée Dupré told reporters.\n".encode("cp1252")
    return _write(folder, "mixed.txt", (utf8 + cp1252) * 5)


def _jsonl_with_bad_line(folder: Path) -> list[str]:
    good = json.dumps({"text": SENTENCE * 2}).encode()
    bad = b'{"text": "caf\xe9 au lait, ' + SENTENCE.encode().replace(b'"', b"'") + b'"}'
    return _write(folder, "bad-line.jsonl", b"\n".join([good, bad, good.replace(b"city", b"town")]) + b"\n")


def _nul_text(folder: Path) -> list[str]:
    return _write(folder, "nul.txt", (SENTENCE.encode() + b"\x00\x00") * 10)


def _nul_in_jsonl(folder: Path) -> list[str]:
    record = {"id": "nul", "text": (SENTENCE + "\u0000 ") * 3}
    return _write(folder, "nul.jsonl", json.dumps(record).encode() + b"\n")


def _rtl_zero_width(folder: Path) -> list[str]:
    text = (
        "\u202e“We will win,\u200b” Jane\u200d Ortiz said.\u2066 \u05e9\u05dc\u05d5\u05dd\u2069\n\n"
        "\ufeff«\u0645\u0631\u062d\u0628\u0627 bi-kum,» Ali Hassan told reporters\u200c on Monday.\u2028"
        "“Zero\u200bwidth\u200b everywhere,” the mayor\u00a0said\u3000today. 🏳️‍🌈\n"
    )
    return _write(folder, "rtl.txt", (text * 4).encode())


def _jsonl_100mb_line(folder: Path) -> list[str]:
    good = json.dumps({"text": SENTENCE * 2}).encode()
    huge = b'{"text": "' + _single_line(100 * MB).replace(b'"', b"'") + b'"}'
    return _write(folder, "huge-line.jsonl", b"\n".join([good, huge, good.replace(b"city", b"town")]) + b"\n")


def _warc_pages(count: int) -> list[bytes]:
    return [
        warc_record(f"https://news.example/{i}", html_page(f"Page {i}", [SENTENCE.replace("city", f"city {i}") * 3]), record_id=i)
        for i in range(1, count + 1)
    ]


def _truncated_warc(folder: Path) -> list[str]:
    records = _warc_pages(3)
    whole = b"".join(records)
    return _write(folder, "truncated.warc", whole[: len(records[0]) + len(records[1]) + len(records[2]) // 2])


def _truncated_warc_gz(folder: Path) -> list[str]:
    members = [gzip.compress(r) for r in _warc_pages(3)]
    return _write(folder, "truncated.warc.gz", members[0] + members[1] + members[2][: len(members[2]) // 2])


def _truncated_warc_header(folder: Path) -> list[str]:
    records = _warc_pages(2)
    return _write(folder, "cut-header.warc", records[0] + records[1][:40])


def _binary(folder: Path) -> list[str]:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    return _write(folder, "picture.txt", png)


def _slow_tokens(folder: Path) -> list[str]:
    """Words of 99 apostrophes: every character becomes a token, the slowest text per character."""
    line = "'" * 99 + " said Jane Ortiz. "
    return _write(folder, "apostrophes.txt", (line * (MB // len(line))).encode())


CASES: list[Case] = [
    Case("unbalanced-quotes", "every quote mark unbalanced, misused and nested", _unbalanced_quotes, _articles_only()),
    Case("nested-quotes", "quotes nested 500 deep", _nested_quotes, _articles_only()),
    Case("single-line-50mb", "a 50 MB single-line article (default limits)", lambda f: _write(f, "long.txt", _single_line(50 * MB)),
         _one_error("too large")),
    Case("single-line-50mb-raised", "the same with --max-bytes 64 MB: the character cap acts",
         lambda f: _write(f, "long.txt", _single_line(50 * MB)), _one_error("too long"), ingest={"max_bytes": 64 * MB}),
    Case("deep-html", "HTML nested 100,000 elements deep", _deep_html, _one_error("no article text")),
    Case("gzip-bomb-text", "a .txt.gz that inflates to 1 GB", _text_bomb, _one_error("too large")),
    Case("gzip-bomb-jsonl", "a .jsonl.gz whose first line inflates to 1 GB, then a good record", _jsonl_bomb,
         _sequence(["error", "article"], "too large")),
    Case("gzip-bomb-warc", "a .warc.gz whose first record inflates to 1 GB, then a good page", _warc_bomb,
         _sequence(["error", "article"], "too large")),
    Case("invalid-utf8", "UTF-8 with invalid byte sequences", _invalid_utf8, _articles_only(minimum_attributions=5)),
    Case("mixed-encodings", "UTF-8 and cp1252 lines in one file", _mixed_encodings, _articles_only(minimum_attributions=5)),
    Case("jsonl-bad-line", "a JSONL file with one line that is not UTF-8", _jsonl_with_bad_line,
         _sequence(["article", "error", "article"], "not UTF-8")),
    Case("nul-text", "a text file with NUL bytes", _nul_text, _one_error("NUL")),
    Case("nul-jsonl", "a JSONL record whose text holds NUL characters", _nul_in_jsonl, _articles_only()),
    Case("rtl-zero-width", "right-to-left overrides, zero-width characters, RTL scripts, emoji", _rtl_zero_width,
         _articles_only()),
    Case("jsonl-100mb-line", "a JSONL file with a 100 MB line between two good ones", _jsonl_100mb_line,
         _sequence(["article", "error", "article"], "too large")),
    Case("warc-truncated", "a WARC cut in the middle of its third record", _truncated_warc,
         _sequence(["article", "article", "error"], "truncated")),
    Case("warc-gz-truncated", "a .warc.gz cut in the middle of its third member", _truncated_warc_gz,
         _sequence(["article", "article", "error"])),
    Case("warc-cut-header", "a WARC cut inside the second record's headers", _truncated_warc_header,
         _sequence(["article", "error"])),
    Case("binary-as-text", "a PNG named .txt", _binary, _one_error("binary")),
    Case("slow-tokens", "1 MB of 99-apostrophe words (one token per character), --time-limit 5",
         _slow_tokens, _one_error("longer than 5 s"), ingest={"languages": ()}, analysis={"time_limit": 5.0}),
]

BY_NAME = {case.name: case for case in CASES}
