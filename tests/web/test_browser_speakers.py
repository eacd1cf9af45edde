"""The speakers list and a speaker's page in a real browser: Debian's Chromium driven by
Playwright (never downloads a browser), on the corpus of web/speaker_corpus.py."""

from __future__ import annotations

import re

import pytest

from web.browser_support import BROWSER_MARKS, serving
from web.speaker_corpus import CROWD, HOSTILE_NAME

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the browser comes from Debian)")
expect = playwright_api.expect
pytestmark = BROWSER_MARKS




@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from saywho.store import Store
    from saywho.web import create_app
    from web.speaker_corpus import fill_speakers

    db = str(tmp_path_factory.mktemp("browser-speakers") / "speakers.db")
    with Store.open(db) as store:
        fill_speakers(store)
    with serving(create_app(db)) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    # A blocked inline script or style (the CSP) or any script error shows up here; a missing
    # favicon is the browser's own request, not the page's.
    opened.on("console", lambda message: problems.append(message.text)
              if message.type == "error" and "favicon" not in message.location.get("url", "") else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    context.close()
    assert problems == []


def names(page) -> list[str]:
    return page.locator("table.results tbody tr td:nth-child(2)").all_inner_texts()


def test_sorting_the_speakers_list_by_a_column_and_back(page, server):
    page.goto(f"{server}/speakers")
    page.get_by_role("link", name="Latest").click()
    expect(page.locator('th[aria-sort="descending"]')).to_have_text("Latest ↓")
    assert names(page)[:3] == ["Bob Ray", "Dora Finch", "Ann Lee"]
    page.get_by_role("link", name="Latest ↓").click()
    expect(page.locator('th[aria-sort="ascending"]')).to_have_text("Latest ↑")
    assert names(page)[0] in CROWD and "Bob Ray" not in names(page)


def test_filtering_the_speakers_list_and_paging_through_it(page, server):
    page.goto(f"{server}/speakers")
    page.get_by_label("From").fill("2015-01-01")
    page.get_by_label("To").fill("2015-12-31")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total")).to_have_text("24")
    expect(page.locator("table.results tbody tr")).to_have_count(20)
    page.get_by_role("link", name="Next →").click()
    expect(page.locator("table.results tbody tr")).to_have_count(4)
    # The filters survive paging: the form still holds them and the count is the same.
    expect(page.get_by_label("From")).to_have_value("2015-01-01")
    expect(page.locator("#total")).to_have_text("24")
    page.get_by_label("At least").fill("2")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total")).to_have_text("0")
    expect(page.locator("table.results tbody")).to_contain_text("No speakers match.")


def test_a_speaker_page_reads_as_a_profile(page, server):
    page.goto(f"{server}/speakers?name=Ann")
    page.get_by_role("link", name="Ann Lee").click()
    expect(page.locator("ul.descriptors li")).to_have_count(1)
    expect(page.locator("ul.descriptors")).to_contain_text("Foreign Minister")
    expect(page.locator("ul.quoted-with")).to_contain_text("Bob Ray")
    # The hostile name stays text: no <b> element is made from it.
    expect(page.locator("ul.quoted-with")).to_contain_text(HOSTILE_NAME)
    expect(page.locator("ul.quoted-with b")).to_have_count(0)
    expect(page.locator("svg.timeline rect")).to_have_count(5)
    expect(page.get_by_role("img", name="Statements per day")).to_be_visible()


def test_a_timeline_bar_and_the_filters_narrow_a_speakers_statements(page, server):
    page.goto(f"{server}/speakers?name=Ann")
    page.get_by_role("link", name="Ann Lee").click()
    expect(page.locator("#statements table.results tbody tr")).to_have_count(3)
    page.locator('svg.timeline rect[data-since="2016-05-06"]').click()
    assert re.search(r"since=2016-05-06&until=2016-05-06", page.url)
    expect(page.locator("#matching")).to_have_text("1")
    expect(page.locator("#statements")).to_contain_text("taxes were discussed")
    page.get_by_role("link", name="all statements").click()
    page.get_by_placeholder("search within").fill("budget")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#matching")).to_have_text("1")
    expect(page.locator("#statements")).to_contain_text("The budget is balanced")


def test_following_a_co_quoted_speaker(page, server):
    page.goto(f"{server}/speakers?name=Ann")
    page.get_by_role("link", name="Ann Lee").click()
    page.locator("ul.quoted-with").get_by_role("link", name="Bob Ray").click()
    expect(page.locator("h1")).to_contain_text("Bob Ray")
    expect(page.get_by_role("img", name="Statements per month")).to_be_visible()
    expect(page.locator("ul.quoted-with")).to_contain_text("Ann Lee")
