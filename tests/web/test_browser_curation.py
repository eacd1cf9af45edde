"""Fixing a speaker in a real browser (Debian's Chromium driven by Playwright), then ingesting
the article again: the fix is kept. Server and browser fixtures as in test_browser.py."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from saywho.models import Document
from web.browser_support import BROWSER_MARKS, serving
from web.web_corpus import TOKEN

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the browser comes from Debian)")
pytestmark = BROWSER_MARKS

TROOPS = Document("troops.txt", '"Troop levels will stay where they are," Gen. Stephen Townsend said on Monday. '
                                '"We welcome the decision," a spokesman said.', published="2016-05-02")
BUDGET = Document("budget.txt", '"The budget is balanced," Jane Smith said on Tuesday.', published="2016-05-03")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A corpus ingested from two articles (real analysis) and a server over it, writable."""
    from saywho import Corpus
    from saywho.web import create_app

    db = str(tmp_path_factory.mktemp("curation") / "ui.db")
    with Corpus(db) as corpus:
        assert corpus.ingest([TROOPS, BUDGET]).stored == 2
    with serving(create_app(db, token=TOKEN)) as base:
        yield base, db


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def statement_id(server: str, words: str) -> int:
    with urllib.request.urlopen(f"{server}/api/search?q={words}") as response:
        return json.load(response)["results"][0]["id"]


def ingest_again(db: str, document: Document) -> None:
    """Re-ingest: the article is deleted and ingested from the same text (new ids throughout)."""
    from saywho import Corpus
    from saywho.store import content_hash

    with Corpus(db) as corpus:
        old = corpus.store.article_id_for_hash(content_hash(document))
        assert old is not None and corpus.store.delete_article(old)
        assert corpus.ingest([document]).stored == 1


def test_a_speaker_fixed_in_the_browser_survives_a_reingest(page, served, tmp_path: Path):
    server, db = served
    expect = playwright_api.expect
    welcome = statement_id(server, "welcome")
    page.goto(f"{server}/login?next=/statements/{welcome}")
    page.get_by_label("Server token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("main")).to_contain_text("spokesman")

    page.get_by_label("Said by a known speaker").press_sequentially("jan", delay=30)
    option = page.get_by_role("listbox", name="Known speakers").get_by_role("option", name="Jane Smith")
    expect(option).to_be_visible()
    option.get_by_role("button").click()
    expect(page.get_by_label("Said by a known speaker")).to_have_value("Jane Smith")
    page.get_by_role("button", name="Reassign", exact=True).click()
    expect(page.locator("main").get_by_role("link", name="Jane Smith")).to_be_visible()

    # A new speaker by name and kind, on the other statement of the article.
    page.goto(f"{server}/statements/{statement_id(server, 'troop')}")
    page.get_by_label("Or a new speaker").fill("US Army")
    page.get_by_label("Kind").select_option("organization")
    page.get_by_role("button", name="Create and reassign").click()
    expect(page.locator("main").get_by_role("link", name="US Army")).to_be_visible()

    ingest_again(db, TROOPS)
    again = statement_id(server, "welcome")
    assert again != welcome  # a new statement: the fix was applied again, not merely left in place
    page.goto(f"{server}/statements/{again}")
    expect(page.locator("main").get_by_role("link", name="Jane Smith")).to_be_visible()
    expect(page.locator("main")).to_contain_text("(speaker fixed by hand)")
    page.goto(f"{server}/statements/{statement_id(server, 'troop')}")
    expect(page.locator("main").get_by_role("link", name="US Army")).to_be_visible()
    page.goto(f"{server}/search?q=welcome")
    expect(page.locator("main")).to_contain_text("Jane Smith")


def test_suggestions_are_text_and_escape_closes_them(page, served):
    server, db = served
    from saywho.store import Store

    with Store.open(db) as store:
        store.reassign_statement(statement_id(server, "balanced"), name='<img src=x onerror="window.__pwned=1">', kind="person")
    page.goto(f"{server}/login?next=/statements/{statement_id(server, 'balanced')}")
    page.get_by_label("Server token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    field = page.get_by_label("Said by a known speaker")
    field.press_sequentially("<img", delay=30)
    expect = playwright_api.expect
    suggestions = page.get_by_role("listbox", name="Known speakers")
    expect(suggestions.get_by_role("option")).to_have_count(1)
    expect(suggestions.get_by_role("option")).to_contain_text('<img src=x onerror="window.__pwned=1">')
    assert page.evaluate("window.__pwned") is None
    field.press("Escape")
    expect(suggestions).to_be_hidden()
