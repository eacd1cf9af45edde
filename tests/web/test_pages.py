"""Pages and API through FastAPI's TestClient: content, paging, export, escaping, auth."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from saywho.web import create_app
from saywho.web.views.session import safe_next as _safe_next
from web.web_corpus import TOKEN


@pytest.fixture
def client(corpus_db):
    with TestClient(create_app(corpus_db, token=TOKEN)) as test_client:
        yield test_client


@pytest.fixture
def readonly(corpus_db):
    with TestClient(create_app(corpus_db)) as test_client:
        yield test_client


def speaker_id(client, name: str) -> int:
    return next(r["id"] for r in client.get("/api/speakers", params={"name": name}).json()["results"])


@pytest.mark.parametrize("path", ["/", "/?period=week", "/search", "/search?q=troop", "/search?q=nothing+at+all", "/speakers",
                                  "/articles", "/articles?title=budget&publisher=Daily&since=2015", "/articles/1",
                                  "/statements/1", "/login", "/docs"])
def test_every_page_renders_with_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hostile_article_text_is_escaped_everywhere(client):
    hostile = next(r for r in client.get("/api/articles").json()["results"] if r["input"] == "hostile.txt")
    pages = [client.get(f"/articles/{hostile['id']}").text, client.get("/search", params={"q": "takes"}).text,
             client.get("/articles").text, client.get("/").text,
             client.get("/search", params={"q": "script lesson"}).text]
    for html in pages:
        assert "<script>window" not in html
        assert "<img src=x" not in html
        assert "<b>Reyes</b>" not in html and "<i>Evil</i>" not in html
    assert "&lt;script&gt;window.__pwned" in pages[0]
    assert "&lt;img src=x onerror=" in pages[0]


def test_article_page_highlights_each_statement_with_its_speaker(client):
    html = client.get("/articles/1").text
    assert html.count('class="att content') == 2
    assert 'data-speaker="Stephen Townsend"' in html and 'data-cue="said"' in html
    assert 'data-speaker="a spokesman"' in html


def test_search_page_pages_through_results_keeping_filters(client):
    first = client.get("/search", params={"speaker": "Jane Smith"}).text
    assert "1–20 of 25" in first
    # The next link carries the page's cursor (a deep page costs what the first does).
    link = re.search(r'rel="next" href="\?speaker=Jane\+Smith&amp;page=2&amp;after=([\w-]+)"', first)
    assert link is not None
    second = client.get("/search", params={"speaker": "Jane Smith", "page": 2, "after": link.group(1)}).text
    assert "21–25 of 25" in second and 'rel="prev"' in second
    # A page number alone still works (OFFSET), for links written before cursors.
    assert "21–25 of 25" in client.get("/search", params={"speaker": "Jane Smith", "page": 2}).text


def test_bad_filters_give_a_clear_400(client):
    response = client.get("/search", params={"since": "last May"})
    assert response.status_code == 400 and "since must be a date" in response.text
    assert client.get("/api/search", params={"since": "last May"}).json()["detail"].startswith("since must be a date")


def test_speaker_page_joins_name_variants_and_draws_a_timeline(client):
    townsend = speaker_id(client, "Townsend")
    html = client.get(f"/speakers/{townsend}").text
    assert "Gen. Stephen Townsend" in html and ">Townsend <" in html
    # 1 May to 12 August 2016 is drawn per week: the weeks of 25 April to 8 August.
    assert html.count("<rect ") == 16 and "Statements per week" in html
    detail = client.get(f"/api/speakers/{townsend}").json()
    assert detail["attributions"] == 2 and detail["timeline"] == [
        {"month": "2016-05", "attributions": 1}, {"month": "2016-08", "attributions": 1}]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_holds_every_result_of_the_search_not_one_page(client, fmt):
    response = client.get(f"/api/search.{fmt}", params={"speaker": "Jane Smith"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
    else:
        rows = [json.loads(line) for line in response.text.splitlines()]
    assert len(rows) == 25 and all(r["speaker"] == "Jane Smith" for r in rows)


def test_openapi_describes_the_api_and_the_docs_page_reads_it_without_a_cdn(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/speakers/{speaker_id}", "/api/statements/{statement_id}/tags"} <= set(spec["paths"])
    html = client.get("/docs").text
    assert "/api/search" in html and "/api/speakers/{speaker_id}" in html
    assert "Words that must all occur; &#34;quote&#34; a phrase." in html  # a parameter's description
    assert 'id="schema-Statement"' in html and "list of Statement" in html  # a response shape, linked by name
    assert "curl -X PUT -H &#39;Authorization: Bearer $TOKEN&#39;" in html  # writes show the token
    assert "<script src=\"http" not in html and "cdn" not in html.lower()
    assert client.get("/redoc").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("post", "/api/statements/1/tags", {"tag": "check"}), ("put", "/api/statements/1/bookmark", {"note": ""}),
     ("post", "/api/speakers/1/merge", {"others": [2]}), ("post", "/api/speakers/1/split", {"names": ["x"]})],
)
def test_writes_are_refused_without_the_token(client, readonly, method, path, body):
    assert getattr(readonly, method)(path, json=body).status_code == 403
    assert getattr(client, method)(path, json=body).status_code == 401
    assert getattr(client, method)(path, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_tags_and_bookmarks_through_the_api(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/statements/1/tags", json={"tag": "needs check"}, headers=auth).json()["tags"] == ["needs check"]
    assert client.put("/api/statements/1/bookmark", json={"note": "call back"}, headers=auth).json()["bookmarked"]
    assert client.get("/api/search", params={"tag": "needs check"}).json()["total"] == 1
    assert client.get("/api/search", params={"bookmarked": True}).json()["total"] == 1
    assert client.delete("/api/statements/1/tags/needs check", headers=auth).json()["tags"] == []
    assert client.post("/api/statements/1/tags", json={"tag": "<b>"}, headers=auth).status_code == 400


def test_merge_and_split_through_the_api(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    townsend, smith = speaker_id(client, "Townsend"), speaker_id(client, "Jane Smith")
    merged = client.post(f"/api/speakers/{townsend}/merge", json={"others": [smith]}, headers=auth).json()
    assert merged["attributions"] == 27
    assert client.get(f"/speakers/{smith}", follow_redirects=False).headers["location"] == f"/speakers/{townsend}"
    new = client.post(f"/api/speakers/{townsend}/split", json={"names": ["Jane Smith"]}, headers=auth).json()["new_speaker_id"]
    assert client.get(f"/api/speakers/{new}").json()["attributions"] == 25


def test_browser_writes_need_login_and_a_csrf_token(client):
    assert client.post("/statements/1/tags", data={"tag": "x", "csrf": ""}).status_code == 401
    assert client.post("/login", data={"token": "wrong", "next": "/"}).status_code == 401
    login = client.post("/login", data={"token": TOKEN, "next": "/statements/1"}, follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/statements/1"
    assert "httponly" in login.headers["set-cookie"].lower() and "samesite=strict" in login.headers["set-cookie"].lower()
    assert client.post("/statements/1/tags", data={"tag": "x", "csrf": "forged"}).status_code == 403
    page = client.get("/statements/1").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert client.post("/statements/1/tags", data={"tag": "follow up", "csrf": csrf}, follow_redirects=False).status_code == 303
    assert "follow up" in client.get("/statements/1").text


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/speakers/3", "/speakers/3"), ("//evil.example/", "/"), ("https://evil.example/", "/"), ("/\\evil", "/"), ("", "/")],
)
def test_login_redirects_only_within_the_site(target, expected):
    assert _safe_next(target) == expected


@pytest.mark.slow
def test_upload_analyses_and_stores_once(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = '"We will open the bridge in June," Mayor Ana Ruiz said on Monday.\n'
    files = {"file": ("bridge.txt", text.encode(), "text/plain")}
    first = client.post("/api/articles", files=files, data={"published": "2016-06-01"}, headers=auth)
    assert first.status_code == 201 and first.json()["created"] is True
    again = client.post("/api/articles", files=files, headers=auth).json()
    assert again == {**first.json(), "created": False}
    bad = client.post("/api/articles", files={"file": ("x.bin", b"\x00\x01\x02bad binary\xff", "text/plain")}, headers=auth)
    assert bad.status_code == 400 and "x.bin" in bad.json()["detail"]


@pytest.mark.slow
def test_an_upload_is_the_article_saywho_ingest_stored(client, tmp_path):
    """Uploads go through ingest's own function: a file the command line stored is not stored twice."""
    from saywho.ingest import IngestOptions, iter_documents
    from saywho.store.ingest import ingest

    text = '"The bridge opens in June," Mayor Ana Ruiz said on Monday.\n'
    (tmp_path / "bridge.txt").write_text(text)
    store = client.app.state.store
    assert ingest(store, iter_documents([str(tmp_path / "bridge.txt")], IngestOptions())).stored == 1
    stored_id = store.articles(limit=100).rows[-1]["id"]
    uploaded = client.post("/api/articles", files={"file": ("bridge.txt", text.encode(), "text/plain")},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert uploaded.status_code == 201
    assert uploaded.json() == {"id": stored_id, "created": False, "attributions": 1}


# --- search results (issue 22) ---------------------------------------------------------------


def test_a_result_shows_its_statement_in_the_sentence_with_the_search_words_marked(client):
    html = client.get("/search", params={"q": "troop levels"}).text
    said = html[html.index('<span class="said">'):html.index("</p>", html.index('<span class="said">'))]
    assert "<mark>Troop</mark> <mark>levels</mark> will stay where they are" in said
    assert '<span class="context">&#34; Gen. Stephen Townsend said.</span>' in said  # "Gen." does not end the sentence
    assert '<a href="/speakers/' in html and '<a href="/articles/1#a1">Troop levels to hold</a>' in html


def test_marking_a_hostile_statement_escapes_every_piece(client):
    html = client.get("/search", params={"q": "script"}).text + client.get("/search", params={"q": "warning"}).text
    assert "&lt;<mark>script</mark>&gt;window.__pwned" in html
    assert "&amp; &#34;a <mark>warning</mark>&#34;" in html
    assert "<script>" not in html and "<i>lesson</i>" not in html


def test_no_match_says_so_and_lists_each_filter_with_a_link_that_removes_it(client):
    html = client.get("/search", params={"q": "zebra", "publisher": "Daily", "type": "direct"}).text
    assert "No statements match these filters" in html and "0–0 of 0" not in html
    assert '<span class="muted">words:</span> zebra <a href="/search?publisher=Daily&amp;type=direct"' in html
    assert '<span class="muted">publisher:</span> Daily <a href="/search?q=zebra&amp;type=direct"' in html
    assert '<span class="muted">type:</span> direct <a href="/search?q=zebra&amp;publisher=Daily"' in html


def facet(html: str, name: str) -> list[tuple[str, str]]:
    import re

    block = html[html.index(f'data-facet="{name}"'):]
    block = block[:block.index("</section>")]
    return re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a> <span class="count">(\d+)</span>', block)


def test_facets_count_speaker_kinds_types_and_publishers_of_the_results(client):
    html = client.get("/search", params={"speaker": "Townsend"}).text
    assert facet(html, "publisher") == [("Daily", "1"), ("Wire", "1")]
    assert facet(html, "kind") == [("person", "2")]
    html = client.get("/search").text
    assert facet(html, "kind") == [("person", "29"), ("unnamed", "1")]
    assert facet(html, "type") == [("direct", "29"), ("mixed", "1")]
    assert ("&lt;i&gt;Evil&lt;/i&gt; Corp", "2") in facet(html, "publisher")
    # A chosen value links back to the search without it.
    chosen = client.get("/search", params={"kind": "unnamed"}).text
    assert '<a href="/search" aria-current="true" title="Remove this filter">unnamed</a>' in chosen


def test_bookmark_notes_show_in_results_on_the_statement_and_in_the_article(client):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert client.put("/api/statements/1/bookmark", json={"note": "ask the <b>ministry</b>"}, headers=headers).status_code == 200
    for path in ("/search?bookmarked=true", "/statements/1", "/articles/1"):
        html = client.get(path).text
        assert "✎ ask the &lt;b&gt;ministry&lt;/b&gt;" in html, path
    assert client.get("/api/statements/1").json()["note"] == "ask the <b>ministry</b>"


# --- home, articles ---------------------------------------------------------------------------


def test_home_charts_statements_per_week_and_ranks_speakers_of_the_chosen_period(client):
    html = client.get("/").text
    assert 'aria-label="Statements per week, 2015-03-02 to 2016-09-11"' in html  # weeks start on Monday
    assert 'href="/search?since=2015-03-02&amp;until=2015-03-08"' in html  # a bar links to its statements
    assert "<title>week of 2015-03-02: 25</title>" in html and "<title>week of 2015-03-09: 0</title>" in html
    ranked = html[html.index('<ol class="speakers">'):html.index("</ol>", html.index('<ol class="speakers">'))]
    assert ranked.index("Jane Smith") < ranked.index("Stephen Townsend")
    month = client.get("/", params={"period": "month"}).text
    ranked = month[month.index('<ol class="speakers">'):month.index("</ol>", month.index('<ol class="speakers">'))]
    assert "2016-08-11 to 2016-09-09" in month and "Dana" in ranked and "Jane Smith" not in ranked
    assert client.get("/", params={"period": "decade"}).status_code == 400


def test_articles_are_searched_by_title_and_filtered_by_publisher_and_date(client):
    def titles(**params):
        import re

        return re.findall(r'<a href="/articles/\d+">([^<]+)</a>', client.get("/articles", params=params).text)

    assert titles(title="budget points") == ["The budget in 25 points"]
    assert titles(publisher="daily") == ["A built article", "The budget in 25 points"]
    assert titles(since="2016-05", until="2016-08-31") == ["Troop levels to hold", "A built article"]
    assert "No articles match these filters." in client.get("/articles", params={"title": "zebra"}).text
    assert client.get("/articles", params={"since": "soon"}).status_code == 400


def test_the_article_page_shows_the_headline_once_next_to_its_statements(client, tmp_path):
    from dataclasses import replace

    from saywho.models import TextSpan
    from saywho.store import Store
    from store.store_builders import Quote, add, build_article

    db = str(tmp_path / "headline.db")
    with Store.open(db) as store:
        # As ingest stores a page: the title is the text's first paragraph.
        article = build_article([Quote("Jane Smith", "Taxes will fall")], title="Taxes to fall, says Smith")
        article.text = "Taxes to fall, says Smith\n\n" + article.text
        article.attributions = [
            replace(a, **{role: TextSpan.from_ranges(article.text, [(s + 27, e + 27) for s, e in getattr(a, role).spans])
                          for role in ("content", "cue", "source")})
            for a in article.attributions
        ]
        article_id = add(store, article)
    with TestClient(create_app(db)) as other:
        html = other.get(f"/articles/{article_id}").text
    assert html.count("Taxes to fall, says Smith") == 2  # the <title> and the heading, not the text again
    assert "<h1>Taxes to fall, says Smith</h1>" in html
    assert '<div class="article-text" id="article-text"><span class="att content' in html
    assert '<aside class="article-side">' in html


def test_the_api_lists_articles_with_the_same_filters(client):
    found = client.get("/api/articles", params={"title": "budget", "publisher": "DAILY", "since": "2015"}).json()
    assert found["total"] == 1 and found["results"][0]["title"] == "The budget in 25 points"
    assert client.get("/api/articles", params={"until": "2016-02-30"}).status_code == 400


def test_api_search_pages_by_its_next_after_cursor(client):
    params = {"speaker": "Jane Smith", "limit": 10}
    seen: list[int] = []
    body = client.get("/api/search", params=params).json()
    while True:
        seen += [r["id"] for r in body["results"]]
        if body["next_after"] is None:
            break
        body = client.get("/api/search", params={**params, "after": body["next_after"]}).json()
    whole = client.get("/api/search", params={"speaker": "Jane Smith", "limit": 100}).json()
    assert seen == [r["id"] for r in whole["results"]] and len(seen) == 25
    bad = client.get("/api/search", params={"after": "not-a-cursor"})
    assert bad.status_code == 400 and "after must be the next_after cursor" in bad.json()["detail"]
