"""What the pages read from the store: a statement in its text, facets, the corpus over time,
filtered article lists and bookmark notes (on both backends)."""

from __future__ import annotations

import pytest

from saywho.store import SearchQuery, StoreError
from store.store_builders import BACKENDS, Quote, add, build_article

pytestmark = pytest.mark.parametrize("store_target", BACKENDS, indirect=True)


def test_a_result_carries_the_text_around_its_content(store):
    # Accented text before the statement: windows count characters, not bytes, on both backends.
    article = build_article([Quote("Zoë Müller", "Ça va très bien"), Quote("Jane Smith", "Taxes will fall")],
                            extra="Ministers met on Monday.")
    add(store, article)
    row = store.search(SearchQuery(text="taxes"), context=12).rows[0]
    # The builder's content span runs from the opening quote mark to the comma.
    assert row["context_content"] == '"Taxes will fall,'
    assert row["context_before"] == "üller said. "
    assert row["context_after"] == '" Jane Smith'
    whole = store.search(SearchQuery(text="taxes"), context=1000).rows[0]
    assert whole["context_before"] + whole["context_content"] + whole["context_after"] == article.text


def test_without_context_rows_have_no_window(store):
    add(store, build_article([Quote("Jane Smith", "Taxes will fall")]))
    assert "context_before" not in store.search(SearchQuery()).rows[0]


def test_facets_count_the_filtered_statements_and_ignore_their_own_filter(store):
    add(store, build_article([Quote("Jane Smith", "Taxes will fall"), Quote("a spokesman", "Taxes are high", kind="unnamed")],
                             input="a.txt", publisher="Wire"))
    add(store, build_article([Quote("Jane Smith", "Taxes matter", type="indirect")], input="b.txt", publisher="Daily"))
    add(store, build_article([Quote("Jane Smith", "Roads matter")], input="c.txt", publisher="Daily"))
    facets = store.facets(SearchQuery(text="taxes", publisher="Daily"))
    assert facets["publisher"] == [{"value": "Wire", "n": 2}, {"value": "Daily", "n": 1}]
    assert facets["type"] == [{"value": "indirect", "n": 1}]
    assert facets["kind"] == [{"value": "person", "n": 1}]
    assert store.facets(SearchQuery(text="taxes"), limit=1)["publisher"] == [{"value": "Wire", "n": 2}]


def test_articles_filter_by_title_words_publisher_and_dates(store):
    add(store, build_article([Quote("A", "one")], input="1.txt", title="Budget cuts loom", publisher="BBC News", published="2016-01-05"))
    add(store, build_article([Quote("A", "two")], input="2.txt", title="Cuts to the budget", publisher="Daily", published="2016-03-01"))
    add(store, build_article([Quote("A", "three")], input="3.txt", title="Sport", publisher="bbc news", published="2017-01-01"))
    assert [r["input"] for r in store.articles(title="BUDGET cuts").rows] == ["1.txt", "2.txt"]
    assert [r["input"] for r in store.articles(publisher="BBC News").rows] == ["1.txt", "3.txt"]
    page = store.articles(since="2016-02", until="2016")
    assert page.total == 1 and page.rows[0]["input"] == "2.txt"
    assert store.articles(title="100%_").total == 0
    with pytest.raises(StoreError, match="since must be a date"):
        store.articles(since="yesterday")


def test_statements_per_day_and_top_speakers_of_a_period(store):
    add(store, build_article([Quote("Jane Smith", "a"), Quote("Jane Smith", "b")], input="1.txt", published="2016-01-05"))
    add(store, build_article([Quote("Bob Jones", "c")], input="2.txt", published="2016-03-01"))
    add(store, build_article([Quote("Bob Jones", "d")], input="3.txt", published=None))
    assert store.statements_per_day() == [{"day": "2016-01-05", "n": 2}, {"day": "2016-03-01", "n": 1}]
    assert [(r["name"], r["attributions"]) for r in store.top_speakers()] == [("Bob Jones", 2), ("Jane Smith", 2)]
    assert [(r["name"], r["attributions"]) for r in store.top_speakers(since="2016-02-01")] == [("Bob Jones", 1)]
    assert [r["name"] for r in store.top_speakers(until="2016-01", limit=5)] == ["Jane Smith"]


def test_a_bookmark_note_comes_back_with_the_statement(store):
    add(store, build_article([Quote("Jane Smith", "Taxes will fall"), Quote("Jane Smith", "Roads matter")]))
    first, second = (r["id"] for r in store.search(SearchQuery()).rows)
    store.set_bookmark(first, True, "check against the budget")
    store.set_bookmark(second, True)
    notes = {r["id"]: r["note"] for r in store.search(SearchQuery()).rows}
    assert notes == {first: "check against the budget", second: None}
    assert store.attribution(first)["note"] == "check against the budget"


def test_facets_follow_new_articles_and_marks(store):
    add(store, build_article([Quote("Jane Smith", "Taxes will fall")], input="a.txt", publisher="Wire"))
    assert store.facets(SearchQuery())["publisher"] == [{"value": "Wire", "n": 1}]
    add(store, build_article([Quote("Jane Smith", "Taxes matter")], input="b.txt", publisher="Daily"))
    assert store.facets(SearchQuery())["publisher"] == [{"value": "Daily", "n": 1}, {"value": "Wire", "n": 1}]
    first = store.search(SearchQuery(publisher="Wire")).rows[0]["id"]
    assert store.facets(SearchQuery(bookmarked=True))["publisher"] == []
    store.set_bookmark(first, True)
    assert store.facets(SearchQuery(bookmarked=True))["publisher"] == [{"value": "Wire", "n": 1}]
