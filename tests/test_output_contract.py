"""Every article we output validates against the published JSON Schema, and round-trips."""

import json
from pathlib import Path

import jsonschema
import pytest

import saywho
from conftest import FIXTURES
from saywho.models import Article
from saywho.schema import article_schema

SCHEMA_FILE = Path(__file__).parent.parent / "docs" / "output.schema.json"


def test_published_schema_is_generated_from_the_models():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == article_schema()


@pytest.mark.parametrize("path", sorted((FIXTURES / "core").glob("*.txt")), ids=lambda p: p.name)
def test_output_validates_and_round_trips(path):
    article = saywho.extract(path.read_text(encoding="utf-8"), published="2024-03-06")
    data = article.to_dict()
    jsonschema.validate(data, article_schema())
    assert Article.from_dict(json.loads(json.dumps(data))).to_dict() == data


def test_raw_span_texts_are_the_text_at_their_offsets_even_across_blanked_junk():
    # Found by hypothesis: a junk line blanked inside a raw article showed as spaces in a span's text.
    from saywho.pipeline import Options, get_extractor

    text = 'said he \u2028 " \u2028 said'
    article = get_extractor(Options(raw=True)).extract(text)
    for attribution in article.attributions:
        for span in (attribution.content, attribution.cue, attribution.source):
            if span is not None:
                assert span.text == " ".join(text[s:e] for s, e in span.spans)
