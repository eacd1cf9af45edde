"""Scoring attributions against gold: span normalisation, one-to-one matching, P/R/F1.

Independent of any corpus format: gold and predictions are anything with
``content``, ``cue`` and ``source`` :class:`~saywho.models.TextSpan` attributes
(``cue``/``source`` may be None). ``docs/evaluation.md`` states the definitions;
this module is their single implementation.

Match modes
  ``strict``   same set of character ranges once surrounding whitespace is trimmed
  ``exact``    same, once edge punctuation (quote marks, commas, full stops,
               dashes, brackets) is trimmed too: annotators and extractors
               disagree on whether the closing ``,"`` belongs to a quote, and that
               is not what we want to measure
  ``overlap``  at least one shared non-space character
Matching is one-to-one: each gold item pairs with at most one prediction,
greedily by largest character overlap.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from saywho.models import SPEECH_ACTS, TextSpan

Ranges = tuple[tuple[int, int], ...]
Mode = Literal["strict", "exact", "overlap"]
Role = Literal["source", "cue", "content"]

MODES: tuple[Mode, ...] = ("strict", "exact", "overlap")
ROLES: tuple[Role, ...] = ("source", "cue", "content")
ACTS = SPEECH_ACTS


class Scorable(Protocol):
    """An attribution as scoring reads it (saywho's, textacy's or an annotator's, frozen or not)."""

    @property
    def content(self) -> TextSpan: ...

    @property
    def cue(self) -> TextSpan | None: ...

    @property
    def source(self) -> TextSpan | None: ...


# --- normalising spans --------------------------------------------------------


def _is_edge_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _trim(text: str, start: int, end: int, punctuation: bool) -> tuple[int, int]:
    def strip(char: str) -> bool:
        return char.isspace() or (punctuation and _is_edge_punctuation(char))

    while start < end and strip(text[start]):
        start += 1
    while end > start and strip(text[end - 1]):
        end -= 1
    return start, end


def normalise(text: str, ranges: Iterable[tuple[int, int]], mode: Mode) -> Ranges:
    """The canonical ranges a span is compared by under ``mode``.

    Each range is trimmed (whitespace; in ``exact`` mode edge punctuation too),
    empty ranges are dropped, and ranges separated only by what was trimmed are
    merged, so ``"A," "B."`` written as two ranges equals one range over both. A
    span that is all punctuation keeps its whitespace-trimmed form rather than
    vanishing.
    """
    punctuation = mode == "exact"
    trimmed = sorted(
        (s, e) for s, e in (_trim(text, s, e, punctuation) for s, e in ranges) if e > s
    )
    if not trimmed and punctuation:
        return normalise(text, ranges, "strict")
    merged: list[tuple[int, int]] = []
    for start, end in trimmed:
        if merged and _trim(text, merged[-1][1], start, punctuation)[0] >= start:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def overlap_size(a: Ranges, b: Ranges) -> int:
    """Number of characters two sorted, non-overlapping range sets share."""
    shared, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        shared += max(0, end - start)
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return shared


def spans_match(gold: Ranges, pred: Ranges, mode: Mode) -> bool:
    return overlap_size(gold, pred) > 0 if mode == "overlap" else gold == pred


# --- one-to-one matching ------------------------------------------------------


def match_pairs(candidates: Iterable[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of ``(gold, pred, weight)`` candidate pairs.

    Heaviest pair first; ties go to the earlier gold, then the earlier prediction,
    so the result does not depend on input order.
    """
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for g, p, _ in sorted(candidates, key=lambda c: (-c[2], c[0], c[1])):
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
            pairs.append((g, p))
    return sorted(pairs)


def match_spans(gold: Sequence[Ranges], pred: Sequence[Ranges], mode: Mode) -> list[tuple[int, int]]:
    """One-to-one pairs of (gold index, pred index) of spans that match under ``mode``."""
    candidates = []
    # Spans whose outer bounds do not meet share nothing: skip them before counting characters.
    pred_bounds = [(r[0][0], r[-1][1]) if r else (0, 0) for r in pred]
    for g, gold_ranges in enumerate(gold):
        if not gold_ranges:
            continue
        gold_start, gold_end = gold_ranges[0][0], gold_ranges[-1][1]
        for p, pred_ranges in enumerate(pred):
            pred_start, pred_end = pred_bounds[p]
            if pred_start >= gold_end or gold_start >= pred_end:
                continue
            shared = overlap_size(gold_ranges, pred_ranges)
            if shared and spans_match(gold_ranges, pred_ranges, mode):
                candidates.append((g, p, shared))
    return match_pairs(candidates)


# --- counts -------------------------------------------------------------------


def ratio(part: float, whole: float) -> float:
    """``part / whole``, and 0.0 over nothing (no prediction, no gold)."""
    return part / whole if whole else 0.0


@dataclass(slots=True)
class Counts:
    """Matched pairs, predictions and gold items; micro-averaged by adding up."""

    matched: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, matched: int, predicted: int, gold: int) -> None:
        self.matched += matched
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float:
        return ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float:
        return ratio(self.matched, self.gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return ratio(2 * p * r, p + r)

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "matched": self.matched,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass(slots=True)
class ActCounts(Counts):
    """Counts for one speech act, where the two sides are labelled differently.

    Precision counts predictions by their own ``act``; recall counts gold by
    :func:`gold_act`; a matched pair may fall under different acts on each side.
    """

    pred_matched: int = 0
    gold_matched: int = 0

    @property
    def precision(self) -> float:
        return ratio(self.pred_matched, self.predicted)

    @property
    def recall(self) -> float:
        return ratio(self.gold_matched, self.gold)

    def to_dict(self) -> dict[str, float | int]:
        out = super(ActCounts, self).to_dict()
        del out["matched"]
        out["pred_matched"], out["gold_matched"] = self.pred_matched, self.gold_matched
        return out


# --- errors for people tuning rules -------------------------------------------

#: Characters of article text shown either side of an error span.
CONTEXT_CHARS = 70

ErrorKind = Literal["missed", "spurious", "boundary", "wrong-source"]


@dataclass(slots=True)
class ErrorExample:
    """One disagreement, with enough text around it to judge it by eye."""

    article: str
    role: str  # a Role, or "attribution" for wrong-source
    kind: ErrorKind
    gold: str | None
    pred: str | None
    context: str
    gold_spans: Ranges = ()
    pred_spans: Ranges = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "article": self.article,
            "role": self.role,
            "kind": self.kind,
            "gold": self.gold,
            "pred": self.pred,
            "context": self.context,
            "gold_spans": [list(r) for r in self.gold_spans],
            "pred_spans": [list(r) for r in self.pred_spans],
        }


#: Longest piece of a span shown whole in an error's context; longer ones lose their middle.
LONGEST_SHOWN = 240


def context_of(text: str, ranges: Ranges, width: int = CONTEXT_CHARS) -> str:
    """The span in its surroundings, marked ``⟦…⟧``, on one line."""
    if not ranges:
        return ""
    start, end = ranges[0][0], ranges[-1][1]
    left = max(0, start - width)
    right = min(len(text), end + width)
    pieces = ["…" if left else "", text[left:start]]
    cursor = start
    for s, e in ranges:
        pieces += [_elide(text[cursor:s]), "⟦", _elide(text[s:e]), "⟧"]
        cursor = e
    pieces += [text[cursor:right], "…" if right < len(text) else ""]
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def _elide(piece: str) -> str:
    if len(piece) <= LONGEST_SHOWN:
        return piece
    keep = LONGEST_SHOWN // 2
    return piece[:keep] + " […] " + piece[-keep:]


def _span_text(text: str, ranges: Ranges) -> str:
    return " ".join(text[s:e] for s, e in ranges)


# --- gold speech act ----------------------------------------------------------

#: PolNeAR marks no speech act, so for the per-act split gold gets one from its cue:
#: a cue with any of these word forms reports a thought or belief, not speech.
#: Approximate on purpose (``docs/evaluation.md``); predictions use their own ``act``.
BELIEF_CUE = re.compile(
    r"\b(think|thinks|thought|thinking|believe[sd]?|believing|belief|beliefs|feel|feels|felt|"
    r"feeling|fear[sed]*|fearing|hope[sd]?|hoping|expect[seding]*|expectation|worr(?:y|ies|ied|ying)|"
    r"worried|know|knows|knew|known|knowing|doubt[seding]*|suspect[seding]*|assum(?:e|es|ed|ing)|"
    r"wonder[seding]*|consider[seding]*|convinced|sure|confident|certain|concerned|skeptical|"
    r"sceptical|view|views|opinion|suspicion|aware|realiz(?:e|es|ed|ing)|realis(?:e|es|ed|ing)|"
    r"understand[s]?|understood|imagine[sd]?|want[seding]*|wish[esding]*|see[sn]?|saw|"
    r"perceive[sd]?|trust[seding]*|reckon[seding]*|guess[esding]*|suppose[sd]?)\b",
    re.IGNORECASE,
)


def gold_act(cue_text: str | None) -> str:
    return "belief" if cue_text and BELIEF_CUE.search(cue_text) else "speech"


# --- the scorer ---------------------------------------------------------------


@dataclass(slots=True)
class Scores:
    """Everything one corpus run measures; add documents with :meth:`add_document`."""

    roles: dict[Mode, dict[Role, Counts]] = field(
        default_factory=lambda: {m: {r: Counts() for r in ROLES} for m in MODES}
    )
    attributions: dict[Mode, Counts] = field(default_factory=lambda: {m: Counts() for m in MODES})
    #: Attribution-level overlap scores split by act: precision by the prediction's
    #: ``act``, recall by the gold act from :func:`gold_act`.
    by_act: dict[str, ActCounts] = field(default_factory=lambda: {a: ActCounts() for a in ACTS})
    #: Role-level scores with every span cut at sentence boundaries.
    sentences: dict[Mode, dict[Role, Counts]] = field(
        default_factory=lambda: {m: {r: Counts() for r in ROLES} for m in MODES}
    )
    errors: list[ErrorExample] = field(default_factory=list)
    documents: int = 0

    def add_document(
        self,
        name: str,
        text: str,
        gold: Sequence[Scorable],
        pred: Sequence[Scorable],
        *,
        sentences: Sequence[tuple[int, int]] | None = None,
        collect_errors: bool = True,
    ) -> None:
        self.documents += 1
        for role in ROLES:
            gold_spans = _role_spans(gold, role)
            pred_spans = _role_spans(pred, role)
            for mode in MODES:
                _score_role(text, gold_spans, pred_spans, mode, self.roles[mode][role])
                if sentences is not None:
                    _score_role(
                        text,
                        split_at_sentences(gold_spans, sentences),
                        split_at_sentences(pred_spans, sentences),
                        mode,
                        self.sentences[mode][role],
                    )
            if collect_errors:
                self.errors += _role_errors(name, text, role, gold_spans, pred_spans)
        for mode in MODES:
            pairs = match_attributions(text, gold, pred, mode)
            self.attributions[mode].add(len(pairs), len(pred), len(gold))
            if mode == "overlap":
                self._add_acts(gold, pred, pairs)
                if collect_errors:
                    self.errors += _source_errors(name, text, gold, pred)

    def _add_acts(self, gold: Sequence[Scorable], pred: Sequence[Scorable], pairs: list[tuple[int, int]]) -> None:
        acts = [getattr(p, "act", "speech") for p in pred]
        gold_acts = [gold_act(g.cue.text if g.cue else None) for g in gold]
        for act in ACTS:
            counts = self.by_act[act]
            counts.predicted += acts.count(act)
            counts.gold += gold_acts.count(act)
            counts.pred_matched += sum(1 for _, p in pairs if acts[p] == act)
            counts.gold_matched += sum(1 for g, _ in pairs if gold_acts[g] == act)

    def sample_errors(self, per_kind: int, seed: int = 0) -> list[ErrorExample]:
        """Up to ``per_kind`` examples of each (role, kind), sampled reproducibly."""
        groups: dict[tuple[str, str], list[ErrorExample]] = {}
        for error in self.errors:
            groups.setdefault((error.role, error.kind), []).append(error)
        rng = random.Random(seed)
        picked = []
        for key in sorted(groups):
            items = groups[key]
            picked += rng.sample(items, per_kind) if len(items) > per_kind else items
        return picked

    def frequent_error_texts(self, role: Role, kind: ErrorKind, top: int = 15) -> list[tuple[str, int]]:
        """The commonest span texts (lower-cased) among one kind of error, e.g. missed cues."""
        texts = Counter(
            ((e.gold if kind != "spurious" else e.pred) or "").lower().strip()
            for e in self.errors
            if e.role == role and e.kind == kind
        )
        return texts.most_common(top)

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "roles": {m: {r: c.to_dict() for r, c in roles.items()} for m, roles in self.roles.items()},
            "attributions": {m: c.to_dict() for m, c in self.attributions.items()},
            "attributions_by_act": {a: c.to_dict() for a, c in self.by_act.items()},
            "sentence_level": {
                m: {r: c.to_dict() for r, c in roles.items()} for m, roles in self.sentences.items()
            },
        }


def _role_spans(attributions: Sequence[Scorable], role: Role) -> list[Ranges]:
    """The role's raw ranges, one entry per attribution that has the role."""
    spans = []
    for attribution in attributions:
        span = getattr(attribution, role)
        if span is not None and span.spans:
            spans.append(tuple(span.spans))
    return spans


def _distinct(text: str, spans: Iterable[Ranges], mode: Mode) -> list[Ranges]:
    """Normalised spans with duplicates removed, first occurrence order.

    One source or cue often serves several attributions ("he said A and B");
    role-level scores ask whether the span was found, so it counts once.
    """
    seen: dict[Ranges, None] = {}
    for ranges in spans:
        normal = normalise(text, ranges, mode)
        if normal:
            seen.setdefault(normal, None)
    return list(seen)


def _score_role(text: str, gold: list[Ranges], pred: list[Ranges], mode: Mode, counts: Counts) -> None:
    gold_n, pred_n = _distinct(text, gold, mode), _distinct(text, pred, mode)
    counts.add(len(match_spans(gold_n, pred_n, mode)), len(pred_n), len(gold_n))


def _role_errors(name: str, text: str, role: Role, gold: list[Ranges], pred: list[Ranges]) -> list[ErrorExample]:
    """Boundary errors (overlap but not exact), misses and spurious spans of one role."""
    gold_x, pred_x = _distinct(text, gold, "exact"), _distinct(text, pred, "exact")
    exact_pairs = match_spans(gold_x, pred_x, "exact")
    gold_left = [g for i, g in enumerate(gold_x) if i not in {a for a, _ in exact_pairs}]
    pred_left = [p for i, p in enumerate(pred_x) if i not in {b for _, b in exact_pairs}]
    near = match_spans(gold_left, pred_left, "overlap")
    errors = []
    for g, p in near:
        errors.append(
            ErrorExample(
                name, role, "boundary", _span_text(text, gold_left[g]), _span_text(text, pred_left[p]),
                context_of(text, _hull(gold_left[g], pred_left[p])), gold_left[g], pred_left[p],
            )
        )
    for g in sorted(set(range(len(gold_left))) - {a for a, _ in near}):
        ranges = gold_left[g]
        errors.append(ErrorExample(name, role, "missed", _span_text(text, ranges), None, context_of(text, ranges), ranges))
    for p in sorted(set(range(len(pred_left))) - {b for _, b in near}):
        ranges = pred_left[p]
        errors.append(
            ErrorExample(name, role, "spurious", None, _span_text(text, ranges), context_of(text, ranges), (), ranges)
        )
    return errors


def _hull(a: Ranges, b: Ranges) -> Ranges:
    return ((min(a[0][0], b[0][0]), max(a[-1][1], b[-1][1])),)


def _ranges(text: str, span: TextSpan | None, mode: Mode) -> Ranges | None:
    return normalise(text, span.spans, mode) if span is not None else None


def match_attributions(
    text: str, gold: Sequence[Scorable], pred: Sequence[Scorable], mode: Mode
) -> list[tuple[int, int]]:
    """One-to-one (gold, pred) pairs whose content and source both match under ``mode``.

    A gold attribution without a source matches only a prediction without one.
    Pairs are weighed by shared content plus shared source characters.
    """
    gold_parts = [(_ranges(text, g.content, mode), _ranges(text, g.source, mode)) for g in gold]
    pred_parts = [(_ranges(text, p.content, mode), _ranges(text, p.source, mode)) for p in pred]
    candidates = []
    for gi, (g_content, g_source) in enumerate(gold_parts):
        for pi, (p_content, p_source) in enumerate(pred_parts):
            if not g_content or not p_content or not spans_match(g_content, p_content, mode):
                continue
            if (g_source is None) != (p_source is None):
                continue
            source_shared = 0
            if g_source is not None and p_source is not None:
                if not spans_match(g_source, p_source, mode):
                    continue
                source_shared = overlap_size(g_source, p_source)
            candidates.append((gi, pi, overlap_size(g_content, p_content) + source_shared))
    return match_pairs(candidates)


def _source_errors(name: str, text: str, gold: Sequence[Scorable], pred: Sequence[Scorable]) -> list[ErrorExample]:
    """Attributions whose content was found (overlap) but credited to the wrong source."""
    matched = {g for g, _ in match_attributions(text, gold, pred, "overlap")}
    gold_content = [normalise(text, g.content.spans, "overlap") for g in gold]
    pred_content = [normalise(text, p.content.spans, "overlap") for p in pred]
    content_pairs = match_spans(gold_content, pred_content, "overlap")
    errors = []
    for g, p in content_pairs:
        if g in matched:
            continue
        g_src, p_src = gold[g].source, pred[p].source
        shown = [f"content {context_of(text, tuple(gold[g].content.spans), 0)}"]
        for side, src in (("gold", g_src), ("pred", p_src)):
            if src is not None:
                shown.append(f"{side} source {context_of(text, tuple(src.spans), 30)}")
        errors.append(
            ErrorExample(
                name, "attribution", "wrong-source",
                g_src.text if g_src else None, p_src.text if p_src else None,
                " | ".join(shown),
                tuple(g_src.spans) if g_src else (), tuple(p_src.spans) if p_src else (),
            )
        )
    return errors


# --- sentence level -----------------------------------------------------------


def split_at_sentences(spans: Iterable[Ranges], sentences: Sequence[tuple[int, int]]) -> list[Ranges]:
    """Cut spans at sentence boundaries: each (span, sentence) overlap becomes one span.

    This is the unit of sentence-level evaluation, where a quote running over
    three sentences is three items, as in token-tagging evaluations.
    """
    pieces = []
    for ranges in spans:
        for s_start, s_end in sentences:
            piece = tuple(
                (max(s, s_start), min(e, s_end)) for s, e in ranges if min(e, s_end) > max(s, s_start)
            )
            if piece:
                pieces.append(piece)
    return pieces
