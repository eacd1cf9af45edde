"""The tuned constants of decoding and combining: data of the model, not module globals.

They are chosen on PolNeAR dev for one trained model (``scripts/train_tagger.py
--steps decode`` and ``--steps hybrid``) and recorded in that model's own
``training.json`` next to the values the sweep tried (``grid``) and how the
choice was made (``chosen_by``). A sweep builds other configs with
:func:`dataclasses.replace` and passes them; nothing changes these at run time.
Figures: docs/model.md.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

#: The shipped model: weights, tokenizer, calibration and ``training.json``.
MODEL_DIR = Path(__file__).resolve().parents[2] / "data" / "model"


@dataclass(frozen=True, slots=True)
class RoleBias:
    """Log-odds added to "outside" for each role's decoding."""

    source: float
    cue: float
    content: float


@dataclass(frozen=True, slots=True)
class DecodingConfig:
    """How per-word BIO probabilities become spans (:func:`~saywho.nlp.tagger.decoding.decode_spans`)."""

    #: Spans are decoded per role as the most likely B/I/O sequence over words (Viterbi), with
    #: these log-odds added to "outside": above 0 a word needs more evidence to enter a span.
    outside_bias: RoleBias
    #: Log-probability charged for closing a content: the tagger's confidence sags in the middle
    #: of long quotes, and a content cut there is wrong twice (two wrong spans for one right one).
    content_exit_cost: float
    #: Log-probability charged for an I straight after an O: a span opens on a B, but a word the
    #: tagger is sure is inside a span still opens one when it saw no B (it scored the same
    #: on dev as forbidding it, and keeps such words).
    inside_without_begin_cost: float
    #: Whether a B inside a run of content words starts a new content (two quotes back to back)
    #: or is read as the tagger hesitating inside one.
    split_content_at_begin: bool
    #: Whether a content is also cut at a paragraph break when the next paragraph opens no
    #: quote: reported speech rarely runs over paragraphs, a quote that does reopens its mark.
    split_unquoted_paragraphs: bool

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DecodingConfig:
        """From ``training.json``'s ``decoding.values`` (or a sweep's setting laid over them)."""
        given = {f.name: values[f.name] for f in fields(cls)}
        bias = given["outside_bias"]
        given["outside_bias"] = bias if isinstance(bias, RoleBias) else RoleBias(**bias)
        return cls(**given)


@dataclass(frozen=True, slots=True)
class CombiningConfig:
    """Where the rules' attributions override or add to the tagger's (:func:`~saywho.nlp.tagger.combine.combine`)."""

    #: Where the tagger and the rules found the same attribution (same cue) with different
    #: content boundaries, the rules' content wins when it is a quote (its marks bound it) or
    #: when the tagger's calibrated confidence is below this.
    rules_content_below: float
    #: A tagger attribution whose content no rule-based attribution shares is kept only from
    #: this calibrated confidence up: keeping an item adds to F1 when its chance of being right
    #: is above about half the F1 reached.
    unsupported_min_confidence: float
    #: Rule-based attributions at or above this confidence are added where the tagger found no
    #: cue nearby; 1.0 or more turns the addition off.
    rules_add_confidence: float

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> CombiningConfig:
        """From ``training.json``'s ``combining.values`` (or a sweep's setting laid over them)."""
        return cls(**{f.name: values[f.name] for f in fields(cls)})


@dataclass(frozen=True, slots=True)
class TaggerConfig:
    """Everything tuned on dev for one model, as its ``training.json`` records it."""

    decoding: DecodingConfig
    combining: CombiningConfig

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TaggerConfig:
        """From a parsed ``training.json`` (its ``decoding`` and ``combining`` sections)."""
        return cls(
            DecodingConfig.from_dict(record["decoding"]["values"]),
            CombiningConfig.from_dict(record["combining"]["values"]),
        )

    @classmethod
    def for_model(cls, directory: Path) -> TaggerConfig:
        """The config recorded with the model in ``directory``; a model not yet swept (a
        scratch export with no ``decoding`` or ``combining`` in its record) decodes as the shipped one."""
        path = directory / "training.json"
        record = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if "decoding" not in record or "combining" not in record:
            return cls.default()
        return cls.from_record(record)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> TaggerConfig:
        """The shipped model's config (``data/model/training.json``)."""
        return cls.from_record(json.loads((MODEL_DIR / "training.json").read_text(encoding="utf-8")))
