"""The store on both backends: idempotent writes, atomic articles, search, speakers, marks."""

from __future__ import annotations

import pytest

from saywho.store import SearchQuery, Store, StoreError
from saywho.store import identities as speaker_rules
from saywho.store.db import available_migrations
from store.store_builders import BACKENDS, Quote, add, build_article, speaker_of

pytestmark = pytest.mark.parametrize("store_target", BACKENDS, indirect=True)


def test_same_text_is_stored_once_whatever_the_input_name(store):
    article = build_article([Quote("Jane Smith", "We will win")])
    first = add(store, article)
    article.input = "elsewhere/copy.txt"
    assert first is not None
    assert add(store, article) is None
    assert store.counts() == {"articles": 1, "attributions": 1, "mentions": 1, "speakers": 1}


def test_article_round_trips_through_the_store(store):
    article = build_article([Quote("Jane Smith", "We will win", descriptors=["mayor"]), Quote("the FBI", "No comment", kind="organization")])
    article_id = add(store, article)
    stored = store.article(article_id)
    assert stored["article"].to_dict() == article.to_dict()
    assert len(stored["attribution_ids"]) == 2
    assert {s["name"] for s in stored["speakers"].values()} == {"Jane Smith", "the FBI"}


def test_a_failing_article_writes_nothing(store, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(speaker_rules, "store_mentions", broken)
    with pytest.raises(RuntimeError):
        add(store, build_article([Quote("Jane Smith", "We will win")]))
    assert store.counts()["articles"] == 0
    monkeypatch.undo()
    assert add(store, build_article([Quote("Jane Smith", "We will win")])) is not None


def test_reopening_does_not_reapply_migrations(store_target):
    with Store.open(store_target) as store:
        add(store, build_article([Quote("Jane Smith", "We will win")]))
        assert store.schema_version == max(available_migrations(store.dialect))
    with Store.open(store_target) as store:
        assert store.counts()["articles"] == 1
        applied = store.backend.reader().value("SELECT COUNT(*) AS n FROM schema_version")
        assert applied == len(available_migrations(store.dialect))


def test_a_database_from_a_newer_saywho_is_refused(store_target):
    with Store.open(store_target) as store, store.backend.write() as conn:
        conn.run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (999, "later"))
    with pytest.raises(StoreError, match="newer"):
        Store.open(store_target)


# --- speakers across articles ---------------------------------------------------------


def test_title_and_surname_variants_of_one_person_become_one_speaker(store):
    add(store, build_article([Quote("Stephen Townsend", "Troop levels will stay")], input="a"))
    add(store, build_article([Quote("Gen. Stephen Townsend", "The fight is not over")], input="b"))
    add(store, build_article([Quote("Townsend", "We are ready")], input="c"))
    ids = speaker_of(store, "Stephen Townsend") | speaker_of(store, "Gen. Stephen Townsend") | speaker_of(store, "Townsend")
    assert len(ids) == 1
    speaker = store.speaker(ids.pop())
    assert speaker["name"] == "Stephen Townsend"
    assert {a["name"] for a in speaker["aliases"]} == {"Stephen Townsend", "Gen. Stephen Townsend", "Townsend"}
    assert speaker["attributions"] == 3


def test_a_bare_surname_seen_before_the_full_name_still_joins_it(store):
    add(store, build_article([Quote("Townsend", "We are ready")], input="c"))
    add(store, build_article([Quote("Stephen Townsend", "Troop levels will stay")], input="a"))
    assert speaker_of(store, "Townsend") == speaker_of(store, "Stephen Townsend")


def test_people_who_share_a_surname_stay_apart(store):
    add(store, build_article([Quote("Bill Clinton", "I did my best")], input="a"))
    add(store, build_article([Quote("Hillary Clinton", "We are stronger together")], input="b"))
    add(store, build_article([Quote("Clinton", "It is a great day")], input="c"))
    bill, hillary, bare = speaker_of(store, "Bill Clinton"), speaker_of(store, "Hillary Clinton"), speaker_of(store, "Clinton")
    assert len(bill | hillary | bare) == 3


def test_a_bare_surname_follows_the_person_who_dominates_it(store):
    for n in range(4):
        add(store, build_article([Quote("Donald Trump", f"Statement number {n}")], input=f"d{n}"))
    add(store, build_article([Quote("Ivanka Trump", "My father is right")], input="i"))
    add(store, build_article([Quote("Trump", "Make it great")], input="t"))
    assert speaker_of(store, "Trump") == speaker_of(store, "Donald Trump")
    assert speaker_of(store, "Ivanka Trump") != speaker_of(store, "Donald Trump")


def test_resolution_does_not_depend_on_ingest_order(store_target, tmp_path):
    articles = [
        build_article([Quote("Clinton", "A bare one")], input="1"),
        build_article([Quote("Bill Clinton", "Bill speaks")], input="2"),
        build_article([Quote("Townsend", "Bare general")], input="3"),
        build_article([Quote("Hillary Clinton", "Hillary speaks")], input="4"),
        build_article([Quote("Gen. Stephen Townsend", "Full general")], input="5"),
    ]

    def partition(store: Store) -> set[frozenset[str]]:
        rows = store.backend.reader().all("SELECT name, speaker_id FROM mentions")
        groups: dict[int, set[str]] = {}
        for row in rows:
            groups.setdefault(row["speaker_id"], set()).add(row["name"])
        return {frozenset(g) for g in groups.values()}

    with Store.open(store_target) as store:
        for article in articles:
            add(store, article)
        forward = partition(store)
    other = Store.open(str(tmp_path / "reverse.db"))
    for article in reversed(articles):
        add(other, article)
    assert partition(other) == forward
    assert frozenset({"Townsend", "Gen. Stephen Townsend"}) in forward


def test_organisations_resolve_by_any_alias(store):
    add(store, build_article([Quote("Federal Bureau of Investigation", "We are looking", kind="organization", aliases=["FBI"])], input="a"))
    add(store, build_article([Quote("the FBI", "No comment", kind="organization")], input="b"))
    assert speaker_of(store, "Federal Bureau of Investigation") == speaker_of(store, "the FBI")


def test_organisations_sharing_only_a_pronoun_or_description_stay_apart(store):
    add(store, build_article([Quote("TimeWarner", "Profits rose", kind="organization", aliases=["it", "the company"])], input="a"))
    add(store, build_article([Quote("Microsoft", "Sales fell", kind="organization", aliases=["it", "the company", "BT"])], input="b"))
    add(store, build_article([Quote("BT", "Prices stay", kind="organization")], input="c"))
    assert len(speaker_of(store, "TimeWarner") | speaker_of(store, "Microsoft") | speaker_of(store, "BT")) == 3


def test_a_well_known_person_filed_as_an_organisation_joins_the_person(store):
    for n in range(5):
        add(store, build_article([Quote("Hillary Clinton", f"Point {n}")], input=f"h{n}"))
    add(store, build_article([Quote("Clinton", "Filed as an organisation", kind="organization")], input="o"))
    add(store, build_article([Quote("Ford", "Car sales rose", kind="organization", descriptors=["car company"])], input="f"))
    for n in range(5):
        add(store, build_article([Quote("Harrison Ford", f"I loved film {n}")], input=f"hf{n}"))
    add(store, build_article([Quote("Rubio", "Filed as an organisation too", kind="organization")], input="r"))
    add(store, build_article([Quote("Marco Rubio", "Named once only")], input="mr"))
    assert speaker_of(store, "Clinton") == speaker_of(store, "Hillary Clinton")
    assert speaker_of(store, "Ford") != speaker_of(store, "Harrison Ford")
    assert speaker_of(store, "Rubio") != speaker_of(store, "Marco Rubio")  # one mention is too little to overrule the kind
    (ford,) = speaker_of(store, "Ford")
    assert store.speaker(ford)["kind"] == "organization"


def test_a_party_is_known_by_its_fullest_proper_name(store):
    add(store, build_article([Quote("Democrats", "We oppose it", kind="group", aliases=["The Liberal Democrats", "they"])], input="uk"))
    add(store, build_article([Quote("Democrats", "We support it", kind="group", aliases=["the Democrats"])], input="us"))
    add(store, build_article([Quote("Liberal Democrats", "Still opposed", kind="group")], input="uk2"))
    assert speaker_of(store, "Liberal Democrats") == {next(iter(speaker_of(store, "Liberal Democrats")))}
    rows = store.backend.reader().all("SELECT m.speaker_id, a.input FROM mentions m JOIN articles a ON a.id = m.article_id")
    by_input = {r["input"]: r["speaker_id"] for r in rows}
    assert by_input["uk"] == by_input["uk2"] != by_input["us"]


def test_unnamed_speakers_are_never_merged_across_articles(store):
    add(store, build_article([Quote("a spokesman", "No comment", kind="unnamed")], input="a"))
    add(store, build_article([Quote("a spokesman", "Still no comment", kind="unnamed")], input="b"))
    assert speaker_of(store, "a spokesman") == {None}
    assert store.search(SearchQuery(speaker="spokesman")).total == 2


def test_a_manual_merge_holds_for_articles_ingested_later(store):
    add(store, build_article([Quote("Stephen Townsend", "Troop levels will stay")], input="a"))
    add(store, build_article([Quote("Steve Townsend", "Different first name")], input="b"))
    (stephen,), (steve,) = speaker_of(store, "Stephen Townsend"), speaker_of(store, "Steve Townsend")
    assert stephen != steve
    store.merge_speakers(stephen, [steve])
    add(store, build_article([Quote("Steve Townsend", "Said again later")], input="c"))
    assert speaker_of(store, "Steve Townsend") == {stephen}
    assert store.live_speaker_id(steve) == stephen
    assert store.speaker_edits()[0]["op"] == "merge"
    with pytest.raises(StoreError, match="merged into"):
        store.merge_speakers(steve, [stephen])


def test_a_manual_split_holds_for_articles_ingested_later(store):
    add(store, build_article([Quote("Hillary Clinton", "Stronger together")], input="a"))
    add(store, build_article([Quote("Clinton", "A bare mention")], input="b"))
    (hillary,) = speaker_of(store, "Hillary Clinton")
    assert speaker_of(store, "Clinton") == {hillary}
    new = store.split_speaker(hillary, ["Clinton"])
    add(store, build_article([Quote("Clinton", "Another bare mention")], input="c"))
    assert speaker_of(store, "Clinton") == {new}
    assert speaker_of(store, "Hillary Clinton") == {hillary}
    with pytest.raises(StoreError, match="no mention named"):
        store.split_speaker(hillary, ["Chelsea Clinton"])


def test_speaker_list_counts_statements_and_breaks_down_by_kind_and_descriptor(store):
    add(store, build_article([Quote("Jane Smith", "One", descriptors=["mayor"]), Quote("Jane Smith", "Two"),
                              Quote("the FBI", "Three", kind="organization"), Quote("officials", "Four", kind="group")]))
    page = store.speakers()
    assert [(r["name"], r["attributions"]) for r in page.rows] == [("Jane Smith", 2), ("the FBI", 1)]
    assert page.rows[0]["descriptors"] == ["mayor"]
    assert store.speakers(kind="organization").total == 1
    by_kind = {r["value"]: r["attributions"] for r in store.speaker_breakdown("kind")}
    assert by_kind == {"person": 2, "organization": 1, "group": 1}
    assert store.speaker_breakdown("descriptor") == [{"value": "mayor", "attributions": 2}]


def test_speaker_timeline_counts_statements_per_month(store):
    add(store, build_article([Quote("Jane Smith", "One")], published="2016-05-03", input="a"))
    add(store, build_article([Quote("Jane Smith", "Two"), Quote("Jane Smith", "Three")], published="2016-07-09", input="b"))
    (jane,) = speaker_of(store, "Jane Smith")
    assert store.speaker(jane)["timeline"] == [{"month": "2016-05", "attributions": 1}, {"month": "2016-07", "attributions": 2}]
    # The web page bins per day itself and asks for the rest only.
    page = store.speaker(jane, timeline=False)
    assert "timeline" not in page and page["attributions"] == 3


# --- search -----------------------------------------------------------------------------


@pytest.fixture
def corpus(store):
    add(store, build_article([Quote("Stephen Townsend", "Troop levels in Iraq will stay the same")],
                             input="a", published="2017-03-01", publisher="Wire"))
    add(store, build_article([Quote("Jane Smith", "We will not raise troop numbers", type="indirect")],
                             input="b", published="2016-01-10", publisher="Daily"))
    add(store, build_article([Quote("Jane Smith", "Taxes will fall")], input="c", published="2015-06-01", publisher="Daily"))
    return store


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(text="troop levels"), ["Troop levels in Iraq will stay the same"]),
        (SearchQuery(text="troops"), ["Troop levels in Iraq will stay the same", "We will not raise troop numbers"]),
        (SearchQuery(text='"troop numbers"'), ["We will not raise troop numbers"]),
        (SearchQuery(text="troop", speaker="Townsend"), ["Troop levels in Iraq will stay the same"]),
        (SearchQuery(speaker="smith"), ["We will not raise troop numbers", "Taxes will fall"]),
        (SearchQuery(publisher="daily", since="2016-01-01"), ["We will not raise troop numbers"]),
        (SearchQuery(until="2015-12-31"), ["Taxes will fall"]),
        (SearchQuery(type="indirect"), ["We will not raise troop numbers"]),
        (SearchQuery(text="elephants"), []),
        (SearchQuery(speaker="Nobody Known"), []),
        # Query syntax characters are words, not operators, and never an error.
        (SearchQuery(text='troop" OR NEAR( * -'), []),
        (SearchQuery(text='"'), ["Troop levels in Iraq will stay the same", "We will not raise troop numbers", "Taxes will fall"]),
        (SearchQuery(text='"" troop ""'), ["Troop levels in Iraq will stay the same", "We will not raise troop numbers"]),
        (SearchQuery(speaker="100%_"), []),
    ],
)
def test_search_filters(corpus, query, expected):
    page = corpus.search(query)
    assert sorted(r["content"].strip('",') for r in page.rows) == sorted(expected)
    assert page.total == len(expected)


def test_search_pages_without_losing_or_repeating_rows(corpus):
    seen = []
    for offset in range(3):
        page = corpus.search(SearchQuery(limit=1, offset=offset))
        assert page.total == 3
        seen += [r["id"] for r in page.rows]
    assert len(set(seen)) == 3
    assert [r["id"] for r in corpus.iter_search(SearchQuery())] == seen


@pytest.mark.parametrize(
    "query", [SearchQuery(since="May 2016"), SearchQuery(type="quote"), SearchQuery(limit=0), SearchQuery(kind="robot")]
)
def test_bad_search_filters_are_clear_errors(corpus, query):
    with pytest.raises(StoreError):
        corpus.search(query)


def test_tags_and_bookmarks_mark_statements_for_follow_up(corpus):
    first = corpus.search(SearchQuery(text="taxes")).rows[0]["id"]
    corpus.add_tag(first, "needs check")
    corpus.add_tag(first, "needs check")
    corpus.set_bookmark(first, True, "call the ministry")
    row = corpus.search(SearchQuery(tag="needs check")).rows[0]
    assert (row["id"], row["tags"], row["bookmarked"]) == (first, ["needs check"], True)
    assert corpus.search(SearchQuery(bookmarked=True)).total == 1
    assert corpus.tags() == [{"tag": "needs check", "statements": 1}]
    corpus.remove_tag(first, "needs check")
    corpus.set_bookmark(first, False)
    assert corpus.search(SearchQuery(bookmarked=True)).total == 0
    with pytest.raises(StoreError):
        corpus.add_tag(first, "<script>")
    with pytest.raises(StoreError, match="no statement"):
        corpus.add_tag(10**9, "fine")


def test_speaker_name_filter_gives_the_same_rows_inlined_or_joined(corpus, monkeypatch):
    from saywho.store import store as store_module

    inlined = [r["id"] for r in corpus.iter_search(SearchQuery(speaker="s"))]
    monkeypatch.setattr(store_module, "MAX_INLINE_IDS", 0)
    assert [r["id"] for r in corpus.iter_search(SearchQuery(speaker="s"))] == inlined
    assert len(inlined) == 3
