"""What the search, home and article pages show, computed from store rows: a statement inside
its sentence with the search words marked, publishers' names without site taglines, and
the corpus's statements per week as bars.

Nothing here builds HTML. Text is cut into pieces that know whether they are marked, and
the autoescaped templates wrap each piece, so article text (untrusted) is always escaped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from saywho.store.store import search_terms
from saywho.web.render import Segment


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The display choices in data/web.json (see its comment)."""

    context_chars: int
    facet_values: int
    top_speakers: int
    chart_max_weeks: int
    periods: dict[str, int]
    publisher_taglines: frozenset[str]
    abbreviations: frozenset[str]


@cache
def settings() -> WebSettings:
    data = json.loads((resources.files("saywho") / "data" / "web.json").read_text(encoding="utf-8"))
    data.pop("_comment", None)
    for key in ("publisher_taglines", "abbreviations"):
        data[key] = frozenset(t.lower() for t in data[key])
    return WebSettings(**data)


# --- publishers ------------------------------------------------------------------------

#: Separators between a site's name and its tagline in a page title: " - ", " | ", " : "...
#: Spaces are required around them, so a hyphenated name (Anglo-Celt) stays whole.
_SITE_SEPARATOR = re.compile(r"\s+[-|–—:·»]\s+")


def publisher_name(publisher: str | None) -> str | None:
    """A publisher as people name it: the part of a site title that is not a tagline.

    >>> publisher_name("BBC News - Home")
    'BBC News'
    >>> publisher_name("Home | Reuters")
    'Reuters'
    >>> publisher_name("Al Jazeera – Breaking News, World News and Video from Al Jazeera")
    'Al Jazeera'
    """
    if publisher is None:
        return None
    whole = " ".join(publisher.split())
    taglines = settings().publisher_taglines
    for part in _SITE_SEPARATOR.split(whole):
        # A tagline is a stock phrase ("Home", "Latest news") or a list ("News, sport and opinion").
        if part and part.lower() not in taglines and "," not in part:
            return part
    return whole


# --- a statement in its sentence ---------------------------------------------------------


@dataclass(slots=True)
class Piece:
    text: str
    #: A search word: the template wraps it in <mark>.
    hit: bool = False


@dataclass(slots=True)
class InContext:
    before: list[Piece] = field(default_factory=list)
    content: list[Piece] = field(default_factory=list)
    after: list[Piece] = field(default_factory=list)
    #: The sentence goes on beyond what is shown (an ellipsis is drawn).
    cut_before: bool = False
    cut_after: bool = False


#: The end of a sentence: a stop (with closing quotes or brackets) before a space, or a line break.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+|\n+")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
_CLOSING_QUOTES = re.compile(r"^[\"'”’)\]]*")


def in_context(row: dict[str, Any], text: str | None = None, chars: int | None = None) -> InContext:
    """A search row's statement inside its sentence: the text before and after the content
    (``context_before``/``context_after``, see Store.search) trimmed to the sentence, and
    the words of the search ``text`` marked in all three. A row without context (a headline
    statement, or a search made without it) is its content alone."""
    chars = settings().context_chars if chars is None else chars
    pattern = term_pattern(search_terms(text or ""))
    content = row.get("context_content")
    if content is None:
        return InContext(content=mark(row.get("content") or "", pattern))
    before, after = row.get("context_before") or "", row.get("context_after") or ""
    ends = sentence_ends(before)
    cut_before = False
    if ends:
        before = before[ends[-1].end():]
    elif len(before) >= chars:  # the window began inside the sentence: start at a whole word
        before, cut_before = before[len(before.split(maxsplit=1)[0]):].lstrip() if before.split() else "", True
    cut_after = False
    if _ENDS_SENTENCE.search(content):
        # The statement closes its sentence: keep only the quote marks that close it.
        after = _CLOSING_QUOTES.match(after).group(0)  # type: ignore[union-attr]
    elif ends := sentence_ends(after):
        after = after[: ends[0].end()].rstrip()
    elif len(after) >= chars:
        after, cut_after = after[: after.rfind(" ")] if " " in after else "", True
    return InContext(mark(before, pattern), mark(content, pattern), mark(after, pattern), cut_before, cut_after)


def sentence_ends(text: str) -> list[re.Match[str]]:
    """Where sentences end in ``text``: a stop not after an abbreviation ("Gen.") or an initial ("J.")."""
    abbreviations = settings().abbreviations
    ends = []
    for found in _SENTENCE_END.finditer(text):
        if found.group(0).startswith("."):
            word = text[: found.start()].rsplit(None, 1)[-1].lstrip("\"'“‘(") if text[: found.start()].strip() else ""
            if word.lower() in abbreviations or (len(word) == 1 and word.isupper()):
                continue
        ends.append(found)
    return ends


def term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """A regex finding the search terms in text, close to what the full-text index matched.

    The index stems words (Porter on SQLite, English snowball on PostgreSQL); here a word
    loses a plural or verb ending and matches as a prefix, so "levels" marks "level" and
    "levels", and "taxes" marks "tax". A phrase's words must follow each other.
    """
    alternatives = []
    for term in terms:
        words = [_stem(w) for w in re.findall(r"\w+", term.lower())]
        if words:
            alternatives.append(r"\b" + r"\W+".join(re.escape(w) + r"\w*" for w in words))
    if not alternatives:
        return None
    # Longer alternatives first, so a phrase wins over one of its words.
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True)), re.IGNORECASE)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def mark(text: str, pattern: re.Pattern[str] | None) -> list[Piece]:
    """``text`` cut into plain pieces and pieces the pattern found."""
    if not text:
        return []
    if pattern is None:
        return [Piece(text)]
    pieces: list[Piece] = []
    at = 0
    for found in pattern.finditer(text):
        if found.start() > at:
            pieces.append(Piece(text[at:found.start()]))
        pieces.append(Piece(found.group(0), True))
        at = found.end()
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


# --- the home page's periods ----------------------------------------------------------


def period_start(period: str, newest: str | None) -> str | None:
    """The first day of a home-page period ("week", "month"...) ending on the newest
    article's day (a corpus of past news has nothing from last week); None for all time."""
    days = settings().periods.get(period, 0)
    if not days or not newest:
        return None
    return (date.fromisoformat(newest) - timedelta(days=days - 1)).isoformat()


# --- an article's headline -------------------------------------------------------------


def split_headline(segments: list[Segment], text: str, title: str | None) -> tuple[list[Segment], list[Segment]]:
    """The segments of the article's first line when it is the title, and the rest.

    Ingest puts the title at the top of the text (so a quote in the headline has offsets);
    the page draws that line as its heading, with its highlights, instead of showing the
    headline twice. When the text does not begin with the title, the first list is empty.
    """
    start = len(text) - len(text.lstrip())
    line_end = text.find("\n", start)
    end = len(text) if line_end < 0 else line_end
    # The line may differ from the stored title in spacing, case or a closing full stop.
    if not title or _loose(text[start:end]) != _loose(title):
        return [], segments
    head: list[Segment] = []
    body: list[Segment] = []
    at = 0
    for segment in segments:
        cut = min(max(end - at, 0), len(segment.text))
        if cut:
            head.append(replace(segment, text=segment.text[:cut]))
        if cut < len(segment.text):
            body.append(replace(segment, text=segment.text[cut:]))
        at += len(segment.text)
    if body and body[0].attribution is None:  # the line break after the headline
        body[0] = replace(body[0], text=body[0].text.lstrip())
    head = [h for h in head if h.text.strip() or h.attribution is not None]
    return head, [b for b in body if b.text]


def _loose(line: str) -> str:
    return " ".join(line.split()).rstrip(".").lower()
