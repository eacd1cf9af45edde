"""One statement per quoted piece: splitting a quotation its cue interrupts, and joining it back.

Extraction finds ``"X," she said. "Y."`` and ``"X," she said, "Y."`` as one
attribution whose content has two spans (PolNeAR annotates them so). A reader
counting who said what counts two statements, and so do this project's
speaker guidelines (``docs/speakers.md``):

* ``"X," she said, "Y."``: two statements sharing the cue and the source;
* ``"X," she said. "Y."``: the second is an *implicit continuation* of the
  first, with no cue and no source of its own; its speaker is the first's.

``split_statements`` makes the output follow that; ``join_statements`` undoes
it exactly, for scoring against a corpus of the other convention (PolNeAR).
Pieces separated only by whitespace or punctuation stay one statement, and so
does reported speech its cue interrupts ("Sales will fall, Fiat said, as it
exits ..."): only a piece that opens with a quotation mark stands alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

from saywho.models import Attribution, AttributionType, TextSpan
from saywho.nlp.quotes import QUOTE_CHARS

_WORD = re.compile(r"\w")


def split_statements(attributions: list[Attribution], text: str) -> list[Attribution]:
    """Each quoted piece of a multi-span content as its own statement (in text order)."""
    out: list[Attribution] = []
    for attribution in attributions:
        out.extend(_split(attribution, text))
    return out


def _split(attribution: Attribution, text: str) -> list[Attribution]:
    spans = sorted(attribution.content.spans)
    if len(spans) < 2 or attribution.headline:
        return [attribution]
    groups: list[list[tuple[int, int]]] = [[spans[0]]]
    for span in spans[1:]:
        gap = text[groups[-1][-1][1] : span[0]]
        if _WORD.search(gap) is None or not _quoted(text, span):
            # Only marks between, or reported words around a cue ("Sales will fall, Fiat said,
            # as it exits ..."): one statement, as the guidelines take a clause its cue interrupts.
            groups[-1].append(span)
        else:
            groups.append([span])
    if len(groups) == 1:
        return [attribution]
    cue_start = attribution.cue.start if attribution.cue is not None else None
    pieces = []
    for index, group in enumerate(groups):
        content = TextSpan.from_ranges(text, group)
        continuation = index > 0 and cue_start is not None and cue_start < group[0][0] and _sentence_between(text, cue_start, group[0][0])
        pieces.append(
            replace(
                attribution,
                type=_type_of(content.text),
                content=content,
                cue=None if continuation else attribution.cue,
                source=None if continuation else attribution.source,
                when=None,
                continues=index > 0,
            )
        )
    return pieces


def _quoted(text: str, span: tuple[int, int]) -> bool:
    return text[span[0] : span[1]].lstrip()[:1] in QUOTE_CHARS


def _sentence_between(text: str, cue_start: int, piece_start: int) -> bool:
    """The piece starts a new sentence after the cue's: ``"X," he said. "Y."``."""
    between = text[cue_start:piece_start].rstrip().rstrip(QUOTE_CHARS).rstrip()
    return between.endswith((".", "!", "?", ":", ";")) or "\n" in text[cue_start:piece_start]


def _type_of(content: str) -> AttributionType:
    stripped = content.strip()
    if stripped[:1] in QUOTE_CHARS and stripped[-1:] in QUOTE_CHARS + ".,!?":
        return "direct"
    return "mixed" if any(mark in stripped for mark in "\"\u201c\u201d") else "indirect"


def join_statements(attributions: list[Attribution]) -> list[Attribution]:
    """The inverse of :func:`split_statements`: each statement that ``continues`` joins the
    statement before it in the article's list (where splitting put it), so a quotation its
    cue interrupts is one attribution again."""
    out: list[Attribution] = []
    for attribution in attributions:
        previous = next((i for i in range(len(out) - 1, -1, -1) if not out[i].headline), None)
        if attribution.continues and previous is not None:
            out[previous] = _joined(out[previous], attribution)
        else:
            out.append(attribution)
    return out


def _joined(first: Attribution, second: Attribution) -> Attribution:
    spans = tuple(sorted(first.content.spans + second.content.spans))
    text = " ".join(piece for piece in (first.content.text, second.content.text))
    kind: AttributionType = first.type if first.type == second.type else "mixed"
    return replace(first, content=TextSpan(text, spans), type=kind, continues=False)
