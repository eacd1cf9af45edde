"""When a statement was made: the date expression on the cue's clause, resolved if possible.

"said on Tuesday" in an article published on Wednesday 2017-07-12 resolves to
2017-07-11. Only dates that modify the cue itself count: a date inside the
content ("the military was unable to stop them in 2014") is what was said, not
when.
"""

from __future__ import annotations

import datetime as dt
import functools

import dateparser
from spacy.tokens import Doc, Span

from saywho.models import Attribution, When
from saywho.nlp.model import doc_text, ents_between

_PREPOSITIONS = frozenset({"on", "in", "at", "during", "last", "this", "earlier", "late", "early"})
_WEEKDAYS = {name: number for number, name in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
_DATEPARSER_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}


def find_when(doc: Doc, attribution: Attribution, *, published: str | None = None) -> When | None:
    if attribution.cue is None:
        return None
    cue = doc.char_span(attribution.cue.start, attribution.cue.end, alignment_mode="expand")
    if cue is None:
        return None
    head = cue.root
    content = attribution.content.spans
    sentence = head.sent
    for ent in ents_between(doc, sentence.start_char, sentence.end_char):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(s <= ent.start_char < e for s, e in content):
            continue
        if not _modifies(ent, head):
            continue
        start = ent.start_char
        before = doc[ent.start - 1] if ent.start > 0 else None
        if before is not None and before.lower_ in _PREPOSITIONS and before.i not in range(ent.start, ent.end):
            start = before.idx
        expression = doc_text(doc)[start : ent.end_char]
        return When(text=expression, span=(start, ent.end_char), date=resolve_date(ent.text, published))
    return None


def _modifies(ent: Span, cue_head) -> bool:
    """The date hangs off the cue verb (through at most a preposition), not off its content."""
    node = ent.root
    for _ in range(3):
        if node == cue_head:
            return True
        if node.head == node:
            return False
        node = node.head
    return node == cue_head


@functools.lru_cache(maxsize=4096)
def resolve_date(expression: str, published: str | None) -> str | None:
    """ISO date of ``expression`` relative to the publication date, or None if it can't be pinned."""
    if not published:
        return None
    try:
        base = dt.datetime.fromisoformat(published[:10])
    except ValueError:
        return None
    weekday = _WEEKDAYS.get(expression.strip().lower().removeprefix("on ").rstrip("."))
    if weekday is not None:
        # News style: "said on Tuesday" is the latest Tuesday up to the publication day itself.
        try:
            return (base.date() - dt.timedelta(days=(base.weekday() - weekday) % 7)).isoformat()
        except OverflowError:  # a publication date in the first days of year 1: a page's junk
            return None
    settings = dict(_DATEPARSER_SETTINGS, RELATIVE_BASE=base)
    try:
        parsed = dateparser.parse(expression, languages=["en"], settings=settings)
    except (ValueError, OverflowError):  # dates at the ends of the calendar
        return None
    if parsed is None:
        return None
    if parsed.date() > base.date():
        return None  # "said on Tuesday" cannot be after publication
    return parsed.date().isoformat()
