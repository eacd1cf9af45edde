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
