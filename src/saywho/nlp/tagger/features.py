"""Token features: what the uncased word-pieces lose (case, quote state) and, for models
trained with it, the spaCy parse, given to the encoder as extra embeddings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from saywho.nlp.quotes import QUOTE_CHARS, find_quotes

if TYPE_CHECKING:  # spaCy is only needed by callers that pass a Doc
    from spacy.tokens import Doc

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
    marks = np.zeros(len(text) + 1, dtype=np.int64)  # +1 where a quote opens, -1 where it closes
    for quote in find_quotes(text):
        for start, end in quote.ranges:
            marks[start] += 1
            marks[end] -= 1
    quoted = np.cumsum(marks)[: len(text)] > 0
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

