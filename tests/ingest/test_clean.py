"""Cleaning scraped text: junk goes with a reason, the article stays whole."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, SHARED, needs_shared
from saywho.errors import InputError
from saywho.ingest.clean import Block, body_span, clean_document, holds_attribution, junk_reason, split_blocks
from saywho.models import Document

SCRAPED = FIXTURES / "ingest" / "scraped_article.txt"


def para(text: str, shape: str = "paragraph") -> Block:
    return Block(0, len(text), text, shape)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "line, reason",
    [
        ("icon bookmark-bicon cameraicon checkicon closeicon fbicon mailicon twicon", "icon sprite titles"),
        ("Share on Facebook", "share/follow prompt"),
        ("Facebook Twitter WhatsApp Email", "share/follow prompt"),
        ("Follow us on Instagram", "share/follow prompt"),
        ("We use cookies to improve your experience. By using this site you accept our cookie policy.", "cookie notice"),
        ("Read more: Island schools face teacher shortage", "read-more link"),
        ("Continue reading", "read-more link"),
        ("Related stories", "related headlines"),
        ("Sign up for our daily newsletter", "subscription prompt"),
        ("© 2024 Eastwick Gazette. All rights reserved.", "copyright notice"),
        ("Advertisement", "advertisement"),
        ("Skip to main content", "navigation"),
        ("News | Sport | Weather | Culture", "navigation"),
        ("34 responses to “Harbour vote”", "comment"),
        ("* * *", "decoration"),
        # Not junk: article sentences that merely share a word with a pattern.
        ("Residents voted on Monday to keep the ferry, ending a dispute that had lasted months.", None),
        ("The council will share the cost of the new pier with the port authority.", None),
        ("Harbour town votes to keep its ferry", None),
        ("1 | Kyle Busch | 5040 | 5", None),  # a table row, not a breadcrumb
    ],
)
def test_junk_reason_names_the_junk_and_spares_article_lines(line, reason):
    assert junk_reason(para(line)) == reason


@pytest.mark.parametrize(
    "line, holds",
    [
        ("“We will not close the ferry,” the council leader said on Monday.", True),
        ("Council leader Tom Baird told reporters the result was clear.", True),
        ("According to the council, the ferry loses money on every crossing.", True),
        ("Share this story with your neighbours, she said.", True),  # an attribution survives a junk-looking start
        ("Share on Facebook", False),
        ("Related stories", False),
        ("The ferry runs twice a day in winter and four times in summer.", False),
    ],
)
def test_attribution_lines_are_recognised(line, holds):
    assert holds_attribution(para(line)) is holds


def test_attribution_line_is_never_dropped_even_after_the_body():
    text = (
        "Ferry saved\n\n"
        + "Residents of the harbour town voted on Monday to keep the council-run ferry that links them with the mainland.\n\n"
        + "Share on Facebook\n\nFollow us\n\nRelated stories\n\n"
        + "Share this story, the mayor said on Tuesday, and tell the council what you think.\n"
    )
    cleaned = clean_document(Document("t", text))
    assert "the mayor said on Tuesday" in cleaned.text
    assert "Share on Facebook" not in cleaned.text


def test_blocks_join_hard_wrapped_lines_but_split_one_paragraph_per_line():
    wrapped = (
        "Residents of the small harbour town of Eastwick voted on Monday to keep the\n"
        "council-run ferry that links them with the mainland, ending a long dispute.\n"
    )
    assert [b.shape for b in split_blocks(wrapped)] == ["paragraph"]
    menu = "Home\nWorld\nBusiness\n"
    assert [b.raw for b in split_blocks(menu)] == ["Home", "World", "Business"]
    listing = "Intro line that is long enough to be read as a paragraph of text.\n  * Item one\n  * Item two\n"
    assert [b.shape for b in split_blocks(listing)] == ["paragraph", "item", "item"]


def test_block_offsets_index_the_text():
    text = SCRAPED.read_text(encoding="utf-8")
    for block in split_blocks(text):
        assert text[block.start : block.end] == block.raw


@pytest.fixture(scope="module")
def scraped():
    text = SCRAPED.read_text(encoding="utf-8")
    return text, clean_document(Document(str(SCRAPED), text))


def test_scraped_fixture_keeps_headline_dateline_and_every_body_paragraph(scraped):
    text, cleaned = scraped
    assert cleaned.title == "Harbour town votes to keep its ferry after “a winter of waiting”"
    assert cleaned.text.startswith(cleaned.title)
    assert "Published 12 March 2024" in cleaned.text
    for paragraph in (
        "Residents of the small harbour town",
        "“We spent a winter of waiting",
        "The council had proposed replacing",
        "Council leader Tom Baird told reporters",
    ):
        assert paragraph in cleaned.text
    assert cleaned.text.rstrip().endswith("transport budget.")


def test_scraped_fixture_drops_each_kind_of_junk_with_its_reason(scraped):
    text, cleaned = scraped
    reasons = {d.reason for d in cleaned.dropped}
    assert {"icon sprite titles", "share/follow prompt", "read-more link", "cookie notice", "copyright notice"} <= reasons
    for junk in ("iconsearch", "Skip to main content", "Share on Facebook", "Ferry fares to rise", "cookies", "©"):
        assert junk not in cleaned.text
    for dropped in cleaned.dropped:
        assert text[dropped.start : dropped.end] == dropped.text


def test_raw_mode_keeps_the_text_and_blanks_junk_in_analysed(scraped):
    text, _ = scraped
    cleaned = clean_document(Document("t", text), raw=True)
    assert cleaned.text == text
    assert len(cleaned.analysed) == len(text)
    assert cleaned.analysed.count("\n") == text.count("\n")
    assert "Share on Facebook" not in cleaned.analysed
    first = cleaned.dropped[0]
    assert cleaned.analysed[first.start : first.end].strip() == ""


def test_keep_junk_drops_nothing(scraped):
    text, _ = scraped
    cleaned = clean_document(Document("t", text), keep_junk=True)
    assert cleaned.text == text and cleaned.dropped == []


def test_html_bodies_are_not_cleaned_again():
    text = "Title\n\nShare on Facebook\n\nBody sentence that trafilatura kept on purpose."
    cleaned = clean_document(Document("t", text, origin="html"))
    assert cleaned.text == text and cleaned.dropped == []


def test_text_without_prose_loses_only_named_junk():
    text = "Home\n\nShare on Facebook\n\nFerry times\n"
    cleaned = clean_document(Document("t", text))
    assert [d.reason for d in cleaned.dropped] == ["navigation", "share/follow prompt"]
    assert "Ferry times" in cleaned.text


@needs_shared
def test_seed_junk_line_removed_title_and_body_as_gold():
    gold_path = next((SHARED / "seed").glob("*.gold.json"))
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = (SHARED / "seed" / gold["file"]).read_text(encoding="utf-8")
    cleaned = clean_document(Document("seed", text))
    assert [d.text for d in cleaned.dropped] == gold["clean"]["junk_lines"]
    assert cleaned.title == gold["clean"]["title"]
    body = cleaned.text[len(cleaned.title) :].strip()
    assert body.startswith(gold["clean"]["body_starts_with"])
    assert body.endswith(gold["clean"]["body_ends_with"])


#: The issue's bar for text that html2text made from the benchmark pages.
HTML2TEXT_MIN_F1 = 0.85


@needs_shared
def test_cleaned_html2text_dumps_reach_the_required_f1():
    from saywho.evaluate.extraction import score_outputs

    bench = SHARED / "data" / "article-extraction"
    truth = {k: v["articleBody"] for k, v in json.loads((bench / "ground-truth.json").read_text()).items()}
    dumps = json.loads((bench / "reference-outputs" / "html2text.json").read_text())["output"]
    cleaned = {k: clean_document(Document(k, v["articleBody"])).text for k, v in dumps.items()}
    raw = {k: v["articleBody"] for k, v in dumps.items()}
    ours, before = score_outputs(cleaned, truth), score_outputs(raw, truth)
    assert ours.f1 >= HTML2TEXT_MIN_F1
    assert ours.f1 > before.f1 + 0.1


def test_jsonl_text_records_are_cleaned_like_text():
    text = "Ferry saved\n\nShare on Facebook\n\n" + "Residents voted on Monday to keep the ferry that links the town with the mainland, ending the dispute.\n"
    cleaned = clean_document(Document("r#1", text, origin="record"))
    assert [d.reason for d in cleaned.dropped] == ["share/follow prompt"]


def test_a_text_of_nothing_but_junk_is_an_input_error():
    with pytest.raises(InputError) as caught:
        clean_document(Document("junk.txt", "Share on Facebook\n\nFollow us on Twitter\n"))
    assert caught.value.input == "junk.txt" and "--keep-junk" in caught.value.reason


@pytest.mark.parametrize(
    "weights, span",
    [
        ([-6, 40, -6, 30, -30, 10], (1, 3)),  # a caption inside the body joins it; a menu ends it
        ([-30, -6], None),  # no prose: no body
        ([5, -30, 50], (2, 2)),  # the bigger stretch wins
    ],
)
def test_body_span_is_the_maximum_sum_stretch(weights, span):
    assert body_span(weights) == span
