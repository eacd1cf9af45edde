"""Cleaning already-scraped text: find the headline, drop scraping junk, keep the article.

Text that a naive HTML-to-text converter made from a news page carries the whole
page: icon-sprite titles, menus, share and follow prompts, cookie notices, "read
more" teasers, lists of related headlines, comment forms, footers. HTML goes
through trafilatura in ingest and never reaches this; what reaches it has no
markup left to go by, so the cleaner works on the text's own shape:

1. Split the text into blocks: paragraphs (runs of lines, joining lines that a
   converter hard-wrapped), list items and headings each on their own.
2. Give every block a kind: ``junk`` when a named pattern says what it is (the
   reason is recorded), ``prose`` when it reads like article sentences, ``short``
   otherwise (headings, captions, menu entries).
3. The article body is the one stretch of blocks with the most prose in it and
   the least else (a maximum-sum segment, so one short caption inside the body
   does not split it while a menu of thirty entries does).
4. Keep the body's blocks except junk, keep the headline and dateline just above
   the body, and never drop a block that holds an attribution.

Every dropped block is recorded as a ``DroppedLine`` with its reason, so that a
user can audit what the cleaner took away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from saywho.errors import InputError
from saywho.models import Document, DroppedLine

#: Origins whose text may carry scraping junk (HTML bodies are trafilatura's, already clean).
CLEANED_ORIGINS = ("text", "record")


@dataclass(slots=True)
class Cleaned:
    #: The article text for output: junk removed, or the input unchanged in raw mode.
    text: str
    #: What analysis reads; same length as ``text`` (raw mode blanks junk lines).
    analysed: str
    title: str | None
    dropped: list[DroppedLine] = field(default_factory=list)


# --- blocks ------------------------------------------------------------------------

BlockShape = Literal["paragraph", "item", "heading", "rule"]

_BULLET = re.compile(r"^\s*(?:[*+\-•·▪►]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s")
_RULE = re.compile(r"^\s*(?:[*\-_=]\s*){3,}$")
_WORD = re.compile(r"\w+")
#: Markdown decoration a converter adds; removed before a block's words are judged.
_MARKUP = re.compile(r"^\s*(?:#{1,6}|[*+\-•·▪►>]|\d{1,3}[.)])\s+|[*_`]{1,4}|\\(?=[-*_#.])")

#: A converter that hard-wraps paragraphs cuts lines at a fixed width (html2text: 78).
#: Lines of a block are one wrapped paragraph when none is longer than this...
WRAP_MAX_WIDTH = 100
#: ...and every line but the last is at least this long (menus of short lines are not).
WRAP_MIN_WIDTH = 40


@dataclass(slots=True)
class Block:
    start: int
    end: int
    #: The block's text as in the input (lines joined with their newlines).
    raw: str
    shape: BlockShape

    @property
    def plain(self) -> str:
        """The words without markdown decoration, lines joined by spaces."""
        return " ".join(_MARKUP.sub("", line).strip() for line in self.raw.splitlines()).strip()


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        yield offset, body
        offset += len(line)


def _line_shape(line: str) -> BlockShape:
    if _RULE.match(line):
        return "rule"
    if _HEADING.match(line):
        return "heading"
    if _BULLET.match(line):
        return "item"
    return "paragraph"


def _is_hard_wrapped(lines: Sequence[str]) -> bool:
    if len(lines) < 2:
        return True
    widths = [len(line.rstrip()) for line in lines]
    return max(widths) <= WRAP_MAX_WIDTH and min(widths[:-1]) >= WRAP_MIN_WIDTH


def split_blocks(text: str) -> list[Block]:
    """Cut ``text`` into blocks with their character offsets.

    A blank line ends a block; a list item, heading or rule line starts a new one
    (continuation lines of a wrapped item or heading stay with it); a run of plain
    lines that is not hard-wrapped is one block per line (one paragraph a line, as
    in the seed and most scraped dumps).
    """
    runs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for offset, line in _lines(text):
        if not line.strip():
            if current:
                runs.append(current)
            current = []
            continue
        if current and _line_shape(line) != "paragraph":
            runs.append(current)
            current = []
        current.append((offset, line))
        if _line_shape(line) == "rule":
            runs.append(current)
            current = []
    if current:
        runs.append(current)

    blocks: list[Block] = []
    for run in runs:
        lines = [line for _, line in run]
        head_shape = _line_shape(lines[0])
        groups = [run] if _is_hard_wrapped(lines) else [[entry] for entry in run]
        if head_shape != "paragraph" and len(groups) > 1:
            # A heading or item with unwrapped lines after it: the head alone, then the rest.
            groups = [[run[0]]] + [[entry] for entry in run[1:]]
        for group in groups:
            start = group[0][0]
            end = group[-1][0] + len(group[-1][1])
            shape = _line_shape(group[0][1])
            blocks.append(Block(start, end, text[start:end], shape))
    return blocks


# --- what a block is ---------------------------------------------------------------

BlockKind = Literal["junk", "prose", "short"]

#: Prose: a block with at least this many words that ends like a sentence.
PROSE_MIN_WORDS = 12
#: A block this long counts as prose even without a sentence ending (long quotes, lists of clauses).
PROSE_LONG_WORDS = 40
#: Headings and list items need more words than plain paragraphs to count as prose:
#: related-headline lists and menus are made of them.
ITEM_PROSE_MIN_WORDS = 25

_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$|[\"”’»]\s*$")
#: A teaser cut short ("...") is a link to another article, not this one's text.
_TRUNCATED = re.compile(r"(?:\.\.\.|…)\s*(?:\(\d+\))?\s*$")

_SOCIAL = (
    r"facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|tumblr|telegram|messenger|"
    r"instagram|youtube|flipboard|pocket|e-?mail|mail|print|sms|copy(?: link)?|vk|"
    r"google\+?|share|tweet|comment|comments|save|rss|feed|more"
)

#: (reason, pattern on the block's plain text). The first that matches names the junk.
JUNK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.I))
    for reason, pattern in (
        ("comment", r"^\d+ (?:responses?|comments?|replies|reactions|thoughts?) (?:to|on)\b"),
        ("comment", r"^\W*(?:top rated|most liked|readers?'?|user|latest) (?:comments?|responses|replies)\W*$"),
        ("comment form", r"^\W*(?:\d+|view|show|load|all)? ?(?:comments?|discussion|responses|replies)\W*(?:\(\d+\))?\W*$"),
        ("comment form", r"^(?:leave|post|add|write|share) (?:a|your) (?:reply|comment|response|thoughts)\b"),
        ("comment form", r"^join the (?:conversation|discussion)\b"),
        ("cookie notice", r"\bcookies?\b.*\b(?:use|uses|using|accept|consent|policy|settings|browsing|agree)\b"),
        ("cookie notice", r"\b(?:accept|agree|consent)\b.*\bcookies?\b"),
        ("share/follow prompt", rf"^(?:(?:{_SOCIAL})\W*)+$"),
        ("share/follow prompt", r"^(?:share|tweet|pin|email|like|follow)(?: this| us| on| the| story| article| page|\W)"),
        ("share/follow prompt", r"^(?:follow|like|join|find|connect with) us\b"),
        ("share/follow prompt", r"^(?:click|tap) to (?:share|email|print|tweet)"),
        ("read-more link", r"^(?:read|see|view|watch|listen|show|load) (?:more|also|next|full|the full|all|now|it)\b"),
        ("read-more link", r"^(?:continue|keep) reading\b"),
        ("read-more link", r"\bread more\W*$"),
        ("related headlines", r"^(?:related|recommended|more|most|top|latest|trending|popular|also on|you may (?:also )?like|you might (?:also )?like|don'?t miss|editor'?s picks?|further reading|read next|up next|what to read next|around the web|from the web|sponsored stories|more stories|more from|elsewhere)\b.{0,40}$"),
        ("subscription prompt", r"\b(?:subscribe|sign up|newsletter|log ?in|sign ?in|register|create an account|already a subscriber|subscriber)\b.{0,80}$"),
        ("subscription prompt", r"^(?:sign|log) (?:in|out|up)\b"),
        ("copyright notice", r"(?:©|\(c\)|\bcopyright\b|\ball rights reserved\b)"),
        ("advertisement", r"^(?:advertisement|advertising|sponsored(?: content)?|ad|ads|promoted|paid content|story continues below(?: advertisement)?|iklan|anzeige|publicidad|publicité)\W*$"),
        ("comment form", r"\b(?:add (?:a )?comment|comments? (?:are|is) closed|you are commenting using|notify me of|your email address will not be published|required fields are marked|view comments|show comments|\d+ comments?)\b"),
        ("comment form", r"^(?:reply|report|report abuse|log in to reply|like|dislike|flag|permalink|share this comment)\W*$"),
        ("navigation", r"^(?:home|menu|search|skip to (?:main )?content|skip navigation|toggle navigation|close|back to top|go to top|next|previous|prev|top|main menu|navigation|sections|you are here|you are at)\W*$"),
        ("navigation", r"^(?:[^\W\d][\w'’&.-]*(?: [^\W\d][\w'’&.-]*){0,3} ?[|/>»›] ?){2,}[^\W\d][\w'’&.-]*(?: [^\W\d][\w'’&.-]*){0,3}$"),
        ("image credit", r"^(?:image|photo|picture|video|media|graphic)(?: copyright| caption| credit| source)?\s*[:|(]?\s*(?:getty|reuters|ap|afp|epa|pa|shutterstock|alamy|\w+ images?)\b.{0,40}$"),
        ("tags", r"^(?:tags?|topics?|filed under|categories|category|related tags|related topics)\s*:"),
    )
)


_ICON_WORD = re.compile(r"icon", re.I)


def _icon_sprite(plain: str) -> bool:
    """Titles of an SVG sprite: many words that are or end in "icon" (``fbicon twicon``)."""
    words = plain.split()
    return len(words) >= 6 and len(_ICON_WORD.findall(plain)) >= max(3, len(words) // 4)


#: "**jane99** says:", "Jane on May 2, 2019 at 4:47 pm said:": the line a comment system puts above each comment.
_COMMENT_HEADER = re.compile(r"^.{1,80}?\b(?:says|said|wrote|commented|replied|writes)\s*:$", re.I)
_BOLD = re.compile(r"\*\*[^*]+\*\*")
COMMENT_HEADER_MAX_WORDS = 14


def _comment_header(block: Block) -> bool:
    """A commenter's name line. Only as a list item or with a bold name: a paragraph
    ending "the statement said:" is the article introducing a quote."""
    if len(_WORD.findall(block.plain)) > COMMENT_HEADER_MAX_WORDS or not _COMMENT_HEADER.match(block.plain):
        return False
    return block.shape == "item" or bool(_BOLD.search(block.raw))


def _only_symbols(plain: str) -> bool:
    return not _WORD.search(plain)


#: A named pattern only marks a block up to this many words as junk...
DEFAULT_JUNK_MAX_WORDS = 25
#: ...except these, whose notices run long.
JUNK_MAX_WORDS = {"cookie notice": 150, "comment form": 15, "copyright notice": 30}


def junk_reason(block: Block) -> str | None:
    """Why ``block`` is scraping junk, or None when no named pattern says so."""
    plain = block.plain
    if block.shape == "rule" or _only_symbols(plain):
        return "decoration"
    if _icon_sprite(plain):
        return "icon sprite titles"
    if _comment_header(block):
        return "comment"
    words = len(_WORD.findall(plain))
    for reason, pattern in JUNK_PATTERNS:
        # Long paragraphs may mention cookies or sharing in passing: only short ones are prompts.
        if words <= JUNK_MAX_WORDS.get(reason, DEFAULT_JUNK_MAX_WORDS) and pattern.search(plain):
            return reason
    return None



def block_kind(block: Block) -> BlockKind:
    plain = block.plain
    words = len(_WORD.findall(plain))
    if block.shape in ("heading", "item"):
        return "prose" if words >= ITEM_PROSE_MIN_WORDS and _SENTENCE_END.search(plain) else "short"
    if _TRUNCATED.search(plain):
        return "short"
    if words >= PROSE_LONG_WORDS or (words >= PROSE_MIN_WORDS and _SENTENCE_END.search(plain)):
        return "prose"
    return "short"


# --- attributions are never dropped ------------------------------------------------

_REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|stated|states|added|adds|explained|explains|noted|notes|"
    r"announced|announces|claimed|claims|argued|argues|insisted|insists|warned|warns|"
    r"wrote|writes|asked|asks|replied|replies|according to|quoted|confirmed|confirms|"
    r"denied|denies|declared|declares|believes|believed|thinks|thought)\b",
    re.I,
)
_QUOTE_MARK = re.compile(r"[\"“”«»„]|(?:^|\s)[‘’']\w")
#: An attribution needs a clause around its cue: fewer words is a menu entry or a label.
ATTRIBUTION_MIN_WORDS = 6


def holds_attribution(block: Block) -> bool:
    """A reporting verb in a clause, or quoted words with a speaker: never junk.

    Deliberately generous: losing a quote is worse than keeping a stray line.
    """
    plain = block.plain
    if len(_WORD.findall(plain)) < ATTRIBUTION_MIN_WORDS:
        return False
    return bool(_REPORTING.search(plain)) and (block.shape == "paragraph" or bool(_QUOTE_MARK.search(plain)))


_SPEECH_MARK = re.compile(r"[\"“”«»„‹›‘]|(?:^|\s)[’']\w")


def holds_quoted_speech(block: Block) -> bool:
    """A quote mark and, later on the same line, a reporting verb: kept whatever the
    line's length or place (a comment section, a page with no prose). Linear time:
    only the first mark of a line is looked from."""
    for line in block.raw.splitlines():
        mark = _SPEECH_MARK.search(line)
        if mark and _REPORTING.search(line, mark.start()):
            return True
    return False


def _kept_for_attribution(block: Block, reason: str | None) -> bool:
    return holds_quoted_speech(block) or (reason != "comment section" and holds_attribution(block))


# --- where the body is -------------------------------------------------------------

#: Segment weights: what one block adds to (or takes from) the body it would join.
#: Prose adds its words; a short block costs a little, so captions and subheadings
#: inside a body do not split it; junk costs more, so a menu or a comment form does.
SHORT_BLOCK_COST = 6.0
JUNK_BLOCK_COST = 30.0


#: A plain line of text with this many words (a table row, an ingredient, a short
#: paragraph) neither adds to nor splits a body.
NEUTRAL_MIN_WORDS = 5


def _weight(kind: BlockKind, block: Block, reason: str | None = None) -> float:
    words = len(_WORD.findall(block.plain))
    if kind == "prose":
        return float(words)
    if reason == "decoration":
        return 0.0  # rules and empty lines separate sections of one article as often as page parts
    if kind == "junk":
        return -JUNK_BLOCK_COST
    if block.shape == "paragraph" and words >= NEUTRAL_MIN_WORDS:
        return 0.0
    return -SHORT_BLOCK_COST


def body_span(weights: Sequence[float]) -> tuple[int, int] | None:
    """The [first, last] block indices of the maximum-sum stretch (Kadane), or None if no gain."""
    best, best_span = 0.0, None
    total, start = 0.0, 0
    for index, weight in enumerate(weights):
        if total <= 0:
            total, start = 0.0, index
        total += weight
        if total > best:
            best, best_span = total, (start, index)
    return best_span


# --- headline and dateline ---------------------------------------------------------

#: How many blocks above the body are searched for the headline.
HEADLINE_LOOKBACK = 8
HEADLINE_MAX_WORDS = 30
_DATE_HINT = re.compile(
    r"\b(?:\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}|"
    r"\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|updated|published|posted|(?:19|20)\d{2})\b",
    re.I,
)
#: A dateline or byline is a short block that says when (or by whom) the story was filed.
DATELINE_MAX_WORDS = 20


def _looks_like_headline(block: Block) -> bool:
    plain = block.plain
    words = len(_WORD.findall(plain))
    if not 2 <= words <= HEADLINE_MAX_WORDS or _TRUNCATED.search(plain):
        return False
    return block.shape in ("heading", "paragraph") and not plain.endswith((".", ",", ";", "|"))


def _is_lead(block: Block) -> bool:
    """A sentence between the headline and the body: the standfirst or a one-sentence lead
    paragraph ("X has been appointed manager."), too short to count as prose on its own."""
    plain = block.plain
    return block.shape not in ("heading", "item") and len(_WORD.findall(plain)) >= NEUTRAL_MIN_WORDS and bool(_SENTENCE_END.search(plain)) and not _TRUNCATED.search(plain)


def _is_dateline(block: Block) -> bool:
    plain = block.plain
    return len(_WORD.findall(plain)) <= DATELINE_MAX_WORDS and bool(_DATE_HINT.search(plain))


def find_headline(blocks: Sequence[Block], kinds: Sequence[BlockKind], body_start: int) -> int | None:
    """Index of the headline: a markdown heading just above the body, else the nearest title-like line."""
    window = range(body_start - 1, max(-1, body_start - 1 - HEADLINE_LOOKBACK), -1)
    candidates = [i for i in window if kinds[i] != "junk" and _looks_like_headline(blocks[i])]
    for i in candidates:
        if blocks[i].shape == "heading" and blocks[i].raw.lstrip().startswith("# "):
            return i
    return candidates[0] if candidates else None


# --- the cleaner -------------------------------------------------------------------


def _comment_section_start(reasons: Sequence[str | None], kinds: Sequence[BlockKind]) -> int:
    """Index of the first comment marker after some prose (readers' comments run to the
    page's end), or the number of blocks when there is none."""
    seen_prose = False
    for index, (reason, kind) in enumerate(zip(reasons, kinds)):
        if reason == "comment" and seen_prose:
            return index
        seen_prose = seen_prose or kind == "prose"
    return len(reasons)


@dataclass(slots=True)
class Decision:
    block: Block
    reason: str | None  # None: kept


def classify_blocks(text: str) -> list[Decision]:
    """Decide, block by block, what stays and why the rest goes."""
    blocks = split_blocks(text)
    if not blocks:
        return []
    reasons = [junk_reason(b) for b in blocks]
    kinds: list[BlockKind] = ["junk" if r else block_kind(b) for b, r in zip(blocks, reasons)]
    comments = _comment_section_start(reasons, kinds)
    for index in range(comments, len(blocks)):
        reasons[index] = reasons[index] or "comment section"
        kinds[index] = "junk"
    span = body_span([_weight(k, b, r) for k, b, r in zip(kinds, blocks, reasons)])
    if span is None:
        # No prose at all: nothing to tell body from page, so only named junk goes.
        return [Decision(b, None if r and _kept_for_attribution(b, r) else r) for b, r in zip(blocks, reasons)]
    first, last = span
    keep_above: set[int] = set()
    headline = find_headline(blocks, kinds, first)
    if headline is not None:
        keep_above.add(headline)
        keep_above.update(i for i in range(headline + 1, first) if kinds[i] != "junk" and (_is_dateline(blocks[i]) or _is_lead(blocks[i])))
    decisions = []
    for index, (block, reason) in enumerate(zip(blocks, reasons)):
        if first <= index <= last or index in keep_above:
            decision = reason
        else:
            decision = reason or "outside the article body"
        if decision and _kept_for_attribution(block, decision):
            decision = None
        decisions.append(Decision(block, decision))
    return decisions


def _dropped_lines(text: str, decisions: Sequence[Decision]) -> list[DroppedLine]:
    """Dropped blocks, with runs of neighbours dropped for the same reason merged into one."""
    dropped: list[DroppedLine] = []
    for decision in decisions:
        if decision.reason is None:
            continue
        block = decision.block
        previous = dropped[-1] if dropped else None
        if previous and previous.reason == decision.reason and not text[previous.end : block.start].strip():
            previous.end = block.end
            previous.text = text[previous.start : block.end]
        else:
            dropped.append(DroppedLine(block.start, block.end, block.raw, decision.reason))
    return dropped


def _blank(text: str, dropped: Sequence[DroppedLine]) -> str:
    """``text`` with dropped spans turned to spaces (newlines kept): same length, same offsets."""
    chars = list(text)
    for d in dropped:
        for i in range(d.start, d.end):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return "".join(chars)


def _remove(text: str, dropped: Sequence[DroppedLine]) -> str:
    """``text`` without the dropped spans and the line breaks that ended them."""
    pieces: list[str] = []
    position = 0
    for d in dropped:
        pieces.append(text[position : d.start])
        position = _skip_blank_lines(text, d.end)
    pieces.append(text[position:])
    return "".join(pieces).strip("\r\n")


def _skip_blank_lines(text: str, position: int) -> int:
    """The start of the next line after ``position`` that is not blank (or the end)."""
    while position < len(text):
        newline = text.find("\n", position)
        line_end = len(text) if newline == -1 else newline + 1
        if text[position:line_end].strip():
            return position
        position = line_end
    return position


def _first_title_line(text: str) -> str | None:
    for line in text.splitlines():
        stripped = _MARKUP.sub("", line).strip()
        if stripped:
            words = len(_WORD.findall(stripped))
            return stripped if 0 < words <= HEADLINE_MAX_WORDS and not stripped.endswith((".", ",", ";")) else None
    return None


def clean_document(document: Document, *, raw: bool = False, keep_junk: bool = False) -> Cleaned:
    """Clean one document; see the module docstring for what goes and why.

    Plain text and JSONL text records are cleaned; HTML bodies come out of
    trafilatura already clean. Raises ``InputError`` when nothing but junk is left.
    """
    text = document.text
    dropped: list[DroppedLine] = []
    if document.origin in CLEANED_ORIGINS and not keep_junk:
        dropped = _dropped_lines(text, classify_blocks(text))
        if dropped and not _blank(text, dropped).strip():
            raise InputError(document.input, "nothing but scraping junk (use --keep-junk to keep it)")
    if raw:
        out_text, analysed = text, _blank(text, dropped)
    else:
        out_text = _remove(text, dropped) if dropped else text
        analysed = out_text
    title = document.title or _first_title_line(analysed)
    return Cleaned(out_text, analysed, title, dropped)
