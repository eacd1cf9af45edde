"""The user's example (../shared/seed): a badly scraped rt.com page and its gold answer.

Nothing in saywho special-cases this article; this pins the behaviour end to end.
"""

import json
from collections import Counter

import pytest

from conftest import SHARED, needs_shared

SEED = SHARED / "seed"

pytestmark = needs_shared


@pytest.fixture(scope="module")
def seed():
    gold_path = next(SEED.glob("*.gold.json"))
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = (SEED / gold["file"]).read_text(encoding="utf-8")
    return text, gold


@pytest.fixture(scope="module")
def article(seed, raw_extractor):
    text, _ = seed
    return raw_extractor.extract(text, published="2017-07-11", input="seed")


def overlaps(a, start, end):
    return any(s < end and start < e for s, e in a.content.spans)


def test_title_is_found_and_junk_line_not_analysed(article, seed):
    _, gold = seed
    assert article.title == gold["clean"]["title"]
    junk_end = article.text.index("\n")
    assert all(a.content.start > junk_end for a in article.attributions)


def test_every_gold_attribution_is_found_with_type_cue_and_speaker(article, seed):
    _, gold = seed
    body = [a for a in article.attributions if not a.headline]
    for expected in gold["attributions"]:
        matches = [a for a in body if overlaps(a, expected["content_start"], expected["content_end"])]
        assert matches, f"missed: {expected['content'][:60]}"
        found = matches[0]
        assert found.type == expected["type"], expected["content"][:60]
        assert found.cue.text == expected["cue"], expected["content"][:60]
        assert found.speaker.name == expected["speaker"], expected["content"][:60]
        if "when" in expected:
            assert found.when is not None and found.when.text == expected["when"]


def test_no_extra_attributions_and_none_in_the_not_attribution_sentences(article, seed):
    text, gold = seed
    body = [a for a in article.attributions if not a.headline]
    assert len(body) == len(gold["attributions"])
    for sentence in gold["not_attributions"]:
        start = text.index(sentence)
        assert not [a for a in body if overlaps(a, start, start + len(sentence))]


def test_canonical_speakers_counts_kinds_and_descriptors(article, seed):
    _, gold = seed
    counts = Counter(a.speaker.name for a in article.attributions if not a.headline)
    assert counts == Counter({name: s["attributions"] for name, s in gold["speakers"].items()})
    by_name = {s.name: s for s in article.speakers}
    for name, expected in gold["speakers"].items():
        assert by_name[name].kind == expected["kind"]
        assert set(expected["descriptors"]) <= set(by_name[name].descriptors)


def test_headline_quote_is_given_to_the_body_speaker(article, seed):
    _, gold = seed
    (headline,) = [a for a in article.attributions if a.headline]
    assert gold["headline_quote"]["content"] in headline.content.text
    assert headline.speaker.name == gold["headline_quote"]["speaker"]


def test_when_resolves_against_publication_date(article):
    stated = next(a for a in article.attributions if a.cue and a.cue.text == "stated")
    assert stated.when.date == "2017-07-11"


def test_cleaned_mode_drops_the_junk_line(seed, extractor):
    text, gold = seed
    article = extractor.extract(text)
    assert article.text.startswith(gold["clean"]["title"])
    assert [d.text for d in article.dropped] == gold["clean"]["junk_lines"]
    assert len([a for a in article.attributions if not a.headline]) == len(gold["attributions"])
