"""Curation on both backends: merges, splits and reassignments hold after a re-ingest, in a
fresh database and on another backend, because they are recorded without database ids."""

from __future__ import annotations

import json

import pytest

from saywho.models import Article
from saywho.store import SearchQuery, Store, StoreError
from store.store_builders import BACKENDS, Quote, add, build_article, speaker_of

pytestmark = pytest.mark.parametrize("store_target", BACKENDS, indirect=True)


def articles() -> list[Article]:
    return [
        build_article([Quote("Stephen Townsend", "Troop levels will stay"), Quote("Stephen Townsend", "We hold the line"),
                       Quote("a spokesman", "No comment", kind="unnamed")], input="a.txt"),
        build_article([Quote("Steve Townsend", "Different first name")], input="b.txt"),
        build_article([Quote("Hillary Clinton", "Stronger together")], input="c.txt"),
        build_article([Quote("Clinton", "A bare mention")], input="d.txt"),
    ]


def who_said(store: Store) -> dict[tuple[str, int], tuple[str, str]]:
    """Each statement, by article hash and position, with its speaker's name and kind."""
    rows = store.backend.reader().all(
        "SELECT ar.content_hash, a.seq, COALESCE(s.name, m.name) AS name, m.kind FROM attributions a "
        "JOIN articles ar ON ar.id = a.article_id JOIN mentions m ON m.id = a.mention_id "
        "LEFT JOIN speakers s ON s.id = m.speaker_id"
    )
    return {(r["content_hash"], r["seq"]): (r["name"], r["kind"]) for r in rows}


def listed(store: Store) -> list[tuple[str, str, int, int]]:
    """The speakers list as people read it: name, kind, statements, articles."""
    return [(r["name"], r["kind"], r["attributions"], r["articles"]) for r in store.speakers(limit=100).rows]


def statement_id(store: Store, words: str) -> int:
    """The statement whose content holds these words (the builder's content keeps its quote marks)."""
    return store.backend.reader().value("SELECT id FROM attributions WHERE content LIKE ?", (f"%{words}%",))


def curate(store: Store) -> None:
    """One of each: a merge, a split and two reassignments (to a known and to a new speaker)."""
    (stephen,), (steve,) = speaker_of(store, "Stephen Townsend"), speaker_of(store, "Steve Townsend")
    store.merge_speakers(stephen, [steve])
    (hillary,) = speaker_of(store, "Hillary Clinton")
    store.split_speaker(hillary, ["Clinton"])
    store.reassign_statement(statement_id(store, "We hold the line"), speaker_id=hillary)
    store.reassign_statement(statement_id(store, "No comment"), name="Pentagon", kind="organization")


def test_a_reassignment_moves_one_statement_and_leaves_its_neighbours(store):
    for article in articles():
        add(store, article)
    (stephen,), (hillary,) = speaker_of(store, "Stephen Townsend"), speaker_of(store, "Hillary Clinton")
    moved = statement_id(store, "We hold the line")
    assert store.reassign_statement(moved, speaker_id=hillary) == hillary
    assert store.attribution(moved)["speaker"] == "Hillary Clinton"
    assert store.attribution(statement_id(store, "Troop levels will stay"))["speaker_id"] == stephen
    found = store.search(SearchQuery(speaker=str(hillary)))
    assert {r["content"] for r in found.rows} == {'"Stronger together,', '"A bare mention,', '"We hold the line,'}
    (entry,) = store.curation_log()
    assert entry["op"] == "reassign"
    assert entry["statement"]["content"] == '"We hold the line,' and entry["statement"]["seq"] == 1
    assert entry["to"] == {"name": "Hillary Clinton", "kind": "person", "keys": ["person:hillary clinton"]}
    assert "id" not in json.dumps(entry)  # nothing in it depends on this database's ids


def test_a_statement_can_go_to_a_new_speaker_or_back(store):
    for article in articles():
        add(store, article)
    statement = statement_id(store, "No comment")
    pentagon = store.reassign_statement(statement, name="  Pentagon ", kind="organization")
    assert store.speaker(pentagon)["name"] == "Pentagon"
    assert store.attribution(statement)["speaker_kind"] == "organization"
    # The same name again is the same speaker, not a second one.
    assert store.reassign_statement(statement, name="Pentagon", kind="organization") == pentagon
    (stephen,) = speaker_of(store, "Stephen Townsend")
    store.reassign_statement(statement, speaker_id=stephen)
    assert store.attribution(statement)["speaker_id"] == stephen
    # The mention made for the Pentagon went with its last statement.
    assert speaker_of(store, "Pentagon") == set()


@pytest.mark.parametrize(("target", "message"), [
    ({"speaker_id": 99999}, "no speaker 99999"),
    ({"name": "Pentagon", "kind": "unnamed"}, "kind must be one of person, organization, group"),
    ({"name": "   ", "kind": "person"}, "needs a name"),
    ({}, "a speaker id, or to a new speaker"),
])
def test_a_reassignment_to_nobody_is_a_clear_error(store, target, message):
    add(store, articles()[0])
    with pytest.raises(StoreError, match=message):
        store.reassign_statement(statement_id(store, "No comment"), **target)
    with pytest.raises(StoreError, match="no statement 12345"):
        store.reassign_statement(12345, name="Pentagon", kind="organization")
    assert store.curation_log() == []


def test_curation_survives_deleting_and_ingesting_the_articles_again(store):
    for article in articles():
        add(store, article)
    curate(store)
    curated = who_said(store)
    ids = [r["id"] for r in store.backend.reader().all("SELECT id FROM articles ORDER BY id")]
    for article_id in ids:
        assert store.delete_article(article_id)
    assert who_said(store) == {}
    for article in articles():
        add(store, article)
    assert who_said(store) == curated


@pytest.mark.parametrize("curation_first", [True, False], ids=["curation-then-articles", "articles-then-curation"])
def test_a_fresh_database_with_the_same_articles_and_the_curation_gets_the_same_speakers(store, tmp_path, curation_first):
    with Store.open(str(tmp_path / "curated.db")) as source:
        for article in articles():
            add(source, article)
        curate(source)
        log = source.curation_log()
        curated = who_said(source)
        listing = listed(source)
    if curation_first:  # the reassignments wait for their articles
        report = store.import_curation(log)
        assert (report.applied, report.pending) == (2, 2)
        assert store.curation_pending() == 2
    for article in articles():
        add(store, article)
    if not curation_first:
        listed(store)  # the speakers list is cached: the import must not leave it stale
        assert store.import_curation(log).applied == 4
    assert who_said(store) == curated
    assert listed(store) == listing
    assert store.curation_pending() == 0
    # A second import of the same log finds every entry recorded already.
    again = store.import_curation(log)
    assert (again.known, again.applied) == (4, 0)
    assert who_said(store) == curated
    # Articles ingested later still follow the curation.
    add(store, build_article([Quote("Steve Townsend", "Later still")], input="e.txt"))
    add(store, build_article([Quote("Clinton", "Bare again")], input="f.txt"))
    (stephen,) = speaker_of(store, "Stephen Townsend")
    assert speaker_of(store, "Steve Townsend") == {stephen}
    assert speaker_of(store, "Clinton").isdisjoint(speaker_of(store, "Hillary Clinton"))


def test_a_reassignment_finds_its_statement_by_content_when_the_numbering_changed(store, tmp_path):
    original = articles()[0]
    with Store.open(str(tmp_path / "curated.db")) as source:
        add(source, original)
        source.reassign_statement(statement_id(source, "We hold the line"), name="Pentagon", kind="organization")
        log = source.curation_log()
    add(store, original)
    moved = log[0] | {"statement": log[0]["statement"] | {"seq": 0}}
    assert store.import_curation([moved]).applied == 1
    assert store.attribution(statement_id(store, "We hold the line"))["speaker"] == "Pentagon"
    assert store.attribution(statement_id(store, "Troop levels will stay"))["speaker"] == "Stephen Townsend"


@pytest.mark.parametrize(("entry", "message"), [
    ({"op": "rename", "created_at": "2026-01-01"}, "'op' must be one of merge, split, reassign"),
    ({"op": "merge", "created_at": "2026-01-01", "into": {"name": "X"}, "others": []}, "'into' must be a speaker"),
    ({"op": "split", "created_at": "2026-01-01", "from": {"name": "X", "kind": "person", "keys": ["person:x y"]},
      "names": []}, "'names' must be"),
    ({"op": "reassign", "created_at": "2026-01-01", "statement": {"article": "abc"}}, "'statement' must hold"),
    ([1], "must be a JSON object"),
])
def test_a_malformed_curation_entry_is_refused_and_changes_nothing(store, entry, message):
    add(store, articles()[0])
    good = {"op": "reassign", "created_at": "2026-01-01T00:00:00", "to": {"name": "Pentagon", "kind": "organization",
            "keys": ["org:pentagon"]}, "statement": {"article": "0" * 64, "seq": 0, "content": "x"}}
    with pytest.raises(StoreError, match=message):
        store.import_curation([good, entry])
    assert store.curation_log() == []


def test_suggestions_put_names_starting_with_the_text_first_and_are_bounded(store):
    for article in articles():
        add(store, article)
    (steve,) = speaker_of(store, "Steve Townsend")
    store.merge_speakers(next(iter(speaker_of(store, "Stephen Townsend"))), [steve])
    assert [s["name"] for s in store.suggest_speakers("s")] == ["Stephen Townsend"]  # the merged Steve is gone
    add(store, build_article([Quote("Tom Ray", "Once")], input="g.txt"))
    found = store.suggest_speakers("t")
    # Tom Ray starts with "t": first, though in fewer articles; then the most articles, then by name.
    assert [(s["name"], s["articles"]) for s in found] == [("Tom Ray", 1), ("Hillary Clinton", 2), ("Stephen Townsend", 2)]
    assert [s["name"] for s in store.suggest_speakers("CLINTON ")] == ["Hillary Clinton"]
    assert store.suggest_speakers("%") == [] and store.suggest_speakers("  ") == []
    assert len(store.suggest_speakers("n", limit=1)) == 1
