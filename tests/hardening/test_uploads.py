"""Issue 21, item 12: an upload is read exactly as ``saywho ingest`` reads a file: an HTML
page is extracted (not analysed as markup), binary and control bytes are refused, other
encodings are detected, other languages and many-article files are a clear 400."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from saywho.store import Store
from saywho.web import create_app
from web.web_corpus import TOKEN, fill_corpus

AUTH = {"Authorization": f"Bearer {TOKEN}"}
SAID = '"We will open the new bridge in June," Mayor Ana Ruiz said on Monday.'
PAGE = f"""<!doctype html><html><head><title>Bridge to open in June</title>
<meta name="description" content="&quot;Nothing here,&quot; a meta tag said.">
<script>var said = "\\"not a quote,\\" the script said.";</script></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Bridge to open in June</h1><p>{SAID}</p>
<p>The council approved the budget for the bridge last week after a long debate about its cost.</p></article>
<footer>Share on Facebook</footer></body></html>"""


@pytest.fixture
def client(tmp_path):
    db = str(tmp_path / "web.db")
    with Store.open(db) as store:
        fill_corpus(store)
    with TestClient(create_app(db, token=TOKEN)) as test_client:
        yield test_client


def upload(client, name: str, data: bytes, content_type: str = "text/plain"):
    return client.post("/api/articles", files={"file": (name, data, content_type)}, headers=AUTH)


def stored_article(client, response) -> dict:
    assert response.status_code == 201, response.text
    return client.get(f"/api/articles/{response.json()['id']}").json()["article"]


@pytest.mark.slow
def test_an_html_page_is_extracted_not_analysed_as_markup(client):
    article = stored_article(client, upload(client, "bridge.html", PAGE.encode(), "text/html"))
    assert "<meta" not in article["text"] and "<script" not in article["text"] and "Share on Facebook" not in article["text"]
    assert SAID in article["text"]
    assert article["title"] == "Bridge to open in June"
    speakers = [a["speaker"]["name"] for a in article["attributions"] if a["speaker"]]
    assert any("Ana Ruiz" in name for name in speakers)
    assert not any(markup in name for name in speakers for markup in ("<", "meta", "script"))


@pytest.mark.slow
def test_an_html_page_is_recognised_by_its_content_whatever_its_name(client):
    article = stored_article(client, upload(client, "upload", PAGE.encode()))
    assert "<meta" not in article["text"] and SAID in article["text"]


@pytest.mark.parametrize("data", [f"{SAID}\x00\x00\x00 more".encode(), bytes(range(256)) * 4,
                                  ("\x1b[2J\x07\x08" * 50 + SAID).encode()])
def test_binary_and_control_bytes_are_refused_as_the_cli_refuses_them(client, data):
    response = upload(client, "odd.txt", data)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("upload:odd.txt: ")


@pytest.mark.slow
def test_other_encodings_are_detected(client):
    text = '"C\'est fini pour la saison," said José Martínez, the coach of the Málaga team, on Sunday evening.'
    article = stored_article(client, upload(client, "latin1.txt", text.encode("cp1252")))
    assert "José Martínez" in article["text"]


def test_another_language_is_a_400_that_says_so(client):
    text = ("« Nous allons ouvrir le nouveau pont en juin », a déclaré lundi la maire Ana Ruiz devant le conseil "
            "municipal, qui a voté le budget après un long débat sur son coût.")
    response = upload(client, "pont.txt", text.encode())
    assert response.status_code == 400 and "language is 'fr'" in response.json()["detail"]


@pytest.mark.parametrize("name, data", [
    ("many.jsonl", (json.dumps({"text": SAID}) + "\n" + json.dumps({"text": SAID}) + "\n").encode()),
    ("crawl.warc", b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"),
])
def test_files_of_many_articles_are_sent_to_ingest(client, name, data):
    response = upload(client, name, data)
    assert response.status_code == 400 and "use saywho ingest" in response.json()["detail"]


def test_an_empty_upload_is_a_400(client):
    response = upload(client, "empty.txt", b"")
    assert response.status_code == 400 and "upload:empty.txt: empty" in response.json()["detail"]


def test_an_upload_is_analysed_by_the_default_engine_the_tagger(client, engines_run):
    article = stored_article(client, upload(client, "said.txt", SAID.encode()))
    assert engines_run == ["tagger"]
    assert [a["cue"]["text"] for a in article["attributions"]] == ["said"]


def test_a_server_started_with_the_rules_engine_analyses_uploads_with_it(tmp_path, engines_run):
    db = str(tmp_path / "rules.db")
    Store.open(db).close()
    with TestClient(create_app(db, token=TOKEN, engine="rules")) as rules_client:
        stored_article(rules_client, upload(rules_client, "said.txt", SAID.encode()))  # the API
        rules_client.post("/login", data={"token": TOKEN}, follow_redirects=False)
        form = rules_client.post(  # the browser's upload form
            "/upload", files={"file": ("form.txt", b'"Rents will fall," the mayor said.', "text/plain")},
            data={"csrf": rules_client.app.state.auth.csrf_token()}, follow_redirects=False,
        )
    assert form.status_code == 303, form.text
    assert engines_run == ["rules", "rules"]
