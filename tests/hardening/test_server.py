"""The server's defences, each claim attacked: auth on every write, CSRF, traversal, SQL
injection in every field, security headers, request size and rate limits."""

from __future__ import annotations

import html.parser
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from saywho.store import Store
from saywho.store.db import Conn
from saywho.testing.properties import SQL_INJECTIONS
from saywho.web import create_app
from saywho.web.limits import DEFAULT_MAX_BODY_BYTES, ServerLimits, TokenBuckets, client_key
from saywho.web.security import SESSION_COOKIE
from store.store_builders import BACKENDS, PG_DSN
from web.web_corpus import HOSTILE_CONTENT, TOKEN, fill_corpus

AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: Limits that never get in the way of the tests that are not about them.
NO_RATE_LIMIT = ServerLimits(rate=0)


@pytest.fixture
def db_target(request, tmp_path) -> Iterator[str]:
    """A filled corpus on the backend named by the ``backend`` parameter (sqlite by default)."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        target = str(tmp_path / "web.db")
    else:
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_DSN, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}"')
        target = f"{PG_DSN}{'&' if '?' in PG_DSN else '?'}options={quote(f'-csearch_path={schema}')}"
    with Store.open(target) as store:
        fill_corpus(store)
    yield target
    if backend != "sqlite":
        with psycopg.connect(PG_DSN, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _client(target: str, token: str | None = TOKEN, limits: ServerLimits = NO_RATE_LIMIT, **kwargs) -> TestClient:
    return TestClient(create_app(target, token=token, limits=limits), raise_server_exceptions=False, **kwargs)


@pytest.fixture
def client(db_target) -> Iterator[TestClient]:
    with _client(db_target) as test_client:
        yield test_client


@pytest.fixture
def readonly(db_target) -> Iterator[TestClient]:
    with _client(db_target, token=None) as test_client:
        yield test_client


def snapshot(client: TestClient) -> dict:
    """Everything a write could change."""
    store: Store = client.app.state.store
    conn = store.backend.reader()
    return {
        "counts": store.counts(),
        "tags": conn.all("SELECT attribution_id, tag FROM tags ORDER BY attribution_id, tag"),
        "bookmarks": conn.all("SELECT attribution_id, note FROM bookmarks ORDER BY attribution_id"),
        "edits": conn.all("SELECT id FROM speaker_edits ORDER BY id"),
        "speakers": conn.all("SELECT id, name, merged_into FROM speakers ORDER BY id"),
        "who said what": conn.all("SELECT id, mention_id FROM attributions ORDER BY id"),
        "curation": conn.all("SELECT id FROM curation ORDER BY id"),
    }


def login(client: TestClient) -> str:
    """Log the client in; return the CSRF token the pages carry."""
    assert client.post("/login", data={"token": TOKEN, "next": "/"}, follow_redirects=False).status_code == 303
    page = client.get("/statements/1").text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


# --- authentication for every write ------------------------------------------------

UPLOAD = {"files": {"file": ("a.txt", b'"We will win," Jane Ortiz said.', "text/plain")}}
#: Every route that can change something, with a well-formed request for it (so that only
#: the missing credentials can be why it is refused). ``form``: the browser's form routes.
WRITES = {
    ("POST", "/api/articles"): UPLOAD,
    ("POST", "/api/statements/{statement_id}/tags"): {"json": {"tag": "check"}},
    ("DELETE", "/api/statements/{statement_id}/tags/{tag}"): {},
    ("PUT", "/api/statements/{statement_id}/bookmark"): {"json": {"note": "x"}},
    ("DELETE", "/api/statements/{statement_id}/bookmark"): {},
    ("POST", "/api/speakers/{speaker_id}/merge"): {"json": {"others": [2]}},
    ("POST", "/api/speakers/{speaker_id}/split"): {"json": {"names": ["Townsend"]}},
    ("PUT", "/api/statements/{statement_id}/speaker"): {"json": {"name": "Pentagon", "kind": "organization"}},
    ("POST", "/logout"): {"data": {}, "form": True},
    ("POST", "/statements/{statement_id}/tags"): {"data": {"tag": "check"}, "form": True},
    ("POST", "/statements/{statement_id}/tags/remove"): {"data": {"tag": "seeded"}, "form": True},
    ("POST", "/statements/{statement_id}/bookmark"): {"data": {"on": "true", "note": "x"}, "form": True},
    ("POST", "/speakers/{speaker_id}/merge"): {"data": {"others": "2"}, "form": True},
    ("POST", "/speakers/{speaker_id}/split"): {"data": {"names": "Townsend"}, "form": True},
    ("POST", "/statements/{statement_id}/speaker"): {"data": {"name": "Pentagon", "kind": "organization"}, "form": True},
    ("POST", "/upload"): {**UPLOAD, "form": True},
}
#: The one state-changing-looking route that is the authentication itself.
NOT_WRITES = {("POST", "/login")}


def _path(template: str) -> str:
    return template.format(statement_id=1, speaker_id=1, tag="seeded")


def _send(client: TestClient, method: str, template: str, request: dict, **extra):
    kwargs = {k: v for k, v in request.items() if k != "form"}
    return client.request(method, _path(template), follow_redirects=False, **kwargs, **extra)


def _api_routes(routes) -> Iterator[APIRoute]:
    """Every endpoint, including those of included routers (FastAPI >= 0.16x keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(router.routes)
        else:
            assert isinstance(route, Mount) or route.path == "/openapi.json", route  # static files, the spec


def test_every_write_route_is_in_the_table_of_writes(client):
    """A new write route fails here until it is added to WRITES (and so to the tests below)."""
    routes = {(method, route.path) for route in _api_routes(client.app.routes) for method in route.methods - {"GET", "HEAD"}}
    assert routes - NOT_WRITES == set(WRITES)


@pytest.mark.parametrize(("method", "template"), list(WRITES))
def test_anonymous_writes_are_refused_and_change_nothing(client, readonly, method, template):
    client.app.state.store.add_tag(1, "seeded")
    before = snapshot(client)
    request = WRITES[(method, template)]
    assert _send(readonly, method, template, request).status_code == 403  # no token: read-only server
    assert _send(client, method, template, request).status_code == 401
    wrong = {"Authorization": "Bearer " + TOKEN[:-1] + "x"}
    assert _send(client, method, template, request, headers=wrong).status_code in (401, 403)
    client.cookies.set(SESSION_COOKIE, "forged")
    assert _send(client, method, template, request).status_code in (401, 403)
    assert snapshot(client) == before


@pytest.mark.parametrize(("method", "template"), [w for w, r in WRITES.items() if r.get("form")])
def test_form_writes_need_the_csrf_token_even_when_logged_in(client, method, template):
    client.app.state.store.add_tag(1, "seeded")
    login(client)
    before = snapshot(client)
    request = WRITES[(method, template)]
    for csrf in ("", "forged", "0" * 64):
        form = {**request.get("data", {}), "csrf": csrf}
        assert _send(client, method, template, {**request, "data": form}).status_code == 403
    assert snapshot(client) == before


def test_a_logged_in_form_with_its_csrf_token_writes(client):
    csrf = login(client)
    response = client.post("/statements/1/tags", data={"tag": "verified", "csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert "verified" in client.get("/api/statements/1").json()["tags"]


def test_the_session_cookie_is_httponly_and_same_site_strict(client):
    cookie = client.post("/login", data={"token": TOKEN, "next": "/"}, follow_redirects=False).headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and TOKEN.lower() not in cookie


# --- no path traversal -------------------------------------------------------------

TRAVERSAL_NAMES = ["../../../../tmp/saywho-pwned.txt", "/tmp/saywho-pwned.txt", "..\\..\\saywho-pwned.txt",
                   "a/../../saywho-pwned.txt", "saywho\x00pwned.txt", "%2e%2e%2fsaywho-pwned.txt"]


@pytest.mark.slow
@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_upload_file_names_are_labels_never_paths(client, tmp_path, name):
    before = set(tmp_path.rglob("*")) | set(Path("/tmp").glob("saywho-pwned*"))
    # Digits, not hex: the text must still read as English to pass ingest's language check.
    text = f'"We will open the new bridge {uuid.uuid4().int} in June," Mayor Ana Ruiz said on Monday.'.encode()
    response = client.post("/api/articles", files={"file": (name, text, "text/plain")}, headers=AUTH)
    assert response.status_code == 201, response.text
    stored = client.get(f"/api/articles/{response.json()['id']}").json()["article"]["input"]
    assert stored.startswith("upload:")
    assert set(tmp_path.rglob("*")) | set(Path("/tmp").glob("saywho-pwned*")) == before


@pytest.mark.parametrize("path", [
    "/static/../../web/app.py", "/static/%2e%2e/%2e%2e/web/app.py", "/static/..%2f..%2fweb%2fapp.py",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/static//etc/passwd", "/static/..\\..\\app.py",
])
def test_static_files_do_not_escape_their_folder(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "create_app" not in response.text and "root:" not in response.text


def test_export_file_names_are_fixed_whatever_the_query(client):
    for suffix in ("csv", "jsonl"):
        response = client.get(f"/api/search.{suffix}", params={"q": '../../etc/passwd"; filename="x.sh'})
        assert response.status_code == 200
        assert response.headers["content-disposition"] == f'attachment; filename="saywho-search.{suffix}"'


# --- parameterised SQL everywhere --------------------------------------------------

#: A marker in every hostile value: it must reach the database only as a parameter.
MARKER = "zq9marker"
HOSTILE_VALUES = [f"{MARKER}{value}" for value in SQL_INJECTIONS] + [f"{value}{MARKER}" for value in SQL_INJECTIONS]
SEARCH_PARAMS = ["q", "speaker", "publisher", "since", "until", "type", "kind", "tag"]
PAGE_ROUTES = ["/api/search", "/api/search.csv", "/api/search.jsonl", "/search"]


@pytest.fixture
def executed_sql(monkeypatch) -> list[str]:
    """Every SQL text the store sends, before parameters are bound."""
    seen: list[str] = []
    original = Conn._cursor

    def recording(self, sql, params):
        seen.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(Conn, "_cursor", recording)
    return seen


@pytest.mark.parametrize("db_target", BACKENDS, indirect=True)
def test_injection_strings_in_every_search_field_are_only_ever_parameters(client, executed_sql):
    before = snapshot(client)
    statuses = set()
    for route in PAGE_ROUTES:
        for param in SEARCH_PARAMS:
            for value in HOSTILE_VALUES:
                response = client.get(route, params={param: value})
                statuses.add(response.status_code)
                assert response.status_code in (200, 400, 422), (route, param, value, response.text[:200])
    for value in HOSTILE_VALUES:
        for route, params in (("/api/speakers", {"name": value}), ("/speakers", {"name": value, "kind": "person"})):
            assert client.get(route, params=params).status_code in (200, 400, 422)
        assert client.get(f"/api/statements/{quote(value, safe='')}").status_code in (404, 422)
        assert client.delete(f"/api/statements/1/tags/{quote(value, safe='')}", headers=AUTH).status_code in (200, 404)
    assert 200 in statuses and executed_sql
    assert not [sql for sql in executed_sql if MARKER in sql]
    assert snapshot(client) == before


@pytest.mark.parametrize("db_target", BACKENDS, indirect=True)
@pytest.mark.parametrize("path", ["/articles/{n}", "/api/articles/{n}", "/speakers/{n}", "/statements/{n}",
                                  "/api/speakers/{n}", "/search?page={n}", "/api/search?offset={n}", "/articles?page={n}"])
def test_numbers_beyond_64_bits_are_a_clear_400_not_a_crash(client, path):
    response = client.get(path.format(n="9" * 30))
    assert response.status_code == 400 and "out of range" in response.text


@pytest.mark.parametrize("db_target", BACKENDS, indirect=True)
def test_nul_characters_in_filters_and_articles_are_stored_and_searched(client):
    for param in SEARCH_PARAMS:
        assert client.get("/api/search", params={param: "a\x00b"}).status_code in (200, 400, 422)
    store: Store = client.app.state.store
    from saywho.models import Article
    from saywho.store import content_hash

    article_id = store.add_article(Article(input="nul\x00.txt", text="Text with a NUL\x00 inside."), content_hash("nul"))
    assert article_id is not None
    assert len(store.article(article_id)["article"].text) == len("Text with a NUL\x00 inside.")


# --- headers: no script from article text -----------------------------------------


class _ScriptFinder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        self.handlers += [f"{tag} {k}" for k, v in attrs if k.startswith("on") or (v or "").strip().lower().startswith("javascript:")]
        self._in_script = tag == "script"
        if tag == "script" and not names.get("src"):
            self.inline_scripts.append("(no src)")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag):
        self._in_script = False


def _assert_security_headers(response) -> None:
    csp = response.headers.get("content-security-policy", "")
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives.get("script-src") == "'self'", csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives.get("frame-ancestors") == "'none'" and directives.get("default-src") == "'none'"
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy") == "no-referrer"


def _hostile_article_id(client: TestClient) -> int:
    articles = client.get("/api/articles", params={"limit": 50}).json()["results"]
    return next(a["id"] for a in articles if a["input"] == "hostile.txt")


def test_pages_with_hostile_article_text_carry_no_inline_script_and_a_strict_csp(client):
    hostile = _hostile_article_id(client)
    paths = ["/", "/search?q=pwned", "/articles", f"/articles/{hostile}", "/speakers", "/login",
             f"/search?speaker={quote('Dana')}", "/statements/1"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_security_headers(response)
        finder = _ScriptFinder()
        finder.feed(response.text)
        assert not finder.inline_scripts and not finder.handlers, (path, finder.inline_scripts, finder.handlers)
    assert HOSTILE_CONTENT.startswith("<script>")
    assert "<script>window.__pwned" not in client.get(f"/articles/{hostile}").text


@pytest.mark.parametrize("path", ["/api/stats", "/static/app.js", "/no/such/page", "/api/articles/999999", "/openapi.json"])
def test_every_kind_of_response_carries_the_security_headers(client, path):
    _assert_security_headers(client.get(path))


# --- request size --------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    before = snapshot(client)
    big = b"x" * (DEFAULT_MAX_BODY_BYTES + 1)
    response = client.post("/api/articles", content=big, headers={**AUTH, "Content-Type": "text/plain"})
    assert response.status_code == 413
    _assert_security_headers(response)
    assert snapshot(client) == before


def test_a_body_without_a_length_is_refused(client):
    def chunks():
        yield b'{"tag": "x"}'

    response = client.post("/api/statements/1/tags", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 411


@pytest.mark.slow
def test_an_upload_just_under_the_limit_reaches_the_handler(client):
    sentence = b"The council met again today. "  # English, so the language check lets it through to the cap
    data = sentence * ((DEFAULT_MAX_BODY_BYTES - 100_000) // len(sentence))
    response = client.post("/api/articles", files={"file": ("long.txt", data, "text/plain")}, headers=AUTH)
    assert response.status_code == 400 and "too long" in response.json()["detail"]  # the character cap, not a crash


def test_uploads_that_analysis_refuses_are_a_400_naming_the_file(client):
    junk = client.post("/api/articles", files={"file": ("junk.txt", b"Share on Facebook\nTwitter\n", "text/plain")},
                       headers=AUTH)
    assert junk.status_code == 400 and "junk.txt" in junk.json()["detail"]


# --- rate limit ----------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_the_rate():
    clock = FakeClock()
    buckets = TokenBuckets(rate=2.0, burst=3, max_clients=10, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0.0  # another client has its own bucket
    clock.now = 0.5
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0
    clock.now = 100.0
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]  # refilled, never above the burst
    assert buckets.take("a") > 0


def test_token_buckets_remember_a_bounded_number_of_clients():
    buckets = TokenBuckets(rate=1.0, burst=1, max_clients=100, clock=FakeClock())
    for n in range(10_000):
        buckets.take(f"10.0.{n // 256}.{n % 256}")
    assert len(buckets) == 100


@pytest.mark.parametrize(("host", "key"), [
    ("203.0.113.7", "203.0.113.7"), ("2001:db8::1", "2001:db8::/64"), ("2001:db8::ffff:1", "2001:db8::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"), ("testclient", "testclient"),
])
def test_clients_are_told_apart_by_address_and_ipv6_by_network(host, key):
    assert client_key({"client": (host, 1234)}) == key


def test_a_client_over_its_rate_gets_429_and_others_are_served(db_target):
    limits = ServerLimits(rate=0.5, burst=3)
    app = create_app(db_target, token=TOKEN, limits=limits)
    with TestClient(app, client=("198.51.100.1", 1000)) as greedy, TestClient(app, client=("198.51.100.2", 1000)) as other:
        statuses = [greedy.get("/api/stats").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        refused = greedy.get("/api/stats")
        assert int(refused.headers["retry-after"]) >= 1
        _assert_security_headers(refused)
        assert other.get("/api/stats").status_code == 200


def test_serve_defaults_to_the_documented_rate_limit():
    import inspect

    from saywho.cli.serve import serve_command
    from saywho.web.limits import DEFAULT_RATE

    assert inspect.signature(serve_command).parameters["rate_limit"].default == DEFAULT_RATE


# --- long-running server: connections of retired threads --------------------------


@pytest.mark.parametrize("db_target", BACKENDS, indirect=True)
def test_a_finished_threads_database_connection_is_closed_not_kept(db_target):
    """Servers retire idle worker threads and start new ones (anyio after 10 s idle); a
    reader connection kept for each one leaked memory over a long soak."""
    import gc
    import threading

    store = Store.open(db_target)
    raws = []

    def read() -> None:
        store.counts()
        raws.append(store.backend.reader().raw)

    try:
        for _ in range(20):
            thread = threading.Thread(target=read)
            thread.start()
            thread.join()
        gc.collect()
        assert len(store.backend._readers) == 0
        assert all(_is_closed(raw) for raw in raws)
    finally:
        store.close()


def _is_closed(raw) -> bool:
    closed = getattr(raw, "closed", None)  # psycopg
    if closed is not None:
        return bool(closed)
    try:
        raw.total_changes  # noqa: B018 - sqlite3 checks only that the connection is open here, not its thread
    except sqlite3.ProgrammingError:
        return True
    return False
