"""The speakers list's order and filters, and what a speaker's page reads: cleaned
descriptors, statements per day, and who is quoted alongside."""

from __future__ import annotations

import pytest

from saywho.store import Store, StoreError
from saywho.store.descriptors import clean, is_shown
from store.store_builders import BACKENDS, Quote, add, build_article, speaker_of

#: Store tests run on both backends; the descriptor cleaning needs no store.
on_both = pytest.mark.parametrize("store_target", BACKENDS, indirect=True)


@pytest.fixture
def newsroom(store: Store) -> Store:
    """Ann: 3 statements in one 2016 article. Bob: 2 statements in 2 articles, the latest
    in 2018. Cy (an organisation): 1 statement, undated."""
    add(store, build_article([Quote("Ann Lee", "One"), Quote("Ann Lee", "Two"), Quote("Ann Lee", "Three"),
                              Quote("Bob Ray", "Four")], published="2016-05-03", input="a"))
    add(store, build_article([Quote("Bob Ray", "Five")], published="2018-01-09", input="b"))
    add(store, build_article([Quote("the Cy Group", "Six", kind="organization")], published=None, input="c"))
    return store


def names(page) -> list[str]:
    return [r["name"] for r in page.rows]


@on_both
def test_speakers_sort_by_statements_articles_or_latest_in_either_direction(newsroom):
    assert names(newsroom.speakers()) == ["Ann Lee", "Bob Ray", "the Cy Group"]
    assert names(newsroom.speakers(direction="asc")) == ["the Cy Group", "Bob Ray", "Ann Lee"]
    assert names(newsroom.speakers(sort="articles")) == ["Bob Ray", "Ann Lee", "the Cy Group"]
    # Undated speakers come last in both directions: "latest" has nothing to compare.
    assert names(newsroom.speakers(sort="latest")) == ["Bob Ray", "Ann Lee", "the Cy Group"]
    assert names(newsroom.speakers(sort="latest", direction="asc")) == ["Ann Lee", "Bob Ray", "the Cy Group"]
    bob = newsroom.speakers(name="bob").rows[0]
    assert (bob["attributions"], bob["articles"], bob["latest"]) == (2, 2, "2018-01-09")


@on_both
def test_speakers_filter_by_date_range_count_only_the_statements_in_it(newsroom):
    page = newsroom.speakers(since="2017", until="2018-12")
    assert [(r["name"], r["attributions"]) for r in page.rows] == [("Bob Ray", 1)]
    assert page.total == 1
    assert names(newsroom.speakers(until="2016")) == ["Ann Lee", "Bob Ray"]


@on_both
def test_speakers_minimum_statements_filters_before_paging(newsroom):
    page = newsroom.speakers(min_statements=2, limit=1)
    assert page.total == 2
    assert names(page) == ["Ann Lee"]
    assert names(newsroom.speakers(min_statements=2, limit=1, offset=1)) == ["Bob Ray"]
    past_the_end = newsroom.speakers(min_statements=2, offset=5)
    assert (past_the_end.total, past_the_end.rows) == (2, [])
    assert newsroom.speakers(min_statements=2, kind="organization").total == 0


@pytest.mark.parametrize(("options", "message"), [
    ({"sort": "name"}, "sort must be one of statements, articles, latest"),
    ({"direction": "up"}, "direction must be desc or asc"),
    ({"min_statements": 0}, "min_statements must be at least 1"),
    ({"since": "yesterday"}, "since must be a date like"),
    ({"kind": "robot"}, "kind must be one of"),
    ({"limit": 0}, "limit must be between"),
])
@on_both
def test_speakers_refuse_bad_options_in_one_line(newsroom, options, message):
    with pytest.raises(StoreError, match=message):
        newsroom.speakers(**options)


@on_both
def test_speakers_cache_keys_on_every_option(newsroom):
    assert names(newsroom.speakers(sort="articles")) != names(newsroom.speakers(sort="statements"))
    assert newsroom.speakers(min_statements=3).total == 1
    assert newsroom.speakers(min_statements=2).total == 2
    assert newsroom.speakers(since="2018").total == 1
    assert newsroom.speakers(until="2017").total == 2


@on_both
def test_speaker_page_descriptors_are_deduplicated_and_cleaned(store):
    add(store, build_article([Quote("Ann Lee", "One", descriptors=["Foreign Minister", "Tory co", "bill"])], input="a"))
    add(store, build_article([Quote("Ann Lee", "Two", descriptors=["foreign minister"])], input="b"))
    (ann,) = speaker_of(store, "Ann Lee")
    assert store.speaker(ann)["descriptors"] == [{"descriptor": "Foreign Minister", "mentions": 2}]
    assert store.speakers().rows[0]["descriptors"] == ["Foreign Minister"]


@on_both
def test_speaker_days_and_counts_agree_with_the_list(newsroom):
    (ann,) = speaker_of(newsroom, "Ann Lee")
    (bob,) = speaker_of(newsroom, "Bob Ray")
    assert newsroom.speaker_days(bob) == {"2016-05-03": 1, "2018-01-09": 1}
    detail = newsroom.speaker(ann)
    listed = newsroom.speakers(name="ann").rows[0]
    assert (detail["attributions"], detail["articles"]) == (listed["attributions"], listed["articles"]) == (3, 1)


@on_both
def test_quoted_with_counts_shared_articles(newsroom):
    (ann,) = speaker_of(newsroom, "Ann Lee")
    (bob,) = speaker_of(newsroom, "Bob Ray")
    assert [(r["name"], r["articles"]) for r in newsroom.quoted_with(ann)] == [("Bob Ray", 1)]
    assert [(r["name"], r["articles"]) for r in newsroom.quoted_with(bob)] == [("Ann Lee", 1)]
    (cy,) = speaker_of(newsroom, "the Cy Group")
    assert newsroom.quoted_with(cy) == []


@on_both
def test_quoted_with_forgets_a_speaker_whose_only_statement_there_was_given_to_another(newsroom):
    from saywho.store import SearchQuery

    (ann,) = speaker_of(newsroom, "Ann Lee")
    (four,) = newsroom.search(SearchQuery(text="Four")).rows
    newsroom.reassign_statement(four["id"], speaker_id=ann)  # Bob said nothing in article a after all
    assert newsroom.quoted_with(ann) == []


@pytest.mark.parametrize(("descriptor", "shown"), [
    ("Tory co", False),          # "Tory co-chairman" cut at the entity's start
    ("former ex", False),
    ("Labour vice-", False),
    ("bill", False),             # a common noun that is not a role
    ("statement", False),
    ("(@realDonaldTrump", False),  # a Twitter handle in brackets after the name
    ("spokesman", True),
    ("co-founder", True),
    ("regulator", True),         # what an organisation is
    ("vice-president", True),
    ("General", True),           # a title before a name
    ("Republican", True),
    ("Russia's foreign minister", True),
    ("top US commander in Iraq", True),
])
def test_descriptor_cleaning_on_real_looking_cases(descriptor, shown):
    assert is_shown(descriptor) is shown


def test_descriptor_dedup_keeps_the_most_used_spelling_and_adds_counts():
    assert clean([("foreign minister", 1), ("Foreign Minister", 1), ("Foreign  minister", 3), ("mayor", 2)]) == [
        ("Foreign minister", 5), ("mayor", 2)]
