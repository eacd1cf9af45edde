"""saywho as a spaCy component, for existing pipelines."""

import pytest
import spacy

from saywho.errors import SaywhoError
from saywho.nlp import tagger
from saywho.nlp.model import DEFAULT_MODELS


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


def test_the_component_runs_the_tagger_by_default():
    nlp = spacy.blank("en")
    component = nlp.add_pipe("saywho_attributions")
    assert component.engine == "tagger"
    assert nlp.config["components"]["saywho_attributions"]["engine"] == "tagger"


def test_the_rules_engine_is_asked_for_by_name():
    nlp = plain_pipeline()
    component = nlp.add_pipe("saywho_attributions", config={"engine": "rules"})
    assert component.engine == "rules"
    doc = nlp('"Rates will rise," the central bank said on Monday.')
    assert [(a.cue.text, a.source.text) for a in doc._.attributions] == [("said", "the central bank")]


def test_the_deprecated_mode_config_still_works_with_a_warning():
    nlp = spacy.blank("en")
    with pytest.warns(DeprecationWarning, match="use engine='tagger'"):
        component = nlp.add_pipe("saywho_attributions", config={"mode": "model"})
    assert component.engine == "tagger"


@pytest.mark.skipif(not (tagger.MODEL_DIR / "model.onnx").is_file(), reason="no trained model in src/saywho/data/model")
def test_the_tagger_tags_with_the_pipelines_own_parse():
    nlp = plain_pipeline()
    nlp.add_pipe("saywho_attributions", config={"engine": "tagger"})
    doc = nlp("Rents will fall next year, the housing agency said in a report.")
    cued = [a for a in doc._.attributions if a.cue is not None]
    assert cued and cued[0].cue.text == "said" and "Rents will fall" in cued[0].content.text
    assert cued[0].source.text == "the housing agency"


def test_an_unknown_engine_is_refused_when_the_component_is_added():
    nlp = spacy.blank("en")
    with pytest.raises(SaywhoError, match="unknown engine 'model'"):
        nlp.add_pipe("saywho_attributions", config={"engine": "model"})


def test_an_unknown_deprecated_mode_is_refused_naming_engine():
    nlp = spacy.blank("en")
    with pytest.raises(SaywhoError, match="unknown mode 'tagger'.*use engine"):
        nlp.add_pipe("saywho_attributions", config={"mode": "tagger"})
