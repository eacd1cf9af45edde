"""Duplicates: exact by normalised-text hash, near by MinHash LSH, reported as groups."""

from __future__ import annotations

import pytest

from conftest import SHARED, needs_shared
from saywho.ingest.dedup import DuplicateFinder, content_hash, find_duplicates, normalise

STORY = (
    "The harbour council voted on Monday to keep the ferry that links Eastwick with the mainland, "
    "after a winter in which residents missed hospital appointments and schools closed early. "
    "Council leader Tom Baird said savings would be found elsewhere in the transport budget, "
    "and that a new timetable would be published before the summer season begins in May. "
    "Residents had collected more than three thousand signatures in support of the service."
)
OTHER = (
    "A family bakery on Mill Lane has won the regional bread prize for the third year running, "
    "beating forty other entries with a rye loaf baked to a recipe from the owner's grandmother. "
    "The judges praised its crust and said the competition had never been so close."
)


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Ferry saved, council says.", "ferry SAVED council says", True),
        ("Ferry  saved\n\ncouncil says", "Ferry saved council says.", True),
        ("Ferry saved, council says.", "Ferry closed, council says.", False),
    ],
)
def test_content_hash_ignores_case_spacing_and_punctuation_only(a, b, same):
    assert (content_hash(a) == content_hash(b)) is same


def test_normalise_keeps_words_in_order():
    assert normalise("“Ferry” — SAVED!\n") == "ferry saved"


def test_exact_duplicates_form_one_group_with_the_first_seen_first():
    report = find_duplicates([("a", STORY), ("b", OTHER), ("c", STORY.upper()), ("d", STORY)])
    assert [g.members for g in report.exact] == [("a", "c", "d")]
    assert report.exact_duplicates == 2 and report.near == []


def test_near_duplicates_are_found_and_different_stories_are_not():
    edited = STORY.replace("three thousand", "four thousand")  # a correction: one word
    report = find_duplicates([("original", STORY), ("other", OTHER), ("edited", edited)])
    assert report.exact == []
    [group] = report.near
    assert group.members == ("original", "edited")
    assert 0.5 < group.similarity <= 1.0
    assert report.near_duplicates == 1


def test_near_search_can_be_switched_off_and_threshold_is_checked():
    edited = STORY.replace("Monday", "Tuesday")
    assert find_duplicates([("a", STORY), ("b", edited)], near=False).near == []
    with pytest.raises(ValueError):
        DuplicateFinder(threshold=0)


def test_report_serialises():
    data = find_duplicates([("a", STORY), ("b", STORY)]).to_dict()
    assert data["exact_duplicates"] == 1 and data["exact"][0]["members"] == ["a", "b"]


#: The BBC corpus holds 98 byte-identical repeats; a few more differ only in spacing or case.
BBC_BYTE_IDENTICAL_REPEATS = 98


@needs_shared
def test_bbc_news_duplicates_are_found():
    paths = sorted((SHARED / "data" / "bbc-news").glob("*/*.txt"))
    texts = [(str(p), p.read_bytes().decode("utf-8", "replace")) for p in paths]
    report = find_duplicates(texts, near=False)
    assert report.exact_duplicates >= BBC_BYTE_IDENTICAL_REPEATS
    byte_groups = {}
    for name, text in texts:
        byte_groups.setdefault(text, []).append(name)
    repeats = {name for names in byte_groups.values() for name in names[1:]}
    found = {name for group in report.exact for name in group.members[1:]}
    assert repeats <= found
