"""Wire copies: near-duplicate articles grouped into stories, searched and counted once."""

from __future__ import annotations

import json

import pytest

from saywho.cli.store import read_exported_record
from saywho.models import Article
from saywho.store import SearchQuery, Store
from saywho.store import db as store_db
from saywho.store.ingest import ingest
from saywho.store.stories import StoryConfig, StoryGrouper
from store.store_builders import BACKENDS, Quote, add, body, story

pytestmark = pytest.mark.parametrize("store_target", BACKENDS, indirect=True)

def stories_of(store: Store) -> dict[int, int]:
    return {r["id"]: r["story_id"] for r in store.backend.reader().all("SELECT id, story_id FROM articles ORDER BY id")}


def test_copies_of_one_story_join_the_first_and_other_stories_stay_apart(store):
    quote = [Quote("Jane Smith", "We will cut taxes next year")]
    first = add(store, story(1, quote, publisher="Reuters"))
    other = add(store, story(2, quote, publisher="Reuters"))
    copy = add(store, story(1, quote, publisher="Guardian", edit=" Additional reporting by a correspondent."))
    assert stories_of(store) == {first: first, other: other, copy: first}


def test_grouping_carries_over_between_ingest_runs(store_target):
    quote = [Quote("Jane Smith", "We will cut taxes next year")]
    with Store.open(store_target) as store:
        first = add(store, story(1, quote, publisher="Reuters"))
    with Store.open(store_target) as store:
        copy = add(store, story(1, quote, publisher="BBC", edit=" Updated at noon."))
        assert stories_of(store)[copy] == first


def test_text_differing_only_in_case_and_punctuation_is_one_story(store):
    original = story(1, [], publisher="Reuters")
    shouted = Article(input="shout.txt", text=original.text.upper().replace(".", "!"), publisher="Shouty")
    first, second = add(store, original), add(store, shouted)
    assert second is not None and stories_of(store)[second] == first


def test_an_article_matching_two_stories_joins_them_under_the_first(store_target):
    # a and c share less than the threshold; b, between them, is close to both.
    base = body(7, 600).split(" ")
    a_text, c_text = " ".join(base[:-70]), " ".join(base[70:])
    b_text = " ".join(base)
    grouper = StoryGrouper()
    similarity = _similarity(grouper, a_text, c_text)
    assert similarity < grouper.config.threshold <= min(_similarity(grouper, a_text, b_text), _similarity(grouper, b_text, c_text))
    with Store.open(store_target) as store:
        ids = [add(store, Article(input=f"{n}.txt", text=t)) for n, t in (("a", a_text), ("c", c_text), ("b", b_text))]
        assert len(set(stories_of(store).values())) == 1 and set(stories_of(store).values()) == {ids[0]}


def _similarity(grouper: StoryGrouper, one: str, other: str) -> float:
    first, second = grouper.signature(one), grouper.signature(other)
    assert first is not None and second is not None
    return float((first == second).mean())


def test_a_stricter_threshold_keeps_an_edited_copy_apart(store):
    quote = [Quote("Jane Smith", "We will cut taxes next year")]
    store.stories = StoryGrouper(StoryConfig(threshold=0.95, num_perm=128, shingle_words=5))
    first = add(store, story(1, quote, publisher="Reuters"))
    copy = add(store, story(1, quote, publisher="BBC", edit=" " + body(9, 60)))
    assert stories_of(store)[copy] == copy != first


def test_a_corpus_stored_before_stories_is_grouped_by_the_next_ingest(store_target, monkeypatch):
    texts = [body(1), body(2), body(1) + " A line the copy added."]
    only_first = {1: store_db.available_migrations(store_db.open_backend(store_target).dialect)[1]}
    with monkeypatch.context() as patched:
        patched.setattr(store_db, "available_migrations", lambda dialect: only_first)
        old = store_db.open_backend(store_target)
        assert old.migrate() == 1
        with old.write() as conn:
            speaker = conn.value("INSERT INTO speakers (name, kind, created_at) VALUES ('Jane Smith', 'person', '2016') "
                                 "RETURNING id")
            for n, text in enumerate(texts):
                article_id = conn.value(
                    "INSERT INTO articles (content_hash, input, text, record, ingested_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    (f"h{n}", f"{n}.txt", text, "{}", "2016-01-01"),
                )
                mention = conn.value("INSERT INTO mentions (article_id, local_id, name, kind, speaker_id) "
                                     "VALUES (?, 's1', 'Jane Smith', 'person', ?) RETURNING id", (article_id, speaker))
                conn.run("INSERT INTO attributions (article_id, seq, mention_id, type, act, content, content_start, "
                         "content_end, confidence) VALUES (?, 0, ?, 'direct', 'say', ?, 0, 1, 0.9)",
                         (article_id, mention, "“Same words,”"))
        old.close()
    with Store.open(store_target) as store:
        ids = list(stories_of(store))
        assert stories_of(store) == {i: i for i in ids}  # after the migration: each its own story
        assert store.search(SearchQuery()).total == 3
        assert [(r["attributions"], r["articles"]) for r in store.speakers().rows] == [(3, 3)]  # cached
        report = ingest(store, [])
        assert report.stored == 0
        assert stories_of(store) == {ids[0]: ids[0], ids[1]: ids[1], ids[2]: ids[0]}
        page = store.search(SearchQuery())
        assert page.total == 2 and sorted(r["copies"] for r in page.rows) == [1, 2]
        assert [(r["attributions"], r["articles"]) for r in store.speakers().rows] == [(2, 2)]
        assert store.group_pending() == 0


def test_pending_articles_are_grouped_a_batch_at_a_time(store):
    ids = [add(store, story(n, [], publisher="Reuters")) for n in (1, 2, 3)]
    with store.backend.write() as conn:
        conn.run("DELETE FROM article_signatures")
        conn.run("DELETE FROM story_bands")
    with store.backend.write() as conn:
        assert StoryGrouper().group_pending(conn, limit=2) == 2
    assert store.group_pending() == 1  # the rest; a stopped run resumes where it was
    assert stories_of(store) == {i: i for i in ids}


def test_search_shows_a_statement_once_with_the_count_of_its_copies(store):
    quote = [Quote("Jane Smith", "We will cut taxes next year"), Quote("Tom Jones", "Taxes are too high")]
    reworded = [Quote("Jane Smith", "We will cut taxes, next year"), Quote("Tom Jones", "Taxes are too high")]
    add(store, story(1, quote, publisher="Reuters"))
    add(store, story(1, reworded, publisher="BBC", edit=" Updated."))
    add(store, story(1, quote, publisher="Guardian", edit=" Corrected."))
    add(store, story(2, [Quote("Jane Smith", "We will cut taxes next year")], publisher="Times"))  # said again, elsewhere

    collapsed = store.search(SearchQuery(text="taxes"))
    assert collapsed.total == 3
    assert sorted((r["speaker"], r["copies"]) for r in collapsed.rows) == [("Jane Smith", 1), ("Jane Smith", 3), ("Tom Jones", 3)]
    every = store.search(SearchQuery(text="taxes", all_copies=True))
    assert every.total == 7 and {r["copies"] for r in every.rows} == {1}
    # Filters apply before copies are counted: one publisher's copy is one article.
    assert [r["copies"] for r in store.search(SearchQuery(publisher="BBC")).rows] == [1, 1]
    # Paging and exports see each collapsed statement once.
    pages = [store.search(SearchQuery(limit=1, offset=n)).rows for n in range(3)]
    assert len({r[0]["id"] for r in pages}) == 3
    assert len(list(store.iter_search(SearchQuery()))) == 3


def test_the_same_words_from_another_speaker_are_another_statement(store):
    add(store, story(1, [Quote("Jane Smith", "Taxes are too high")], publisher="Reuters"))
    add(store, story(1, [Quote("Tom Jones", "Taxes are too high")], publisher="BBC", edit=" Updated."))
    assert store.search(SearchQuery()).total == 2


def test_speakers_count_stories_and_statements_once_per_story(store):
    quote = [Quote("Jane Smith", "We will cut taxes next year"), Quote("Jane Smith", "The budget is balanced")]
    add(store, story(1, quote, publisher="Reuters"))
    add(store, story(1, quote, publisher="BBC", edit=" Updated."))
    add(store, story(2, quote[:1], publisher="Times"))
    listed = store.speakers().rows[0]
    assert (listed["name"], listed["attributions"], listed["articles"]) == ("Jane Smith", 3, 2)
    page = store.speaker(listed["id"])
    assert page is not None and (page["attributions"], page["articles"]) == (3, 2)
    assert page["timeline"] == [{"month": "2016-05", "attributions": 3}]


def test_speakers_quoted_together_count_their_shared_story_once(store):
    quote = [Quote("Jane Smith", "We will cut taxes next year"), Quote("Tom Jones", "Taxes are too high")]
    add(store, story(1, quote, publisher="Reuters"))
    add(store, story(1, quote, publisher="BBC", edit=" Updated."))
    jane = next(r["id"] for r in store.speakers().rows if r["name"] == "Jane Smith")
    assert [(r["name"], r["articles"]) for r in store.quoted_with(jane)] == [("Tom Jones", 1)]


def test_export_and_import_keep_the_stories(store, tmp_path):
    quote = [Quote("Jane Smith", "We will cut taxes next year")]
    add(store, story(1, quote, publisher="Reuters"))
    add(store, story(2, quote, publisher="Reuters"))
    add(store, story(1, quote, publisher="BBC", edit=" Updated."))
    with Store.open(str(tmp_path / "moved.db")) as moved:
        for record in store.iter_articles():
            article, key = read_exported_record(json.dumps(record))
            moved.add_article(article, key)
        assert sorted(stories_of(moved).values()) == sorted(stories_of(store).values())
        assert moved.search(SearchQuery()).total == store.search(SearchQuery()).total == 2


def test_the_search_command_collapses_copies_unless_all_copies_is_given(store_target):
    from typer.testing import CliRunner

    from saywho.cli import app

    quote = [Quote("Jane Smith", "We will cut taxes next year")]
    with Store.open(store_target) as store:
        add(store, story(1, quote, publisher="Reuters"))
        add(store, story(1, quote, publisher="BBC", edit=" Updated."))
    runner = CliRunner()
    collapsed = runner.invoke(app, ["search", "taxes", "--db", store_target, "--format", "jsonl"])
    assert collapsed.exit_code == 0, collapsed.output
    assert [json.loads(line)["copies"] for line in collapsed.stdout.splitlines()] == [2]
    every = runner.invoke(app, ["search", "taxes", "--db", store_target, "--format", "jsonl", "--all-copies"])
    assert [json.loads(line)["copies"] for line in every.stdout.splitlines()] == [1, 1]
    table = runner.invoke(app, ["search", "taxes", "--db", store_target])
    assert table.exit_code == 0 and "copies" in table.stdout


def test_a_statement_repeated_within_one_article_counts_that_article_once(store):
    repeated = [Quote("Jane Smith", "We will cut taxes next year"), Quote("Jane Smith", "We will cut taxes next year")]
    article_id = add(store, story(1, repeated, publisher="Reuters"))
    assert article_id is not None
    assert [r["copies"] for r in store.search(SearchQuery()).rows] == [1]
    stored = store.article(article_id)
    assert stored is not None and set(stored["marks"]) == set(stored["attribution_ids"]) and len(stored["marks"]) == 2


def test_a_copy_stored_by_another_process_waits_for_the_story_lock(store_target):
    """PostgreSQL writers in two processes do not see each other's uncommitted articles,
    so grouping takes a lock; SQLite's single writer gives the same order by itself."""
    import threading

    from saywho.store.db import STORIES_LOCK_ID

    quote = [Quote("Jane Smith", "We will cut taxes next year")]
    with Store.open(store_target) as one, Store.open(store_target) as other:
        if one.dialect != "postgresql":
            pytest.skip("SQLite serialises every write transaction already")
        done = threading.Event()
        worker = threading.Thread(target=lambda: (add(other, story(1, quote, publisher="BBC", edit=" Updated.")), done.set()))
        with one.backend.write() as conn:
            one.backend.lock(conn, STORIES_LOCK_ID)
            worker.start()
            assert not done.wait(0.5)  # held back while the lock is held
        worker.join(timeout=10)
        assert done.is_set()
