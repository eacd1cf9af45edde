"""Hypothesis properties over every entry point that takes outside data (see properties.py).

Example counts are kept small for the default run; ``scripts/fuzz.py`` drives the same
checks for much longer, coverage-guided, and docs/reliability.md has its figures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hardening import properties as p

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODEL = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(p.article_text, st.booleans(), st.booleans())
@example('Home | News\n"We will win," Jane Ortiz said.\nShare on Facebook', False, False)
@example('**jane99** says:\n“No,” he said', False, False)
def test_cleaning_never_drops_a_quoted_line_and_keeps_offsets(text, raw, keep_junk):
    p.check_clean(text, raw, keep_junk)


@MODEL
@given(p.article_text, st.booleans(), st.one_of(st.none(), st.sampled_from(["2016-05-03", "2017-07-12T08:00:00", "junk"])))
@example("\u202e\"We will win,\u200b\" Jane\u200d Ortiz said.\u2066", False, "2016-05-03")
@example('"a\x00b," Jane Ortiz said on Tuesday.', True, "2016-05-03")
def test_extract_spans_index_the_text_and_output_is_valid_and_deterministic(text, raw, published):
    p.check_extract(text, raw, published)


@FAST
@given(st.one_of(st.binary(max_size=600), p.article_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 p.article_text.map(lambda t: t.encode("cp1252", "ignore")), p.article_text.map(lambda t: t.encode("utf-16"))))
def test_decoding_any_bytes_gives_text_or_an_input_error(data):
    p.check_decode(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.lists(p.news_line, max_size=8).map(lambda ps: p.html_page("Title", ps)),
                 st.tuples(st.lists(p.news_line, max_size=5), st.integers(0, 4000)).map(lambda t: p.html_page("T", t[0])[: t[1]])))
def test_html_reader_gives_a_document_or_an_input_error(data):
    p.check_html(data)


jsonl_line = st.one_of(
    st.fixed_dictionaries({"text": p.article_text}, optional={"id": st.one_of(st.integers(), st.text(max_size=5)),
                                                              "title": st.one_of(st.none(), st.integers(), p.news_line),
                                                              "published": st.one_of(st.none(), st.text(max_size=12))}).map(
        lambda r: p.json.dumps(r).encode()),
    st.fixed_dictionaries({"html": st.lists(p.news_line, max_size=4).map(lambda ps: p.html_page("T", ps).decode())}).map(
        lambda r: p.json.dumps(r).encode()),
    st.binary(max_size=80), st.sampled_from([b"[]", b"null", b"{}", b'{"text": 3}', b'{"html": null}', b"\xef\xbb\xbf{}"]),
)


@FAST
@given(st.lists(jsonl_line, max_size=8).map(b"\n".join), st.sampled_from([64, 256, 10_000]))
def test_jsonl_reader_never_raises_and_bounded_reading_changes_nothing(data, max_bytes):
    p.check_jsonl(data, max_bytes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p.warc_pages, st.booleans(), st.data())
def test_warc_reader_survives_truncation_and_corruption(pages, compressed, data):
    whole = p.warc_bytes(pages, compressed)
    p.check_truncated_warc(whole, data.draw(st.integers(0, len(whole))))
    position = data.draw(st.integers(0, len(whole) - 1))
    flipped = whole[:position] + bytes([whole[position] ^ data.draw(st.integers(1, 255))]) + whole[position + 1 :]
    p.check_warc(flipped)


@FAST
@given(st.binary(max_size=300), st.sampled_from(["", ".txt", ".html", ".jsonl", ".warc", ".gz", ".jsonl.gz", ".warc.gz"]))
def test_any_file_gives_documents_or_input_errors(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        p.check_read_file(data, suffix, Path(folder))


@FAST
@given(p.date_expression, p.published_value)
@example("on Tuesday", "2017-07-12")
@example("May 3", "0001-01-01")
def test_date_resolver_never_dates_after_publication(expression, published):
    p.check_resolve_date(expression, published)


@settings(max_examples=300, deadline=None)
@given(p.search_text)
def test_search_query_parser_keeps_only_words_and_phrases(text):
    p.check_search_terms(text)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from saywho.store import Store
    from web.web_corpus import fill_corpus

    with Store.open(str(tmp_path_factory.mktemp("search") / "corpus.db")) as store:
        fill_corpus(store)
        yield store


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(p.SEARCH_FIELDS), p.search_text)
def test_any_search_filter_gives_results_or_a_store_error_and_changes_nothing(corpus, field, value):
    p.check_search(corpus, field, value)
