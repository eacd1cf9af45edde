"""The trained attribution tagger: a small transformer run with onnxruntime, no torch.

A MiniLM-L6 encoder fine-tuned on PolNeAR train (``scripts/train_tagger.py``,
``docs/model.md``) tags every word-piece with three independent BIO labels, one
per role (source, cue, content), so a source inside another attribution's
content is still tagged. Long articles are read in overlapping windows; where
two overlap, a token's scores are their average, weighted by its distance from each edge.

The tagged spans are then linked into :class:`~saywho.models.Attribution`
records by position (:func:`link_spans`): each content goes to the nearest cue
that is not inside it, quote pieces on both sides of one cue become one
content (``"A," he said, "B."``), and each cue takes the nearest source in its
paragraph. Confidence is the tagger's span probability mapped through an
isotonic calibration fitted on PolNeAR dev (``calibration.json``).

    >>> from saywho.nlp.tagger import tag_text
    >>> spans = tag_text('"We will win," Jane Smith said on Tuesday.')
    >>> [(s.role, s.text) for s in spans]  # doctest: +SKIP
    [('content', 'We will win,'), ('source', 'Jane Smith'), ('cue', 'said')]
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from saywho.errors import SaywhoError
from saywho.models import Attribution, TextSpan
from saywho.nlp.model import doc_text
from saywho.nlp.quotes import QUOTE_CHARS, find_quotes

if TYPE_CHECKING:  # spaCy is only needed by callers that pass a Doc
    from spacy.tokens import Doc

Role = Literal["source", "cue", "content"]
ROLES: tuple[Role, ...] = ("source", "cue", "content")
#: Per role: 0 = outside, 1 = begins a span, 2 = inside a span.
OUTSIDE, BEGIN, INSIDE = 0, 1, 2
LABELS_PER_ROLE = 3

MODEL_DIR = Path(__file__).resolve().parent / "data" / "model"
#: Word-pieces per window, without [CLS]/[SEP]; the model was trained on this length.
WINDOW_TOKENS = 254
#: Word-pieces shared by neighbouring windows, so no token is tagged without context.
WINDOW_OVERLAP = 64
#: Windows run through the encoder together (bounded so memory stays flat on long articles).
BATCH_WINDOWS = 8

#: Spans are decoded per role as the most likely B/I/O sequence over words (Viterbi), with
#: these log-odds added to "outside": above 0 a word needs more evidence to enter a span.
#: This and the next two: chosen on dev (``--steps decode``).
OUTSIDE_BIAS: dict[str, float] = {"source": 0.0, "cue": 0.0, "content": 0.5}
#: Log-probability charged for closing a content: the tagger's confidence sags in the middle
#: of long quotes, and a content cut there is wrong twice (two wrong spans for one right one).
CONTENT_EXIT_COST = 1.5
#: Whether a B inside a run of content words starts a new content (two quotes back to back)
#: or is read as the tagger hesitating inside one.
SPLIT_CONTENT_AT_BEGIN = False
#: Log-probability charged for an I straight after an O: a span opens on a B, but a word the
#: tagger is sure is inside a span still opens one when it saw no B (scored the same on dev
#: as forbidding it, and keeps such words).
INSIDE_WITHOUT_BEGIN_COST = 2.5
#: Whether a content is also cut at a paragraph break when the next paragraph opens no
#: quote: reported speech rarely runs over paragraphs, a quote that does reopens its mark.
#: Chosen on dev (``--steps decode``: +0.6 exact content F1, -0.3 attribution overlap F1).
SPLIT_UNQUOTED_PARAGRAPHS = True
#: A content further than this (characters of gap) from every cue gets no cue.
MAX_CUE_GAP = 400
#: Keep contents linked to no cue (PolNeAR annotates a few). Dropping them changed dev F1 by
#: under 0.005 either way; kept, their calibrated confidence is near 0 and ``min_confidence`` drops them.
KEEP_UNCUED = True
#: Quote pieces around one cue are joined only when each is this close to the cue.
MAX_PIECE_GAP = 60
#: A source further than this from its cue is not taken (appositions can be long).
MAX_SOURCE_GAP = 250
#: A quote resumed after its cue (``"A," he said. "B."``) must start this close to the cue.
MAX_CONTINUATION_GAP = 160
_PARAGRAPH_BREAK = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019')]*\s")


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    """One span the tagger found: role, character range, mean tag probability."""

    role: Role
    start: int
    end: int
    score: float
    text: str


# --- model loading ---------------------------------------------------------------


class TaggerModel:
    """The ONNX encoder, its tokenizer and calibration; load once per process (:func:`get_model`)."""

    def __init__(self, directory: Path = MODEL_DIR, threads: int | None = None):
        try:
            import onnxruntime
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise SaywhoError(f"the model mode needs onnxruntime and tokenizers ({error})") from error
        model_path = directory / "model.onnx"
        if not model_path.is_file():
            raise SaywhoError(f"no tagger model at {model_path}; train one with scripts/train_tagger.py")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or int(os.environ.get("SAYWHO_THREADS", "0")) or 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = load_tokenizer(directory / "tokenizer.json")
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0
        self.calibration = Calibration.load(directory / "calibration.json")
        #: Which of :func:`token_features`' arrays the model reads (none for the oldest models,
        #: case and quote state for models trained without the parse).
        inputs = {i.name for i in self.session.get_inputs()}
        self.feature_inputs = tuple(name for name in FEATURE_INPUTS if name in inputs)
        self._lock = threading.Lock()

    @property
    def reads_features(self) -> bool:
        return bool(self.feature_inputs)

    @property
    def reads_parse(self) -> bool:
        return "dep_ids" in self.feature_inputs

    def logits(self, windows: list[list[int]], features: list[np.ndarray] | None = None) -> np.ndarray:
        """Raw scores (windows, tokens, roles * labels) for batches of token-id windows
        (and, for a model that reads them, the windows' :func:`token_features`)."""
        width = max(len(w) for w in windows) + 2
        ids = np.full((len(windows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        for row, window in enumerate(windows):
            ids[row, : len(window) + 2] = [self.cls_id, *window, self.sep_id]
            mask[row, : len(window) + 2] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self.reads_features and features is not None:
            batch = feature_batch(features, width)
            feeds.update((name, batch[name]) for name in self.feature_inputs)
        with self._lock:  # onnxruntime sessions are thread-safe, but one run at a time keeps memory flat
            (out,) = self.session.run(None, feeds)
        return out[:, 1:-1, :]


def load_tokenizer(path: Path):
    """The word-piece tokenizer, whole-text: windows are cut by :func:`window_bounds`, not by truncation."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


@lru_cache(maxsize=1)
def get_model() -> TaggerModel:
    """The process-wide tagger (loaded on first use)."""
    return TaggerModel()


# --- calibration -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Calibration:
    """A monotone map from raw span probability to the chance the attribution is right.

    Stored as isotonic-regression breakpoints; between them it interpolates
    linearly. Without a file it is the identity.
    """

    raw: tuple[float, ...] = (0.0, 1.0)
    calibrated: tuple[float, ...] = (0.0, 1.0)

    @classmethod
    def load(cls, path: Path) -> Calibration:
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["raw"]), tuple(data["calibrated"]))

    def __call__(self, score: float) -> float:
        return float(np.interp(score, self.raw, self.calibrated))


# --- tokens and windows --------------------------------------------------------------


def window_bounds(n_tokens: int, size: int = WINDOW_TOKENS, overlap: int = WINDOW_OVERLAP) -> list[tuple[int, int]]:
    """Start/end token indices of overlapping windows covering ``n_tokens``.

    >>> window_bounds(10, size=4, overlap=2)
    [(0, 4), (2, 6), (4, 8), (6, 10)]
    >>> window_bounds(3, size=4, overlap=2)
    [(0, 3)]
    """
    if n_tokens <= size:
        return [(0, n_tokens)]
    step = size - overlap
    starts = list(range(0, n_tokens - size, step)) + [n_tokens - size]
    return [(s, s + size) for s in sorted(set(starts))]


def stitch(n_tokens: int, bounds: list[tuple[int, int]], per_window: list[np.ndarray]) -> np.ndarray:
    """One row per token: where windows overlap, their scores averaged, each weighted by the
    token's distance from that window's edge (near an edge it saw little context on that side).
    On dev, +0.4 source F1 against keeping only the window where the token is most central."""
    width = per_window[0].shape[-1]
    total = np.zeros((n_tokens, width), dtype=np.float64)
    weight = np.zeros(n_tokens, dtype=np.float64)
    for (start, end), values in zip(bounds, per_window):
        positions = np.arange(start, end)
        margin = np.minimum(positions - start, end - 1 - positions) + 1.0
        total[start:end] += values[: end - start] * margin[:, None]
        weight[start:end] += margin
    return (total / weight[:, None]).astype(np.float32)


def role_probabilities(logits: np.ndarray) -> np.ndarray:
    """(tokens, roles * labels) scores -> (tokens, roles, labels) probabilities."""
    shaped = logits.reshape(logits.shape[0], len(ROLES), LABELS_PER_ROLE).astype(np.float64)
    shaped -= shaped.max(axis=-1, keepdims=True)
    exp = np.exp(shaped)
    return exp / exp.sum(axis=-1, keepdims=True)


#: What the uncased word-pieces lose, given to the encoder as extra embeddings: the case of
#: each piece (0 none, as for [CLS]; 1 lower; 2 Capitalised; 3 UPPER; 4 no letter) and
#: whether it is a quote mark (2), inside a quote (1) or outside (0). The quote state of a
#: token can hang on a mark hundreds of tokens back, which a 6-layer encoder reads poorly.
CASE_CLASSES, QUOTE_CLASSES = 5, 3

#: The parse the pipeline has already made, for models trained with it: the dependency label
#: of each piece's spaCy token and which side its head is on (clause and apposition edges are
#: where content boundaries go wrong), and its coarse part of speech. 0 means no parse (the
#: text was tagged without a Doc), 1 a label outside these lists (another spaCy model).
DEP_LABELS = (
    "ROOT", "acl", "acomp", "advcl", "advmod", "agent", "amod", "appos", "attr", "aux", "auxpass", "case",
    "cc", "ccomp", "compound", "conj", "csubj", "csubjpass", "dative", "dep", "det", "dobj", "expl", "intj",
    "mark", "meta", "neg", "nmod", "npadvmod", "nsubj", "nsubjpass", "nummod", "oprd", "parataxis", "pcomp",
    "pobj", "poss", "preconj", "predet", "prep", "prt", "punct", "quantmod", "relcl", "xcomp",
)  # fmt: skip
POS_TAGS = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
    "SCONJ", "SYM", "VERB", "X", "SPACE",
)  # fmt: skip
DEP_CLASSES, POS_CLASSES = 2 + 2 * len(DEP_LABELS), 2 + len(POS_TAGS)
_DEP_INDEX = {label: i for i, label in enumerate(DEP_LABELS)}
_POS_INDEX = {tag: 2 + i for i, tag in enumerate(POS_TAGS)}
#: The feature arrays, in the order of :func:`token_features`' columns, as the ONNX inputs name them.
FEATURE_INPUTS = ("case_ids", "quote_ids", "dep_ids", "pos_ids")


def token_features(text: str, offsets: list[tuple[int, int]], doc: Doc | None = None) -> np.ndarray:
    """(tokens, 4) int64: case class, quote state, dependency and part of speech of each
    word-piece (see ``CASE_CLASSES`` and ``DEP_LABELS``; the last two are 0 without ``doc``)."""
    quoted = np.zeros(len(text) + 1, dtype=np.int64)
    for quote in find_quotes(text):
        for start, end in quote.ranges:
            quoted[start] += 1
            quoted[end] -= 1
    quoted = np.cumsum(quoted)[: len(text)] > 0
    features = np.zeros((len(offsets), len(FEATURE_INPUTS)), dtype=np.int64)
    for i, (start, end) in enumerate(offsets):
        piece = text[start:end]
        if not piece:
            continue
        letters = [c for c in piece if c.isalpha()]
        if not letters:
            case = 4
        elif all(c.isupper() for c in letters):
            case = 3 if len(letters) > 1 or start == 0 or not text[start - 1].isalpha() else 2
        else:
            case = 2 if letters[0].isupper() else 1
        quote_state = 2 if all(c in QUOTE_CHARS for c in piece) else int(bool(quoted[start]))
        features[i, :2] = (case, quote_state)
    if doc is not None and len(doc) and offsets:
        features[:, 2:] = _parse_features(doc, offsets)
    return features


def _parse_features(doc: Doc, offsets: list[tuple[int, int]]) -> np.ndarray:
    """(pieces, 2): dependency-and-direction and part-of-speech ids of the token under each piece."""
    # Read as arrays (``Doc.to_array``), not token by token: this runs on every article in model mode.
    dep, head, pos, idx, length = doc.to_array(["DEP", "HEAD", "POS", "IDX", "LENGTH"]).T  # uint64: hashes
    head, idx, length = head.astype(np.int64), idx.astype(np.int64), length.astype(np.int64)
    per_token = np.zeros((len(doc) + 1, 2), dtype=np.int64)  # the last row: pieces on no token
    # A pipeline without a parser or tagger leaves the labels empty: that is "no parse" (0),
    # which the model was trained to read, not "an unknown label" on every token (1).
    strings = doc.vocab.strings
    if doc.has_annotation("DEP"):
        values, of_token = np.unique(dep, return_inverse=True)
        labels = np.array([_DEP_INDEX.get(strings[int(v)], -1) for v in values], dtype=np.int64)[of_token]
        # 1: a label outside the list; else the label and the side of the head (HEAD is relative).
        per_token[:-1, 0] = np.where(labels < 0, 1, 2 + 2 * labels + (head < 0))
    if doc.has_annotation("POS"):
        values, of_token = np.unique(pos, return_inverse=True)
        per_token[:-1, 1] = np.array([_POS_INDEX.get(strings[int(v)], 1) for v in values], dtype=np.int64)[of_token]
    starts = np.fromiter((start for start, _ in offsets), dtype=np.int64, count=len(offsets))
    token = np.searchsorted(idx, starts, side="right") - 1
    inside = (token >= 0) & (starts < idx[np.maximum(token, 0)] + length[np.maximum(token, 0)])
    return per_token[np.where(inside, token, len(doc))]


def feature_batch(features: list[np.ndarray], width: int) -> dict[str, np.ndarray]:
    """The feature arrays (windows, width), one per ``FEATURE_INPUTS`` name, in the layout of
    the token ids: [CLS] and [SEP] and padding take class 0."""
    batch = {name: np.zeros((len(features), width), dtype=np.int64) for name in FEATURE_INPUTS}
    for row, window in enumerate(features):
        for column, name in enumerate(FEATURE_INPUTS):
            batch[name][row, 1 : len(window) + 1] = window[:, column]
    return batch


def token_probabilities(
    model: TaggerModel, text: str, doc: Doc | None = None
) -> tuple[np.ndarray, list[tuple[int, int]], list[int | None]]:
    """Tag probabilities for every word-piece of ``text``, with offsets and word ids
    (``doc``, spaCy's parse of the same text, feeds a model trained with the parse)."""
    encoding = model.tokenizer.encode(text, add_special_tokens=False)
    ids, offsets, words = encoding.ids, encoding.offsets, encoding.word_ids
    if not ids:
        return np.zeros((0, len(ROLES), LABELS_PER_ROLE)), [], []
    features = token_features(text, offsets, doc) if model.reads_features else None
    bounds = window_bounds(len(ids))
    per_window: list[np.ndarray] = []
    for first in range(0, len(bounds), BATCH_WINDOWS):
        batch = bounds[first : first + BATCH_WINDOWS]
        window_features = None if features is None else [features[s:e] for s, e in batch]
        logits = model.logits([ids[s:e] for s, e in batch], window_features)
        per_window.extend(logits[row] for row in range(len(batch)))
    return role_probabilities(stitch(len(ids), bounds, per_window)), list(offsets), list(words)


# --- decoding --------------------------------------------------------------------------


def decode_spans(
    probs: np.ndarray, offsets: list[tuple[int, int]], words: list[int | None], text: str
) -> list[TaggedSpan]:
    """Spans of each role from per-token BIO probabilities, decoded word by word.

    A word is labelled by its first word-piece. Per role, the labels are the most
    likely B/I/O sequence, where an I should follow a B or an I (:func:`_best_path`);
    this bridges a word the tagger doubts inside a span it is sure of on both
    sides, where a per-word threshold would cut it. A B inside a run splits
    sources and cues (two adjacent speakers) but not contents: a content is one
    stretch of text, and a B inside it is the tagger hesitating, not a new quote.
    A span is scored by its mean in-role probability.
    """
    word_starts = [i for i, w in enumerate(words) if i == 0 or w is None or w != words[i - 1]]
    word_ends = [*word_starts[1:], len(words)]
    spans: list[TaggedSpan] = []
    for r, role in enumerate(ROLES):
        inside = probs[:, r, BEGIN] + probs[:, r, INSIDE]
        for first, last in _runs(role, probs[word_starts, r, :], word_starts, word_ends):
            score = float(inside[first : last + 1].mean())
            pieces = [(offsets[first][0], offsets[last][1])]
            if role == "content":
                pieces = _split_at_paragraphs(text, *pieces[0])
            spans.extend(TaggedSpan(role, start, end, score, text[start:end]) for start, end in pieces)
    spans.sort(key=lambda s: (s.start, ROLES.index(s.role)))
    return spans


def _runs(role: Role, word_probs: np.ndarray, word_starts: list[int], word_ends: list[int]) -> list[tuple[int, int]]:
    """First and last word-piece of each span of one role (see :func:`decode_spans`)."""
    labels = _best_path(word_probs, OUTSIDE_BIAS.get(role, 0.0), CONTENT_EXIT_COST if role == "content" else 0.0)
    runs: list[tuple[int, int]] = []
    open_span = False
    for label, first, stop in zip(labels, word_starts, word_ends):
        if label == OUTSIDE:
            open_span = False
        elif not open_span or (label == BEGIN and (role != "content" or SPLIT_CONTENT_AT_BEGIN)):
            runs.append((first, stop - 1))
            open_span = True
        else:
            runs[-1] = (runs[-1][0], stop - 1)
    return runs


def _best_path(word_probs: np.ndarray, outside_bias: float, exit_cost: float) -> list[int]:
    """Viterbi over (words, O/B/I) probabilities: the label sequence of highest summed
    log-probability, "outside" shifted by ``outside_bias``, each step out of a span charged
    ``exit_cost`` and each I that follows an O ``INSIDE_WITHOUT_BEGIN_COST``."""
    if not len(word_probs):
        return []
    log_p = np.log(np.clip(word_probs, 1e-9, 1.0))
    log_p[:, OUTSIDE] += outside_bias
    # Three states: plain Python floats beat numpy's per-call overhead on 3x3 steps.
    enter_inside = INSIDE_WITHOUT_BEGIN_COST
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


def _split_at_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A content run cut at each paragraph break that follows a closed quote, or (with
    ``SPLIT_UNQUOTED_PARAGRAPHS``) that opens a paragraph without a quote mark.

    A quote that goes on into the next paragraph leaves its closing mark off and
    opens the next one with a new mark (news convention), so ``..."\n\n"...`` is
    two quotes, most often two speakers', however sure the tagger is of the text
    in between.
    """
    pieces, piece_start = [], start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        before = text[piece_start : match.start()].rstrip()
        after = text[match.end() : end].lstrip()
        closed = before.endswith(("\u201d", '"')) and before.count('"') % 2 == 0
        if closed or (SPLIT_UNQUOTED_PARAGRAPHS and after and after[0] not in "\"\u201c\u2018'"):
            if before:
                pieces.append((piece_start, piece_start + len(before)))
            piece_start = match.end()
    pieces.append((end - len(text[piece_start:end].lstrip()), end))
    return [(s, e) for s, e in pieces if e > s]


# --- linking ---------------------------------------------------------------------------


def _gap(a: TaggedSpan, b: TaggedSpan) -> int:
    return max(0, b.start - a.end, a.start - b.end)


def _between(text: str, a: TaggedSpan, b: TaggedSpan) -> str:
    left, right = (a, b) if a.start <= b.start else (b, a)
    return text[left.end : right.start]


def _crosses_paragraph(text: str, a: TaggedSpan, b: TaggedSpan) -> bool:
    return bool(_PARAGRAPH_BREAK.search(_between(text, a, b)))


def _inside(inner: TaggedSpan, outer: TaggedSpan) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _cue_cost(cue: TaggedSpan, content: TaggedSpan, text: str) -> tuple[int, int]:
    """How unlikely a cue is for a content: paragraph and sentence breaks between them first, then distance.

    ``But to prevent problems, he said, local officials...``: the piece before
    ``he said`` belongs to it, not to a nearer cue that ends the previous sentence.
    """
    between = _between(text, cue, content)
    breaks = 2 * bool(_PARAGRAPH_BREAK.search(between)) + bool(_SENTENCE_END.search(between))
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
        and not _PARAGRAPH_BREAK.search(text[first.end : second.start])
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


def _attribution_type(text: str, pieces: list[TaggedSpan]) -> str:
    quoted = []
    for piece in pieces:
        stripped = text[piece.start : piece.end].strip(" ,.;:—–-")
        quoted.append(bool(stripped) and (stripped[0] in QUOTE_CHARS or stripped[-1] in QUOTE_CHARS))
    if all(quoted):
        return "direct"
    return "mixed" if any(quoted) or any(re.search("[\u201c\u201d\"]", p.text) for p in pieces) else "indirect"


def link_spans(
    spans: list[TaggedSpan], text: str, calibration: Calibration | None = None
) -> list[Attribution]:
    """Attributions from tagged spans: content -> nearest cue -> nearest source.

    Contents with no cue near them are kept without cue or source (PolNeAR
    annotates some), cues with no content are dropped (an attribution is its content).
    """
    calibration = calibration or Calibration()
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
                    type=_attribution_type(text, pieces),  # type: ignore[arg-type]
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


_BELIEF = re.compile(
    r"\b(think|thinks|thought|believe[sd]?|believing|feel|feels|felt|fear[sed]*|hope[sd]?|hoping|"
    r"expect[seding]*|worr(?:y|ies|ied)|know|knows|knew|doubt[seding]*|suspect[seding]*|"
    r"assum(?:e|es|ed|ing)|wonder[seding]*|convinced|sure|confident|want[seding]*|wish[esding]*)\b",
    re.IGNORECASE,
)


def _act(cue_text: str) -> str:
    return "belief" if _BELIEF.search(cue_text) else "speech"


# --- entry points ----------------------------------------------------------------------


def tag_text(text: str, model: TaggerModel | None = None, doc: Doc | None = None) -> list[TaggedSpan]:
    """Every source, cue and content span the tagger finds in ``text`` (``doc``: its spaCy
    parse, which a model trained with the parse reads; without it such a model does worse)."""
    model = model or get_model()
    probs, offsets, words = token_probabilities(model, text, doc)
    return decode_spans(probs, offsets, words, text)


def attributions_from_text(text: str, model: TaggerModel | None = None, doc: Doc | None = None) -> list[Attribution]:
    """Attributions of a plain text (speakers are left unresolved; ``doc`` as for :func:`tag_text`)."""
    model = model or get_model()
    return link_spans(tag_text(text, model, doc), text, model.calibration)


#: Rule-based attributions at or above this confidence are added where the tagger found no cue
#: nearby (chosen on PolNeAR dev, docs/model.md); 1.0 or more turns the addition off.
RULES_ADD_CONFIDENCE = 0.8

#: Where the tagger and the rules found the same attribution (same cue) with different content
#: boundaries, the rules' content wins when it is a quote (its marks bound it) or when the
#: tagger's calibrated confidence is below this (chosen on PolNeAR dev, docs/model.md).
RULES_CONTENT_BELOW = 0.6

#: A tagger attribution whose content no rule-based attribution shares is kept only from this
#: calibrated confidence up. Keeping an item adds to F1 when its chance of being right is above
#: about half the F1 reached (here ~0.72): 0.4 scored best on PolNeAR dev (docs/model.md).
UNSUPPORTED_MIN_CONFIDENCE = 0.4


def find_attributions_model(doc: Doc, *, title: str | None = None) -> list[Attribution]:
    """Same contract as :func:`saywho.nlp.rules.find_attributions`, from the trained tagger.

    The tagger finds and links the spans; the parse-based rules on the same Doc
    then settle what they do better (see :func:`combine`) and add what the
    tagger does not do: the headline quote (credited later by
    ``speakers.resolve`` to the body quote it repeats).
    """
    from saywho.nlp import rules

    model = get_model()
    text = doc_text(doc)  # cached: the rules read the same string
    spans = tag_text(text, model, doc)
    # The headline is linked on its own: a headline that sums the story up is not the content
    # of the first cue in the body, and a content in it with no cue of its own is the rules'
    # business (they credit a headline quote to the body quote it repeats).
    title_end = rules.title_end(text, title)
    in_title = link_spans([s for s in spans if s.start < title_end], text, model.calibration)
    in_body = link_spans([s for s in spans if s.start >= title_end], text, model.calibration)
    found = [a for a in in_title if a.cue is not None] + in_body
    by_rules = rules.find_attributions(doc, title=title)
    return combine(found, by_rules, text)


def combine(found: list[Attribution], by_rules: list[Attribution], text: str) -> list[Attribution]:
    """The tagger's attributions, refined by the rules' on the same text.

    The tagger is better at finding attributions and their sources, the parse
    at cue extents and at quote edges (on PolNeAR dev, keeping the tagger's
    source instead of the rules' is worth a point of exact source F1 with each
    of three trained models; the rules' cue extent is worth 2 points of cue).
    So, for each tagger attribution:

    * with a cue: it takes the cue of the rules' attribution sharing that cue
      (and its source where the tagger found none, or found one after the cue
      where the parse has a subject before it), and that attribution's content
      too when it is a quote or the tagger is unsure (:data:`RULES_CONTENT_BELOW`);
    * without a cue: it takes cue and source of the rules' attribution sharing
      its content (a signed quote ``"..." ― Name``, a transcript line);
    * with no rules' attribution sharing its content: it must reach
      :data:`UNSUPPORTED_MIN_CONFIDENCE`.

    Rules' attributions the tagger missed are added from :data:`RULES_ADD_CONFIDENCE`,
    and every cue reaches over the words that join it to its content
    (:func:`saywho.nlp.rules.reach_content`: ``called on | Republicans to ...``).
    """
    from saywho.nlp.rules import reach_content

    body_rules = [a for a in by_rules if not a.headline]
    kept: list[Attribution] = []
    for attribution in found:
        sharing_content = [r for r in body_rules if _shares(r.content, attribution.content)]
        if not sharing_content and attribution.confidence < UNSUPPORTED_MIN_CONFIDENCE:
            continue
        if attribution.cue is None:
            cued = next((r for r in sharing_content if r.cue is not None), None)
            if cued is not None:
                _take_cue_and_source(attribution, cued)
        else:
            same_cue = [r for r in body_rules if r.cue is not None and _shares(r.cue, attribution.cue)]
            if same_cue:
                match = next((r for r in same_cue if _shares(r.content, attribution.content)), same_cue[0])
                _take_cue_and_source(attribution, match)
                if _shares(match.content, attribution.content) and (match.type == "direct" or attribution.confidence < RULES_CONTENT_BELOW):
                    attribution.content, attribution.type = match.content, match.type
        if not any(k.content.spans == attribution.content.spans and k.cue == attribution.cue for k in kept):
            kept.append(attribution)
    for extra in body_rules:
        if extra.confidence < RULES_ADD_CONFIDENCE or extra.cue is None:
            continue
        if not any(_shares(extra.content, a.content) or (a.cue and _shares(extra.cue, a.cue)) for a in kept):
            kept.append(extra)
    kept.sort(key=lambda a: a.content.start)
    reach_content(kept, text)  # the tagger's content may start where the rules' did not
    for attribution in kept:
        _keep_content_after_cue(attribution, text)
    kept += [a for a in by_rules if a.headline]
    return kept


def _keep_content_after_cue(attribution: Attribution, text: str) -> None:
    """A content that starts inside its cue (the rules' ``blamed for`` before the tagger's
    ``for causing ...``) starts after it: the linking word is the cue's, as PolNeAR marks
    it. A consistency fix more than an accuracy one (+0.3 content on dev, -0.2 on train)."""
    cue = attribution.cue
    (first_start, first_end), *rest = attribution.content.spans
    if cue is None or not cue.start < first_start < cue.end < first_end:
        return
    start = first_end - len(text[cue.end : first_end].lstrip())
    attribution.content = TextSpan.from_ranges(text, [(start, first_end), *rest])


def _take_cue_and_source(attribution: Attribution, rule: Attribution) -> None:
    """The rules' cue; the tagger's source, unless it has none or the parse found a
    subject before the cue where the tagger took a phrase after it (``X said in a report``)."""
    own = attribution.source
    attribution.cue, attribution.act = rule.cue, rule.act
    if rule.source is not None and (own is None or rule.source.start < rule.cue.start < own.start):
        attribution.source = rule.source


def _shares(a: TextSpan, b: TextSpan) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a.spans for s2, e2 in b.spans)
