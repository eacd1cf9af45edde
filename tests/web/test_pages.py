"""Pages and API through FastAPI's TestClient: content, paging, export, escaping, auth."""

from __future__ import annotations

import csv
import io
import json

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


@pytest.mark.parametrize("path", ["/", "/search", "/search?q=troop", "/speakers", "/articles", "/articles/1", "/statements/1", "/login"])
def test_every_page_renders_with_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hostile_article_text_is_escaped_everywhere(client):
    hostile = next(r for r in client.get("/api/articles").json()["results"] if r["input"] == "hostile.txt")
    pages = [client.get(f"/articles/{hostile['id']}").text, client.get("/search", params={"q": "takes"}).text,
             client.get("/articles").text, client.get("/").text]
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
    assert 'rel="next" href="?speaker=Jane+Smith&amp;page=2"' in first
    second = client.get("/search", params={"speaker": "Jane Smith", "page": 2}).text
    assert "21–25 of 25" in second and 'rel="prev"' in second


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


def test_openapi_describes_the_api_and_no_cdn_docs_page_is_served(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/speakers/{speaker_id}", "/api/statements/{statement_id}/tags"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 404


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
