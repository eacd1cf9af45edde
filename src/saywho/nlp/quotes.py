"""Finding quoted passages: straight, curly, single, doubled-apostrophe and guillemet marks.

Quote marks in scraped news are often unbalanced or misused (apostrophes as
closing single quotes, a quote that never closes). The rules here never raise
and never let an unclosed quote run past its paragraph, except by the news
convention that a quote running over paragraphs reopens each new paragraph
with an opening mark and closes only at the end.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from saywho.models import AttributionType

#: Opening mark -> the closing marks that end it.
_PAIRS: dict[str, str] = {
    "\u201c": "\u201d\u201c\"",  # “ ... ” (some sites close with a second “ or a straight ")
    "\u201e": "\u201c\u201d",  # „ ... “
    "\u201d": "\u201d",  # ” ... ” (a closing mark typed as the opener, common in CMS output)
    "\u00ab": "\u00bb",  # « ... »
    '"': '"\u201d',
    "``": "''",
    "''": "''",
    "\u2018": "\u2019",  # ‘ ... ’
    "'": "'",
    "\u2039": "\u203a",  # ‹ ... ›
}
_DOUBLE = {"\u201c", "\u201d", "\u201e", "\u00ab", '"', "``", "''"}
_MARK = re.compile(r"``|''|[\u201c\u201d\u201e\u00ab\u00bb\"\u2018\u2019'\u2039\u203a]")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*\S)")
_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Quote:
    start: int  # index of the opening mark
    end: int  # index just past the closing mark (or the paragraph end when unclosed)
    closed: bool
    double: bool
    #: Character ranges per paragraph (a quote over several paragraphs has several).
    ranges: tuple[tuple[int, int], ...]

    def contains(self, index: int) -> bool:
        return self.start <= index < self.end


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def _can_open(text: str, i: int, mark: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    if mark == "\u201d":
        # A closing mark opens only where nothing can be closed: at a word start after a space or line start.
        return (before.isspace() or i == 0) and after.isalnum()
    if mark in ("\u2019", "\u203a", "\u00bb"):
        return False
    if mark == "\u00ab":
        return True  # French typography puts a space inside guillemets
    if mark in ("'", "\u2018") and _WORD.match(before):
        return False  # don't, O'Brien
    return not after.isspace() and (before.isspace() or before in "([{—–-:;,/" or mark in "\u201c\u201e\u00ab\u2018\u2039``")


def _can_close(text: str, i: int, mark: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    if mark in ("'", "\u2019") and _WORD.match(after) and _WORD.match(before):
        return False  # an apostrophe inside a word
    return not before.isspace() or mark in "\u201d\u00bb"


def find_quotes(text: str) -> list[Quote]:
    """Outermost quoted passages of ``text``, in order. Never raises."""
    quotes: list[Quote] = []
    paragraphs = _paragraph_bounds(text)
    carry: tuple[int, str, list[tuple[int, int]]] | None = None  # open multi-paragraph quote
    for p_start, p_end in paragraphs:
        open_at: int | None = None
        open_mark, piece_start, skip_at = "", p_start, -1
        pieces: list[tuple[int, int]] = []
        if carry is not None:
            c_start, c_mark, c_pieces = carry
            carry = None
            lead = _MARK.match(text, p_start)
            if lead and (lead.group() == c_mark or {lead.group(), c_mark} <= {"\u201c", '"'}):
                open_at, open_mark, pieces, piece_start, skip_at = c_start, c_mark, c_pieces, p_start, p_start
            else:
                quotes.append(_unclosed(c_start, c_mark, c_pieces))
        for match in _MARK.finditer(text, p_start, p_end):
            i, mark = match.start(), match.group()
            if i == skip_at:
                continue  # the mark that reopens a quote continued from the last paragraph
            if open_at is None:
                if mark in _PAIRS and _can_open(text, i, mark):
                    open_at, open_mark, pieces, piece_start = i, mark, [], i
            elif mark in _PAIRS[open_mark] and i > piece_start and _can_close(text, i, mark):
                end = i + len(mark)
                pieces.append((piece_start, end))
                quotes.append(Quote(open_at, end, True, open_mark in _DOUBLE, tuple(pieces)))
                open_at = None
        if open_at is not None:
            pieces.append((piece_start, _rstrip(text, p_start, p_end)))
            if open_mark in _DOUBLE:
                carry = (open_at, open_mark, pieces)
            # An unclosed single mark is far more often an apostrophe than a quote: dropped.
    if carry is not None:
        quotes.append(_unclosed(*carry))
    return quotes


def _unclosed(start: int, mark: str, pieces: list[tuple[int, int]]) -> Quote:
    return Quote(start, pieces[-1][1], False, mark in _DOUBLE, tuple(pieces))


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


QUOTE_CHARS = "\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u2039\u203a`"


class QuoteIndex:
    """Quotes of one text with position look-ups in O(log n): long articles hold thousands."""

    def __init__(self, quotes: list[Quote]):
        self.quotes = quotes  # find_quotes returns them sorted and non-overlapping
        self._starts = [q.start for q in quotes]

    def __iter__(self):
        return iter(self.quotes)

    def __len__(self) -> int:
        return len(self.quotes)

    def containing(self, index: int) -> Quote | None:
        """The quote whose marks enclose ``index`` (opening mark included)."""
        at = bisect.bisect_right(self._starts, index) - 1
        if at >= 0 and index < self.quotes[at].end:
            return self.quotes[at]
        return None

    def next_from(self, position: int) -> Quote | None:
        """The first quote opening at or after ``position``."""
        at = bisect.bisect_left(self._starts, position)
        return self.quotes[at] if at < len(self.quotes) else None

    def last_before(self, position: int) -> Quote | None:
        """The last quote closing at or before ``position``."""
        at = bisect.bisect_right(self._starts, position) - 1
        while at >= 0 and self.quotes[at].end > position:
            at -= 1
        return self.quotes[at] if at >= 0 else None

    def overlapping(self, start: int, end: int) -> list[Quote]:
        first = max(0, bisect.bisect_right(self._starts, start) - 1)
        last = bisect.bisect_left(self._starts, end)
        return [q for q in self.quotes[first:last] if q.start < end and start < q.end]


def content_type(ranges: list[tuple[int, int]], quotes: QuoteIndex, text: str) -> AttributionType:
    """``direct`` when every letter of the content is inside quotes and each range opens
    with a quote, ``mixed`` when some are (``that "a future footprint ..."``: reported words
    running into a quote), ``indirect`` when none are. Shared by the rules and the tagger's
    linking, so both type a content the same way."""
    quoted = 0
    total = 0
    for start, end in ranges:
        total += sum(1 for c in text[start:end] if c.isalnum())
        for quote in quotes.overlapping(start, end):
            quoted += sum(1 for c in text[max(start, quote.start) : min(end, quote.end)] if c.isalnum())
    if total == 0 or quoted == 0:
        return "indirect"
    if quoted == total and all(_starts_with_quote(start, quotes) for start, _ in ranges):
        return "direct"
    return "mixed"


def _starts_with_quote(start: int, quotes: QuoteIndex) -> bool:
    quote = quotes.containing(start)
    return quote is not None and (quote.start == start or any(r[0] == start for r in quote.ranges))
