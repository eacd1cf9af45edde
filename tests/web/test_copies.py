"""Wire copies on the web: a statement carried by several copies of a story is one result."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from saywho.store import Store
from saywho.web import create_app
from web.copies_corpus import WIRE_QUOTE, fill_copies


@pytest.fixture
def client(tmp_path):
    db = str(tmp_path / "copies.db")
    with Store.open(db) as store:
        fill_copies(store)
    with TestClient(create_app(db)) as test_client:
        yield test_client


def test_the_api_collapses_copies_unless_all_is_asked(client):
    collapsed = client.get("/api/search").json()
    assert collapsed["total"] == 2
    copies = {r["content"].strip('",'): r["copies"] for r in collapsed["results"]}
    assert copies == {WIRE_QUOTE: 3, "Ferries will run every hour": 1}
    every = client.get("/api/search", params={"all": "true"}).json()
    assert every["total"] == 4 and {r["copies"] for r in every["results"]} == {1}


def test_the_search_page_says_also_in_and_offers_every_copy(client):
    collapsed = client.get("/search").text
    assert "also in 2 articles" in collapsed and collapsed.count(WIRE_QUOTE) == 1
    every = client.get("/search", params={"all": "true"}).text
    assert "also in" not in every and every.count(WIRE_QUOTE) == 3
    assert 'name="all" value="true" checked' in every


def test_the_speakers_list_counts_the_story_once(client):
    listed = client.get("/api/speakers").json()["results"][0]
    assert (listed["attributions"], listed["articles"]) == (2, 2)


def test_an_article_page_lists_the_other_copies_of_its_story(client):
    agency = client.get("/articles/1").text
    copies = agency[agency.index("Also published as"):agency.index("</ul>", agency.index("Also published as"))]
    assert 'href="/articles/2"' in copies and 'href="/articles/3"' in copies and "Gazette" in copies and "Herald" in copies
    assert 'href="/articles/4"' not in copies  # a story of its own
    assert "Also published as" not in client.get("/articles/4").text
