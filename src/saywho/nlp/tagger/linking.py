"""Linking: tagged spans into :class:`~saywho.models.Attribution` records, by position.

Each content goes to the nearest cue that is not inside it, quote pieces on both
sides of one cue become one content (``"A," he said, "B."``), and each cue takes
the nearest source in its paragraph. Confidence is the tagger's span probability
mapped through the model's calibration.
"""

from __future__ import annotations

import itertools
import re

import numpy as np

from saywho.models import Attribution, SpeechAct, TextSpan
from saywho.nlp.lexicon import belief_in_text
from saywho.nlp.quotes import QuoteIndex, content_type, find_quotes
from saywho.nlp.tagger.calibration import Calibration
from saywho.nlp.tagger.spans import PARAGRAPH_BREAK, TaggedSpan

#: A content further than this (characters of gap) from every cue gets no cue.
MAX_CUE_GAP = 400
#: Keep contents linked to no cue (PolNeAR annotates a few). Dropping them made no difference
#: worth having on dev (docs/model.md); kept, their calibrated confidence is near 0 and
#: ``min_confidence`` drops them.
KEEP_UNCUED = True
#: Quote pieces around one cue are joined only when each is this close to the cue.
MAX_PIECE_GAP = 60
#: A source further than this from its cue is not taken (appositions can be long).
MAX_SOURCE_GAP = 250
#: A quote resumed after its cue (``"A," he said. "B."``) must start this close to the cue.
MAX_CONTINUATION_GAP = 160
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019')]*\s")


def _gap(a: TaggedSpan, b: TaggedSpan) -> int:
    return max(0, b.start - a.end, a.start - b.end)


def _between(text: str, a: TaggedSpan, b: TaggedSpan) -> str:
    left, right = (a, b) if a.start <= b.start else (b, a)
    return text[left.end : right.start]


def _crosses_paragraph(text: str, a: TaggedSpan, b: TaggedSpan) -> bool:
    return bool(PARAGRAPH_BREAK.search(_between(text, a, b)))


def _inside(inner: TaggedSpan, outer: TaggedSpan) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _cue_cost(cue: TaggedSpan, content: TaggedSpan, text: str) -> tuple[int, int]:
    """How unlikely a cue is for a content: paragraph and sentence breaks between them first, then distance.

    ``But to prevent problems, he said, local officials...``: the piece before
    ``he said`` belongs to it, not to a nearer cue that ends the previous sentence.
    """
    between = _between(text, cue, content)
    breaks = 2 * bool(PARAGRAPH_BREAK.search(between)) + bool(_SENTENCE_END.search(between))
    return breaks, _gap(cue, content)


def _nearest_cue(content: TaggedSpan, cues: list[TaggedSpan], text: str) -> TaggedSpan | None:
    """The likeliest cue of a content, ignoring cues inside it (they head nested attributions)."""
    candidates = [c for c in cues if not _inside(c, content) and _gap(c, content) <= MAX_CUE_GAP]
    if not candidates:
        return None
    return min(candidates, key=lambda c: _cue_cost(c, content, text))


def _continues_quote(first: TaggedSpan, cue: TaggedSpan, second: TaggedSpan, text: str) -> bool:
    """News convention ``"A," said X. "B."``: a quote closed by a comma before its cue goes on after it.

    ``first`` ends with ``,"``, the cue follows it, and ``second`` opens a
    quote in the same paragraph soon after the cue.
    """
    tail = text[max(first.start, first.end - 3) : first.end + 2]  # the closing mark may be outside the span
    if not re.search(r",\s*[\"\u201d]", tail):
        return False
    opening = text[max(0, second.start - 2) : second.start + 1]  # the opening mark may be inside the span or not
    return (
        first.end <= cue.start
        and cue.end <= second.start
        and second.start - cue.end <= MAX_CONTINUATION_GAP
        and ("\"" in opening or "\u201c" in opening)
        and not PARAGRAPH_BREAK.search(text[first.end : second.start])
    )


def _nearest_source(cue: TaggedSpan, contents: list[TaggedSpan], sources: list[TaggedSpan], text: str) -> TaggedSpan | None:
    """The closest source to a cue in its paragraph, not inside the cue's own content."""
    candidates = [
        s
        for s in sources
        if _gap(s, cue) <= MAX_SOURCE_GAP
        and not _crosses_paragraph(text, s, cue)
        and not any(_inside(s, c) or (c.start < s.end and s.start < c.end) for c in contents)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda s: (bool(_SENTENCE_END.search(_between(text, s, cue))), _gap(s, cue)))


def _join_pieces(cue: TaggedSpan, pieces: list[TaggedSpan], text: str) -> list[list[TaggedSpan]]:
    """Group one cue's content spans: a piece before and a piece after the cue, both close, are one content."""
    pieces = sorted(pieces, key=lambda p: p.start)
    before = [p for p in pieces if p.end <= cue.start]
    after = [p for p in pieces if p.start >= cue.end]
    others = [p for p in pieces if p not in before and p not in after]
    if before and after:
        last_before, first_after = before[-1], after[0]
        close = (
            _gap(last_before, cue) <= MAX_PIECE_GAP
            and _gap(first_after, cue) <= MAX_PIECE_GAP
            and not _crosses_paragraph(text, last_before, first_after)
        )
        if close or _continues_quote(last_before, cue, first_after, text):
            joined = [last_before, first_after]
            rest = [[p] for p in before[:-1] + after[1:] + others]
            return [joined, *rest]
    return [[p] for p in pieces]


def _reassign_continuations(
    by_cue: dict[TaggedSpan | None, list[TaggedSpan]], contents: list[TaggedSpan], text: str
) -> None:
    """Move a resumed quote (see :func:`_continues_quote`) to the cue of the piece it continues."""
    owner = {id(c): cue for cue, group in by_cue.items() for c in group}
    for first, second in itertools.pairwise(contents):
        cue = owner[id(first)]
        if cue is None or owner[id(second)] is cue or not _continues_quote(first, cue, second, text):
            continue
        by_cue[owner[id(second)]].remove(second)
        by_cue[cue].append(second)
        owner[id(second)] = cue
    for cue in [c for c, group in by_cue.items() if not group]:
        del by_cue[cue]


def link_spans(
    spans: list[TaggedSpan], text: str, calibration: Calibration | None = None, quotes: QuoteIndex | None = None
) -> list[Attribution]:
    """Attributions from tagged spans: content -> nearest cue -> nearest source.

    Contents with no cue near them are kept without cue or source (PolNeAR
    annotates some), cues with no content are dropped (an attribution is its content).
    The type is the rules' (:func:`~saywho.nlp.quotes.content_type`) on ``quotes``, the
    text's quoted passages (found here when not given: a caller with a parse passes its own).
    """
    calibration = calibration or Calibration()
    quotes = quotes if quotes is not None else QuoteIndex(find_quotes(text))
    cues = [s for s in spans if s.role == "cue"]
    sources = [s for s in spans if s.role == "source"]
    by_cue: dict[TaggedSpan | None, list[TaggedSpan]] = {}
    contents = [s for s in spans if s.role == "content"]
    for content in contents:
        by_cue.setdefault(_nearest_cue(content, cues, text), []).append(content)
    _reassign_continuations(by_cue, contents, text)
    results: list[Attribution] = []
    for cue, contents in by_cue.items():
        if cue is None and not KEEP_UNCUED:
            continue
        groups = [[c] for c in contents] if cue is None else _join_pieces(cue, contents, text)
        source = _nearest_source(cue, contents, sources, text) if cue is not None else None
        for pieces in groups:
            parts = [*pieces, *(x for x in (cue, source) if x is not None)]
            raw = float(np.mean([p.score for p in parts])) if cue is not None else 0.5 * min(p.score for p in pieces)
            results.append(
                Attribution(
                    type=content_type([(p.start, p.end) for p in pieces], quotes, text),
                    content=TextSpan.from_ranges(text, [(p.start, p.end) for p in pieces]),
                    cue=TextSpan.from_ranges(text, [(cue.start, cue.end)]) if cue is not None else None,
                    source=TextSpan.from_ranges(text, [(source.start, source.end)]) if source is not None else None,
                    speaker=None,
                    act=_act(cue.text if cue is not None else ""),
                    confidence=round(calibration(raw), 4),
                )
            )
    results.sort(key=lambda a: a.content.start)
    return results


def _act(cue_text: str) -> SpeechAct:
    return "belief" if belief_in_text(cue_text) else "speech"

