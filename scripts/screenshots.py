#!/usr/bin/env python
"""Screenshots of the main pages for docs/screenshots/, taken with Debian's Chromium.

    python scripts/screenshots.py --db corpus.db --out docs/screenshots

Needs ``/usr/bin/chromium`` (.ci/browser.sh) and ``pip install playwright``; never
downloads a browser. Serves the corpus read-only on loopback while it runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

import httpx
from playwright.sync_api import sync_playwright

from loadtest import running_server

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--query", default="troop levels")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with running_server(args.db) as base:
        top = httpx.get(f"{base}/api/speakers", params={"kind": "person", "limit": 1}).json()["results"][0]
        statement = httpx.get(f"{base}/api/search", params={"speaker": top["id"], "type": "direct", "limit": 1}).json()
        article_id = statement["results"][0]["article_id"] if statement["results"] else 1
        pages = {
            "home.png": "/",
            "search.png": "/search?" + urlencode({"q": args.query}),
            "search-filtered.png": "/search?" + urlencode({"speaker": top["name"], "type": "direct"}),
            "speakers.png": "/speakers?kind=person",
            "speaker.png": f"/speakers/{top['id']}",
            "article.png": f"/articles/{article_id}",
            "articles.png": "/articles",
            "api.png": "/docs",
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in pages.items():
                page.goto(base + path)
                if name == "article.png" and page.locator(".att.content").count():
                    page.locator(".att.content").first.hover()
                page.screenshot(path=str(out / name), full_page=False)
                print(out / name)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
