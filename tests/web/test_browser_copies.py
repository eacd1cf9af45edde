"""The wire-copies switch in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import re

import pytest

from web.browser_support import BROWSER_MARKS, serving
from web.copies_corpus import WIRE_QUOTE

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the browser comes from Debian)")
pytestmark = BROWSER_MARKS



@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from saywho.store import Store
    from saywho.web import create_app
    from web.copies_corpus import fill_copies

    db = str(tmp_path_factory.mktemp("browser-copies") / "copies.db")
    with Store.open(db) as store:
        fill_copies(store)
    with serving(create_app(db)) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_the_all_copies_toggle_shows_every_copy_and_back(page, server):
    expect = playwright_api.expect
    page.goto(f"{server}/search?q=harbour")
    rows = page.locator("table.results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(WIRE_QUOTE)
    expect(rows.first.locator(".copies")).to_have_text("also in 2 articles")
    expect(page.locator("#total")).to_have_text("1")

    page.get_by_label("all copies").check()
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]all=true"))
    expect(rows).to_have_count(3)
    expect(page.locator("#total")).to_have_text("3")
    expect(page.locator(".copies")).to_have_count(0)
    expect(page.get_by_label("all copies")).to_be_checked()

    page.get_by_label("all copies").uncheck()
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
