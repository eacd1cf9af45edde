"""The UI in a real browser: Debian's Chromium driven by Playwright (never downloads a browser)."""

from __future__ import annotations

import re

import pytest

from web.browser_support import BROWSER_MARKS, serving
from web.web_corpus import HOSTILE_CONTENT, HOSTILE_URL, TOKEN

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the browser comes from Debian)")
pytestmark = BROWSER_MARKS




@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from saywho.store import Store
    from saywho.web import create_app
    from web.web_corpus import fill_corpus

    db = str(tmp_path_factory.mktemp("browser") / "ui.db")
    with Store.open(db) as store:
        fill_corpus(store)
    with serving(create_app(db, token=TOKEN)) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs  # type: ignore[attr-defined]
    yield opened
    context.close()


def article_id(page, server, title_part: str) -> str:
    page.goto(f"{server}/articles")
    href = page.get_by_role("link", name=re.compile(title_part)).get_attribute("href")
    return href.rsplit("/", 1)[1]


def test_hovering_a_statement_shows_speaker_cue_type_and_confidence(page, server):
    page.goto(f"{server}/articles/{article_id(page, server, 'Troop levels')}")
    highlighted = page.locator(".att.content").first
    highlighted.hover()
    tooltip = page.locator("#tooltip")
    playwright_api.expect(tooltip).to_be_visible()
    playwright_api.expect(tooltip).to_contain_text("Stephen Townsend")
    playwright_api.expect(tooltip).to_contain_text("said")
    playwright_api.expect(tooltip).to_contain_text("direct")
    playwright_api.expect(tooltip).to_contain_text("0.90")


def test_script_and_html_inside_an_article_stay_text(page, server):
    page.goto(f"{server}/articles/{article_id(page, server, 'Breaking')}")
    page.locator(".att.content").first.hover()
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.locator("#article-text script, #article-text img, #article-text b, h1 img").count() == 0
    playwright_api.expect(page.locator("#article-text")).to_contain_text(HOSTILE_CONTENT)
    playwright_api.expect(page.locator("h1")).to_contain_text("<img src=x")
    playwright_api.expect(page.locator("#tooltip")).to_contain_text("Dana <b>Reyes</b>")


def test_search_with_filters_and_paging(page, server):
    page.goto(f"{server}/search")
    page.get_by_label("Speaker", exact=True).fill("Jane Smith")
    page.get_by_label("Publisher").select_option("Daily")
    page.get_by_role("button", name="Search").click()
    playwright_api.expect(page.locator("#total")).to_have_text("25")
    playwright_api.expect(page.locator("table.results tbody tr")).to_have_count(20)
    page.get_by_role("link", name="Next →").click()
    playwright_api.expect(page.locator("table.results tbody tr")).to_have_count(5)
    assert "speaker=Jane+Smith" in page.url and "page=2" in page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "saywho-search.csv"


def test_speaker_page_shows_aliases_and_a_timeline(page, server):
    page.goto(f"{server}/speakers")
    page.get_by_role("link", name="Stephen Townsend").click()
    playwright_api.expect(page.locator("ul.aliases")).to_contain_text("Gen. Stephen Townsend")
    playwright_api.expect(page.locator("ul.aliases")).to_contain_text("Townsend")
    playwright_api.expect(page.locator("svg.timeline rect")).to_have_count(16)  # weeks from May to August 2016
    playwright_api.expect(page.locator("table.results tbody tr")).to_have_count(2)


def test_a_fact_checker_logs_in_tags_and_bookmarks_a_statement(page, server):
    page.goto(f"{server}/login?next=/statements/1")
    page.get_by_label("Server token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Add a tag").fill("check figures")
    page.get_by_role("button", name="Tag").click()
    playwright_api.expect(page.locator("main")).to_contain_text("check figures")
    page.get_by_role("button", name="Bookmark").click()
    playwright_api.expect(page.locator("main")).to_contain_text("★ bookmarked")
    page.goto(f"{server}/search?bookmarked=true")
    playwright_api.expect(page.locator("#total")).to_have_text("1")


def test_a_wrong_token_is_refused(page, server):
    page.goto(f"{server}/login")
    page.get_by_label("Server token").fill("not the token")
    page.get_by_role("button", name="Log in").click()
    playwright_api.expect(page.get_by_role("alert")).to_contain_text("not right")


def test_a_javascript_url_is_shown_but_never_a_link(page, server):
    page.goto(f"{server}/articles/{article_id(page, server, 'Breaking')}")
    assert page.locator("a[href]").evaluate_all("links => links.map(a => a.protocol)") != []
    protocols = set(page.locator("a[href]").evaluate_all("links => links.map(a => a.protocol)"))
    assert protocols <= {"http:", "https:"}, protocols
    shown = page.get_by_text(HOSTILE_URL, exact=True)
    playwright_api.expect(shown).to_be_visible()
    shown.click()
    assert page.dialogs == [] and page.evaluate("window.__pwned") is None


def test_a_bad_address_in_the_browser_is_an_error_page_not_json(page, server):
    response = page.goto(f"{server}/articles/abc")
    assert response.status == 422 and response.headers["content-type"].startswith("text/html")
    playwright_api.expect(page.get_by_role("heading", name="Sorry")).to_be_visible()
    playwright_api.expect(page.get_by_role("alert")).to_contain_text("article_id: Input should be a valid integer")
    playwright_api.expect(page.get_by_role("link", name="Back to the corpus")).to_be_visible()
    assert '"loc"' not in page.content()


def test_the_api_keeps_json_errors_in_one_shape(page, server):
    for path, status in (("/api/articles/abc", 422), ("/api/search?since=2005-02-30", 400), ("/api/articles/999999", 404)):
        response = page.request.get(f"{server}{path}")
        assert response.status == status and set(response.json()) == {"detail", "errors"}, path


# --- issue 22: search in context, facets, home, articles, notes, API docs ---------------------------


def test_a_result_reads_as_its_sentence_with_the_search_words_marked_and_links(page, server):
    page.goto(f"{server}/search?q=troop+levels")
    result = page.locator("table.results tbody tr").first
    playwright_api.expect(result.locator(".in-context")).to_have_text(
        '"Troop levels will stay where they are," Gen. Stephen Townsend said.')
    playwright_api.expect(result.locator("mark")).to_have_text(["Troop", "levels"])
    result.get_by_role("link", name="Troop levels to hold").click()
    playwright_api.expect(page.locator("h1")).to_have_text("Troop levels to hold")
    playwright_api.expect(page.locator('.att.focused[data-statement="1"]').first).to_be_visible()


def test_facets_narrow_the_results_and_each_active_filter_can_be_removed(page, server):
    page.goto(f"{server}/search?speaker=Townsend")
    playwright_api.expect(page.locator("#total")).to_have_text("2")
    page.locator('[data-facet="publisher"]').get_by_role("link", name="Wire").click()
    playwright_api.expect(page.locator("#total")).to_have_text("1")
    filters = page.get_by_role("list", name="Filters in use")
    playwright_api.expect(filters).to_contain_text("publisher: Wire")
    page.get_by_role("link", name="Remove filter speaker").click()
    playwright_api.expect(page.locator("#total")).to_have_text("2")  # Wire: Townsend and the spokesman
    assert "speaker=" not in page.url and "publisher=Wire" in page.url


def test_a_search_without_results_says_so_and_offers_the_filters_back(page, server):
    page.goto(f"{server}/search?q=zebra&type=mixed")
    playwright_api.expect(page.get_by_role("status")).to_contain_text("No statements match these filters")
    playwright_api.expect(page.locator(".pager")).to_have_count(0)
    page.get_by_role("link", name="Remove filter words").click()
    playwright_api.expect(page.locator("#total")).to_have_text("1")


def test_home_charts_the_corpus_and_ranks_speakers_by_period(page, server):
    page.goto(server)
    playwright_api.expect(page.locator("svg.chart rect")).to_have_count(80)  # 2015-03-02 to 2016-09-05, weekly
    ranked = page.locator("ol.speakers li")
    playwright_api.expect(ranked.first).to_contain_text("Jane Smith")
    page.get_by_role("link", name="last week").click()
    playwright_api.expect(ranked).to_have_count(1)
    playwright_api.expect(ranked.first).to_contain_text("Dana <b>Reyes</b>")


def test_articles_are_found_by_title_publisher_and_date(page, server):
    page.goto(f"{server}/articles")
    page.get_by_label("Title").fill("budget")
    page.get_by_role("button", name="Filter").click()
    playwright_api.expect(page.locator("table.results tbody tr")).to_have_count(1)
    page.get_by_label("Title").fill("")
    page.get_by_label("Publisher").select_option("Daily")
    page.get_by_label("From").fill("2016-01-01")
    page.get_by_role("button", name="Filter").click()
    playwright_api.expect(page.locator("table.results tbody tr")).to_have_count(1)
    playwright_api.expect(page.locator("#total")).to_have_text("1")


def test_the_article_page_puts_its_statements_beside_the_text(page, server):
    page.goto(f"{server}/articles/{article_id(page, server, 'Troop levels')}")
    playwright_api.expect(page.locator("h1")).to_have_count(1)
    text = page.locator("article.reader").bounding_box()
    side = page.locator("aside.article-side").bounding_box()
    assert side["x"] >= text["x"] + text["width"] and side["y"] < text["y"] + text["height"]
    page.set_viewport_size({"width": 600, "height": 900})  # a phone: the statements go below the text
    text = page.locator("article.reader").bounding_box()
    side = page.locator("aside.article-side").bounding_box()
    assert side["y"] >= text["y"] + text["height"]


def test_a_bookmark_note_is_shown_where_it_was_written(page, server):
    page.goto(f"{server}/login?next=/statements/2")
    page.get_by_label("Server token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Note").fill("call the <i>press office</i>")
    page.get_by_role("button", name="Bookmark").click()
    playwright_api.expect(page.locator("p.note")).to_have_text("✎ call the <i>press office</i>")
    page.goto(f"{server}/search?q=welcome")
    playwright_api.expect(page.locator("table.results p.note")).to_have_text("✎ call the <i>press office</i>")


def test_the_api_docs_are_a_page_of_the_site_with_nothing_from_elsewhere(page, server):
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(server) else outside.append(request.url))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(server)
    page.get_by_role("link", name="API", exact=True).click()
    playwright_api.expect(page.locator("h1")).to_contain_text("saywho API")
    page.get_by_role("link", name="GET /api/search", exact=True).click()
    playwright_api.expect(page.locator("#search_api_search_get")).to_contain_text("Words that must all occur")
    assert outside == [] and not [m for m in console if "Content Security Policy" in m]
