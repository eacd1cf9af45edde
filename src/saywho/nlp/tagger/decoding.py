"""Decoding: per-token BIO probabilities to spans of each role, word by word."""

from __future__ import annotations

import numpy as np

from saywho.nlp.tagger.config import DecodingConfig, TaggerConfig
from saywho.nlp.tagger.spans import BEGIN, INSIDE, OUTSIDE, PARAGRAPH_BREAK, ROLES, Role, TaggedSpan


def decode_spans(
    probs: np.ndarray,
    offsets: list[tuple[int, int]],
    words: list[int | None],
    text: str,
    config: DecodingConfig | None = None,
) -> list[TaggedSpan]:
    """Spans of each role from per-token BIO probabilities, decoded word by word.

    A word is labelled by its first word-piece. Per role, the labels are the most
    likely B/I/O sequence, where an I should follow a B or an I (:func:`_best_path`);
    this bridges a word the tagger doubts inside a span it is sure of on both
    sides, where a per-word threshold would cut it. A B inside a run splits
    sources and cues (two adjacent speakers) but not contents: a content is one
    stretch of text, and a B inside it is the tagger hesitating, not a new quote.
    A span is scored by its mean in-role probability. ``config``: the shipped
    model's unless given (a model's own is ``TaggerModel.config.decoding``).
    """
    config = config or TaggerConfig.default().decoding
    word_starts = [i for i, w in enumerate(words) if i == 0 or w is None or w != words[i - 1]]
    word_ends = [*word_starts[1:], len(words)]
    spans: list[TaggedSpan] = []
    for r, role in enumerate(ROLES):
        inside = probs[:, r, BEGIN] + probs[:, r, INSIDE]
        for first, last in _runs(role, probs[word_starts, r, :], word_starts, word_ends, config):
            score = float(inside[first : last + 1].mean())
            pieces = [(offsets[first][0], offsets[last][1])]
            if role == "content":
                pieces = _split_at_paragraphs(text, *pieces[0], split_unquoted=config.split_unquoted_paragraphs)
            spans.extend(TaggedSpan(role, start, end, score, text[start:end]) for start, end in pieces)
    spans.sort(key=lambda s: (s.start, ROLES.index(s.role)))
    return spans


def _runs(
    role: Role, word_probs: np.ndarray, word_starts: list[int], word_ends: list[int], config: DecodingConfig
) -> list[tuple[int, int]]:
    """First and last word-piece of each span of one role (see :func:`decode_spans`)."""
    exit_cost = config.content_exit_cost if role == "content" else 0.0
    labels = _best_path(word_probs, getattr(config.outside_bias, role), exit_cost, config.inside_without_begin_cost)
    runs: list[tuple[int, int]] = []
    open_span = False
    for label, first, stop in zip(labels, word_starts, word_ends):
        if label == OUTSIDE:
            open_span = False
        elif not open_span or (label == BEGIN and (role != "content" or config.split_content_at_begin)):
            runs.append((first, stop - 1))
            open_span = True
        else:
            runs[-1] = (runs[-1][0], stop - 1)
    return runs


def _best_path(word_probs: np.ndarray, outside_bias: float, exit_cost: float, enter_inside: float) -> list[int]:
    """Viterbi over (words, O/B/I) probabilities: the label sequence of highest summed
    log-probability, "outside" shifted by ``outside_bias``, each step out of a span charged
    ``exit_cost`` and each I that follows an O ``enter_inside``."""
    if not len(word_probs):
        return []
    log_p = np.log(np.clip(word_probs, 1e-9, 1.0))
    log_p[:, OUTSIDE] += outside_bias
    # Three states: plain Python floats beat numpy's per-call overhead on 3x3 steps.
    o, b, i = log_p[0, OUTSIDE], log_p[0, BEGIN], log_p[0, INSIDE] - enter_inside
    back: list[tuple[int, int, int]] = []
    for emit_o, emit_b, emit_i in log_p[1:].tolist():
        to_o, from_o = _best_of(o, b - exit_cost, i - exit_cost)
        to_b, from_b = _best_of(o, b, i)
        to_i, from_i = _best_of(o - enter_inside, b, i)
        back.append((from_o, from_b, from_i))
        o, b, i = to_o + emit_o, to_b + emit_b, to_i + emit_i
    path = [_best_of(o, b, i)[1]]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    return path[::-1]


def _best_of(outside: float, begin: float, inside: float) -> tuple[float, int]:
    """The highest of three path scores and its label; ties go to O, then B."""
    if outside >= begin and outside >= inside:
        return outside, OUTSIDE
    return (begin, BEGIN) if begin >= inside else (inside, INSIDE)


def _split_at_paragraphs(text: str, start: int, end: int, *, split_unquoted: bool) -> list[tuple[int, int]]:
    """A content run cut at each paragraph break that follows a closed quote, or (with
    ``split_unquoted``) that opens a paragraph without a quote mark.

    A quote that goes on into the next paragraph leaves its closing mark off and
    opens the next one with a new mark (news convention), so ``..."\\n\\n"...`` is
    two quotes, most often two speakers', however sure the tagger is of the text
    in between.
    """
    pieces, piece_start = [], start
    for match in PARAGRAPH_BREAK.finditer(text, start, end):
        before = text[piece_start : match.start()].rstrip()
        after = text[match.end() : end].lstrip()
        closed = before.endswith(("\u201d", '"')) and before.count('"') % 2 == 0
        if closed or (split_unquoted and after and after[0] not in "\"\u201c\u2018'"):
            if before:
                pieces.append((piece_start, piece_start + len(before)))
            piece_start = match.end()
    pieces.append((end - len(text[piece_start:end].lstrip()), end))
    return [(s, e) for s, e in pieces if e > s]
