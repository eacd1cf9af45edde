"""The materialised speaker counts (migration 0004): the speakers list read from them is
the list counted live, for every sort and filter, and stays so after writes and merges."""

from __future__ import annotations

import pytest

from saywho.store import Store
from saywho.store.store import SpeakerQuery
from store.store_builders import BACKENDS, Quote, add, build_article
from store.test_keyset import fill

pytestmark = pytest.mark.parametrize("store_target", BACKENDS, indirect=True)

QUERIES = [
    {},
    {"sort": "articles"},
    {"sort": "latest"},
    {"sort": "latest", "direction": "asc"},
    {"sort": "statements", "direction": "asc", "limit": 2, "offset": 1},
    {"kind": "person", "min_statements": 10},
    {"name": "ann"},
    {"name": "o'b"},
]


def both(store: Store, **wanted) -> tuple[list, list, int, int]:
    query = SpeakerQuery(**wanted).validate()
    conn = store.backend.reader()
    counted = store._speakers_counted(conn, query)
    live = store._speakers_live(query)
    return counted.rows, live.rows, counted.total, live.total


@pytest.mark.parametrize("wanted", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()) or "default")
def test_the_counted_list_is_the_live_list(store, wanted):
    fill(store)
    add(store, build_article([Quote("Peter O'Brien", "Undated words")], input="undated.txt", published=None))
    assert store.refresh_speaker_counts()
    counted, live, counted_total, live_total = both(store, **wanted)
    assert counted == live and counted_total == live_total
    assert live_total > 0


def test_counts_are_recounted_after_a_write_and_a_merge(store):
    fill(store)
    first = store.speakers().rows
    assert not store.refresh_speaker_counts()  # the list counted them for this data already
    add(store, build_article([Quote("Ann Lee", "One more thing")], input="more.txt"))
    after_write = store.speakers().rows
    ann = next(r for r in after_write if r["name"] == "Ann Lee")
    assert ann["attributions"] == next(r for r in first if r["name"] == "Ann Lee")["attributions"] + 1
    bob = next(r for r in after_write if r["name"] == "Bob Stone")
    store.merge_speakers(ann["id"], [bob["id"]])
    merged = store.speakers().rows
    assert "Bob Stone" not in {r["name"] for r in merged}
    counted, live, _, _ = both(store)
    assert counted == live
    assert store.speaker(ann["id"])["attributions"] == next(r for r in merged if r["id"] == ann["id"])["attributions"]


def test_a_store_that_cannot_write_counts_live(store, monkeypatch):
    fill(store)

    def refused(**_):
        raise store.backend.errors[0]("attempt to write a readonly database")

    monkeypatch.setattr(store, "refresh_speaker_counts", refused)
    page = store.speakers()
    assert page.rows == store._speakers_live(SpeakerQuery().validate()).rows
