"""The trained attribution tagger: a small transformer run with onnxruntime, no torch.

A MiniLM-L6 encoder fine-tuned on PolNeAR train (``scripts/train_tagger.py``,
``docs/model.md``) tags every word-piece with three independent BIO labels, one
per role (source, cue, content), so a source inside another attribution's
content is still tagged. Long articles are read in overlapping windows; where
two overlap, a token's scores are their average, weighted by its distance from each edge.

The tagged spans are then linked into :class:`~saywho.models.Attribution`
records by position (:mod:`~saywho.nlp.tagger.linking`) and, in model mode,
refined by the parse-based rules (:mod:`~saywho.nlp.tagger.combine`). Confidence
is the tagger's span probability mapped through an isotonic calibration fitted
on PolNeAR dev (``calibration.json``). The constants tuned on dev for decoding
and combining are the model's own, read from its ``training.json``
(:class:`~saywho.nlp.tagger.config.TaggerConfig`).

The stages, one module each: ``model`` (loading), ``calibration``, ``features``
and ``windows`` (tokens in), ``decoding`` (spans out), ``linking``, ``combine``,
``entry`` (the entry points re-exported here).

    >>> from saywho.nlp.tagger import tag_text
    >>> spans = tag_text('"We will win," Jane Smith said on Tuesday.')
    >>> [(s.role, s.text) for s in spans]  # doctest: +SKIP
    [('content', 'We will win,'), ('source', 'Jane Smith'), ('cue', 'said')]
"""

from saywho.nlp.tagger.calibration import Calibration
from saywho.nlp.tagger.combine import combine
from saywho.nlp.tagger.config import MODEL_DIR, CombiningConfig, DecodingConfig, RoleBias, TaggerConfig
from saywho.nlp.tagger.decoding import decode_spans
from saywho.nlp.tagger.entry import attributions_from_text, find_attributions_model, tag_text
from saywho.nlp.tagger.features import (
    CASE_CLASSES,
    DEP_CLASSES,
    DEP_LABELS,
    FEATURE_INPUTS,
    POS_CLASSES,
    POS_TAGS,
    QUOTE_CLASSES,
    feature_batch,
    token_features,
)
from saywho.nlp.tagger.linking import link_spans
from saywho.nlp.tagger.model import TaggerModel, get_model, load_tokenizer
from saywho.nlp.tagger.spans import BEGIN, INSIDE, LABELS_PER_ROLE, OUTSIDE, ROLES, Role, TaggedSpan
from saywho.nlp.tagger.windows import (
    BATCH_WINDOWS,
    WINDOW_OVERLAP,
    WINDOW_TOKENS,
    role_probabilities,
    stitch,
    token_probabilities,
    window_bounds,
)

__all__ = [
    "BATCH_WINDOWS",
    "BEGIN",
    "CASE_CLASSES",
    "DEP_CLASSES",
    "DEP_LABELS",
    "FEATURE_INPUTS",
    "INSIDE",
    "LABELS_PER_ROLE",
    "MODEL_DIR",
    "OUTSIDE",
    "POS_CLASSES",
    "POS_TAGS",
    "QUOTE_CLASSES",
    "ROLES",
    "WINDOW_OVERLAP",
    "WINDOW_TOKENS",
    "Calibration",
    "CombiningConfig",
    "DecodingConfig",
    "Role",
    "RoleBias",
    "TaggedSpan",
    "TaggerConfig",
    "TaggerModel",
    "attributions_from_text",
    "combine",
    "decode_spans",
    "feature_batch",
    "find_attributions_model",
    "get_model",
    "link_spans",
    "load_tokenizer",
    "role_probabilities",
    "stitch",
    "tag_text",
    "token_features",
    "token_probabilities",
    "window_bounds",
]
