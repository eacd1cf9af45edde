"""Properties that hold for any input text, checked on generated news-like and hostile text."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import saywho
from saywho.nlp.quotes import find_quotes
from saywho.schema import article_schema

QUOTE_MARKS = ['"', "“", "”", "‘", "’", "'", "«", "»", "``", "''", "„", "‹", "›"]
WORDS = ["said", "told", "according to", "he", "she", "the minister", "Jane Ortiz", "warned", "that", "we", "will", "win", ",", ".", ":", "\n\n", "\n", "Tuesday", "—", "―"]

news_like = st.lists(st.sampled_from(WORDS + QUOTE_MARKS), max_size=60).map(" ".join)
hostile = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=300,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_article(article):
    text = article.text
    for a in article.attributions:
        for role in (a.content, a.cue, a.source):
            if role is None:
                continue
            assert role.spans, role
            for start, end in role.spans:
                assert 0 <= start < end <= len(text)
            assert role.text == " ".join(text[s:e] for s, e in role.spans)
        assert 0.0 <= a.confidence <= 1.0
        assert a.type in ("direct", "indirect", "mixed")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(news_like, hostile))
def test_extract_raises_only_input_errors_and_spans_index_the_text(text):
    try:
        article = saywho.extract(text)  # the default engine, the tagger
    except saywho.InputError as error:
        assert error.reason  # documented: e.g. a text that is nothing but scraping junk
        return
    check_article(article)


@SETTINGS
@given(st.one_of(news_like, hostile))
def test_the_rules_engine_raises_only_input_errors_and_spans_index_the_text(text):
    try:
        article = saywho.extract(text, options=saywho.Options(engine="rules"))
    except saywho.InputError as error:
        assert error.reason
        return
    check_article(article)


@SETTINGS
@given(news_like)
def test_extract_is_deterministic(text):
    try:
        first = saywho.extract(text).to_dict()
    except saywho.InputError:
        return
    assert saywho.extract(text).to_dict() == first


@settings(max_examples=25, deadline=None)
@given(news_like)
def test_output_validates_against_the_schema(text):
    import jsonschema

    try:
        article = saywho.extract(text)
    except saywho.InputError:
        return
    jsonschema.validate(json.loads(json.dumps(article.to_dict())), article_schema())


@settings(max_examples=300, deadline=None)
@given(st.one_of(news_like, hostile))
def test_quotes_lie_inside_the_text_and_do_not_overlap(text):
    quotes = find_quotes(text)
    previous_end = -1
    for quote in quotes:
        assert previous_end <= quote.start < quote.end <= len(text)
        for start, end in quote.ranges:
            assert quote.start <= start < end <= quote.end
        previous_end = quote.end
