"""saywho as a spaCy component, for existing pipelines."""

import spacy

from saywho.nlp import DEFAULT_MODELS


def plain_pipeline():
    """The user's own pipeline: a stock English model, nothing of saywho's added."""
    for name in DEFAULT_MODELS:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise AssertionError("no English model installed")


def test_component_adds_attributions_and_speakers():
    nlp = plain_pipeline()
    nlp.add_pipe("saywho_attributions", config={"min_confidence": 0.0})
    doc = nlp('"Rates will rise," the central bank said on Monday.')
    (attribution,) = doc._.attributions
    assert attribution.cue.text == "said"
    assert attribution.source.text == "the central bank"
    assert [s.name for s in doc._.speakers] == ["central bank"]


def test_factory_is_found_through_the_entry_point():
    assert "saywho_attributions" in spacy.registry.factories.get_all()
