"""Entry points: text (and its parse) in, tagged spans or attributions out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from saywho.models import Attribution
from saywho.nlp.model import doc_quotes, doc_text
from saywho.nlp.quotes import QuoteIndex
from saywho.nlp.tagger.combine import combine
from saywho.nlp.tagger.decoding import decode_spans
from saywho.nlp.tagger.linking import link_spans
from saywho.nlp.tagger.model import TaggerModel, get_model
from saywho.nlp.tagger.spans import TaggedSpan
from saywho.nlp.tagger.windows import token_probabilities

if TYPE_CHECKING:  # spaCy is only needed by callers that pass a Doc
    from spacy.tokens import Doc


def tag_text(text: str, model: TaggerModel | None = None, doc: Doc | None = None) -> list[TaggedSpan]:
    """Every source, cue and content span the tagger finds in ``text`` (``doc``: its spaCy
    parse, which a model trained with the parse reads; without it such a model does worse)."""
    model = model or get_model()
    probs, offsets, words = token_probabilities(model, text, doc)
    return decode_spans(probs, offsets, words, text, model.config.decoding)


def attributions_from_text(text: str, model: TaggerModel | None = None, doc: Doc | None = None) -> list[Attribution]:
    """Attributions of a plain text (speakers are left unresolved; ``doc`` as for :func:`tag_text`)."""
    model = model or get_model()
    return link_spans(tag_text(text, model, doc), text, model.calibration)


def find_attributions_model(doc: Doc, *, title: str | None = None) -> list[Attribution]:
    """Same contract as :func:`saywho.nlp.rules.find_attributions`, from the trained tagger.

    The tagger finds and links the spans; the parse-based rules on the same Doc
    then settle what they do better (see :func:`~saywho.nlp.tagger.combine.combine`)
    and add what the tagger does not do: the headline quote (credited later by
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
    quotes = QuoteIndex(doc_quotes(doc))
    in_title = link_spans([s for s in spans if s.start < title_end], text, model.calibration, quotes)
    in_body = link_spans([s for s in spans if s.start >= title_end], text, model.calibration, quotes)
    found = [a for a in in_title if a.cue is not None] + in_body
    by_rules = rules.find_attributions(doc, title=title)
    return combine(found, by_rules, text, model.config.combining, doc)
