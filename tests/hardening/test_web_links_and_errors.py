"""Issue 21, items 11 and 14: only http(s) URLs become links; a page with a bad parameter
is an HTML error page, and every API error has one JSON shape."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from saywho.store import Store
from saywho.web import create_app
from saywho.web.render import web_link
from store.store_builders import Quote, add, build_article
from web.web_corpus import TOKEN

HOSTILE_URLS = ["javascript:alert(10)", " JavaScript:alert(10)", "data:text/html,<script>alert(1)</script>",
                "vbscript:msgbox(1)", "//evil.example/", "http:alert(1)", "file:///etc/passwd"]


@pytest.mark.parametrize("url", HOSTILE_URLS + [None, "", "http://[bad/"])
def test_only_http_and_https_urls_are_links(url):
    assert web_link(url) is None


@pytest.mark.parametrize("url", ["http://example.com/a?b=1", "https://news.example.org/2016/05/01/story", "HTTPS://EXAMPLE.COM"])
def test_http_and_https_urls_are_links(url):
    assert web_link(url) == url


@pytest.fixture
def linked_corpus(tmp_path) -> dict[str, int]:
    db = str(tmp_path / "links.db")
    ids = {}
    with Store.open(db) as store:
        for n, url in enumerate(["javascript:alert(10)", "https://news.example.org/story"]):
            article = build_article([Quote("Jane Ortiz", f"Statement {n}")], input=f"a{n}.txt")
            article.url = url
            ids[url] = add(store, article)
    ids["db"] = db  # type: ignore[assignment]
    return ids


def test_an_article_page_links_only_its_http_url(linked_corpus):
    with TestClient(create_app(linked_corpus["db"], token=TOKEN)) as client:
        hostile = client.get(f"/articles/{linked_corpus['javascript:alert(10)']}").text
        assert 'href="javascript:' not in hostile.lower()
        assert "javascript:alert(10)" in hostile  # still shown, as text
        fine = client.get(f"/articles/{linked_corpus['https://news.example.org/story']}").text
        assert 'href="https://news.example.org/story"' in fine


# --- 14. errors ------------------------------------------------------------------------


@pytest.fixture
def client(linked_corpus):
    with TestClient(create_app(linked_corpus["db"], token=TOKEN)) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/articles/abc", "/speakers/1.5", "/statements/x", "/search?page=0", "/articles?page=abc"])
def test_a_page_with_a_bad_parameter_is_an_html_error_page(client, path):
    response = client.get(path)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Sorry</h1>" in response.text and '"loc"' not in response.text
    assert "should be a valid integer" in response.text or "greater than or equal to 1" in response.text


def test_api_errors_have_one_shape(client):
    validation = client.get("/api/articles/abc")
    bad_filter = client.get("/api/search", params={"since": "2005-02-30"})
    missing = client.get("/api/articles/999999")
    unauthorised = client.post("/api/statements/1/tags", json={"tag": "x"})
    for response, status in ((validation, 422), (bad_filter, 400), (missing, 404), (unauthorised, 401)):
        assert response.status_code == status
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str), body
    assert validation.json()["detail"] == "article_id: Input should be a valid integer, unable to parse string as an integer"
    assert validation.json()["errors"][0]["loc"] == ["path", "article_id"]
    assert bad_filter.json()["errors"] == []


def test_a_bad_json_body_is_described_in_the_same_shape(client):
    response = client.post("/api/statements/1/tags", json={"tag": ""}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("tag: String should have at least 1 character")
