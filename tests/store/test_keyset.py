"""Keyset paging of searches (SearchQuery.after), on both backends: paging by cursor gives
exactly the rows of one long page, in the same order, whatever the ties and filters."""

from __future__ import annotations

import pytest

from saywho.store import SearchQuery, Store, StoreError
from saywho.store.store import make_cursor
from store.store_builders import BACKENDS, Quote, add, build_article

pytestmark = pytest.mark.parametrize("store_target", BACKENDS, indirect=True)

PEOPLE = ["Ann Lee", "Bob Stone", "Cara Diaz"]


def fill(store: Store) -> None:
    """Articles sharing dates (ties in date order), statements with the same words (ties
    in rank), undated articles, and a wire copy (rows collapsed by default)."""
    for number in range(14):
        quotes = [
            Quote(PEOPLE[(number + i) % 3], f"The budget is {'fair' if i % 2 else 'unfair'} to everyone",
                  type="direct" if i % 2 else "indirect")
            for i in range(3)
        ] + [Quote(PEOPLE[number % 3], f"Statement number {number} about the budget and taxes")]
        published = None if number % 5 == 4 else f"2016-05-0{1 + number % 3}"
        article = build_article(quotes, input=f"a{number}.txt", published=published, extra=f" Story {number}.")
        add(store, article)
    wire = build_article([Quote("Ann Lee", "The budget is fair to everyone")], input="wire-a.txt",
                         extra=" A long agency story about the budget that ran on several sites. " * 6)
    add(store, wire)
    copy = build_article([Quote("Ann Lee", "The budget is fair to everyone")], input="wire-b.txt", publisher="Other News",
                         extra=" A long agency story about the budget that ran on several sites. " * 6 + " Updated.")
    add(store, copy)


def by_cursor(store: Store, **filters) -> tuple[list[int], int]:
    ids: list[int] = []
    after = None
    pages = 0
    while True:
        page = store.search(SearchQuery(**filters, limit=4, after=after))
        ids += [r["id"] for r in page.rows]
        pages += 1
        after = page.next_after
        if after is None:
            return ids, pages


@pytest.mark.parametrize("filters", [
    {},
    {"all_copies": True},
    {"text": "budget"},
    {"text": "budget", "all_copies": True},
    {"text": "budget", "speaker": "Ann"},
    {"text": "fair", "type": "direct"},
    {"since": "2016-05-02", "until": "2016-05-03"},
    {"speaker": "Bob Stone", "all_copies": True},
    {"text": "budget unfair", "kind": "person"},
], ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "none")
def test_paging_by_cursor_gives_the_rows_of_one_long_page(store, filters):
    fill(store)
    whole = store.search(SearchQuery(**filters, limit=500))
    assert whole.total > 4  # more than one page
    ids, pages = by_cursor(store, **filters)
    assert ids == [r["id"] for r in whole.rows]
    assert pages == -(-len(ids) // 4) or len(ids) % 4 == 0
    assert whole.next_after is None


def test_a_cursor_page_keeps_the_total_of_the_whole_search(store):
    fill(store)
    first = store.search(SearchQuery(text="budget", limit=3))
    second = store.search(SearchQuery(text="budget", limit=3, after=first.next_after))
    assert second.total == first.total
    assert {r["id"] for r in first.rows}.isdisjoint(r["id"] for r in second.rows)


def test_the_cursor_and_offset_pages_agree(store):
    fill(store)
    first = store.search(SearchQuery(limit=5))
    by_offset = store.search(SearchQuery(limit=5, offset=5))
    by_cursor_ = store.search(SearchQuery(limit=5, after=first.next_after))
    assert [r["id"] for r in by_cursor_.rows] == [r["id"] for r in by_offset.rows]


def test_the_export_of_every_row_pages_by_cursor_and_misses_none(store):
    fill(store)
    expected = [r["id"] for r in store.search(SearchQuery(text="budget", all_copies=True, limit=500)).rows]
    from saywho.store import store as module

    old = module.MAX_PAGE_SIZE
    module.MAX_PAGE_SIZE = 3  # several pages from a small corpus
    try:
        got = [r["id"] for r in store.iter_search(SearchQuery(text="budget", all_copies=True, limit=3))]
    finally:
        module.MAX_PAGE_SIZE = old
    assert got == expected


@pytest.mark.parametrize("cursor", ["nonsense", "", "e30", make_cursor(True, 1), make_cursor([1], 2), "%%%"])
def test_a_cursor_not_made_by_a_page_is_a_clear_error(store, cursor):
    with pytest.raises(StoreError, match="after must be the next_after cursor"):
        store.search(SearchQuery(after=cursor or "x"))


def test_a_cursor_of_a_ranked_search_does_not_page_a_search_by_date(store):
    fill(store)
    ranked = store.search(SearchQuery(text="budget", limit=2))
    with pytest.raises(StoreError, match="after must be"):
        store.search(SearchQuery(limit=2, after=ranked.next_after))
