"""The wire-copies switch in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from web.copies_corpus import WIRE_QUOTE

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the browser comes from Debian)")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: run .ci/browser.sh"),
    pytest.mark.slow,
]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from saywho.store import Store
    from saywho.web import create_app
    from web.copies_corpus import fill_copies
    from web.test_browser import free_port

    db = str(tmp_path_factory.mktemp("browser-copies") / "copies.db")
    with Store.open(db) as store:
        fill_copies(store)
    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


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
