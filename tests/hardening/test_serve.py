"""Issue 21, items 10, 13 and 15: what ``saywho serve`` answers and whom it believes.

Only the Host names of this server are answered (DNS rebinding gets 400); forwarded
headers are believed only from a proxy the user names; a busy port is one clear line
and exit 2 before anything claims to be serving."""

from __future__ import annotations

import socket

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from saywho.cli import app
from saywho.store import Store
from web.web_corpus import fill_corpus

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("serve") / "corpus.db")
    with Store.open(db) as store:
        fill_corpus(store)
    return db


@pytest.fixture
def served(monkeypatch):
    """Runs ``saywho serve`` up to uvicorn and returns what it would have served, and how."""
    calls: list[tuple[object, dict]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **settings: calls.append((app, settings)))

    def serve(*args: str):
        result = runner.invoke(app, ["serve", *args, "--port", str(free_port())])
        return result, calls

    return serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- 10. Host header ---------------------------------------------------------------


def test_a_foreign_host_header_is_refused(served, corpus):
    result, [(web_app, _)] = served("--db", corpus)
    assert result.exit_code == 0, result.output
    with TestClient(web_app, base_url="http://127.0.0.1:8765") as client:
        refused = client.get("/api/stats", headers={"Host": "evil.example"})
        assert refused.status_code == 400
        assert refused.headers["content-security-policy"]  # the refusal carries the security headers too
        for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"):
            assert client.get("/api/stats", headers={"Host": host}).status_code == 200, host
        assert client.get("/search", headers={"Host": "evil.example:8765"}).status_code == 400


def test_allowed_host_adds_a_proxy_name(served, corpus):
    result, [(web_app, _)] = served("--db", corpus, "--allowed-host", "quotes.example.org")
    assert result.exit_code == 0, result.output
    with TestClient(web_app) as client:
        assert client.get("/api/stats", headers={"Host": "quotes.example.org"}).status_code == 200
        assert client.get("/api/stats", headers={"Host": "evil.example"}).status_code == 400


def test_listening_everywhere_says_which_hosts_are_answered(served, corpus):
    result, [(web_app, _)] = served("--db", corpus, "--host", "0.0.0.0")
    assert result.exit_code == 0, result.output
    assert "add --allowed-host NAME" in result.stderr
    with TestClient(web_app) as client:
        assert client.get("/api/stats", headers={"Host": "192.168.1.20:8000"}).status_code == 400
    result, _ = served("--db", corpus, "--host", "0.0.0.0", "--allowed-host", "192.168.1.20")
    assert "--allowed-host NAME" not in result.stderr


def test_the_bound_address_is_an_allowed_host(served, corpus):
    result, [(web_app, settings)] = served("--db", corpus, "--host", "::1")
    if result.exit_code == 2:
        pytest.skip("no IPv6 loopback here")
    assert settings["host"] == "::1"
    with TestClient(web_app) as client:
        assert client.get("/api/stats", headers={"Host": "[::1]:8000"}).status_code == 200


# --- 13. forwarded headers ---------------------------------------------------------------


def test_forwarded_headers_are_ignored_unless_a_proxy_is_named(served, corpus):
    result, [(web_app, settings)] = served("--db", corpus)
    assert result.exit_code == 0
    assert uvicorn.Config(web_app, **settings).proxy_headers is False


def test_a_named_proxy_may_forward_the_client_address(served, corpus):
    result, [(web_app, settings)] = served("--db", corpus, "--forwarded-allow-ips", "10.0.0.7")
    assert result.exit_code == 0
    config = uvicorn.Config(web_app, **settings)
    assert config.proxy_headers is True and config.forwarded_allow_ips == "10.0.0.7"


# --- 15. a busy port -------------------------------------------------------------------


def test_a_busy_port_is_one_line_and_exit_2_before_claiming_to_serve(monkeypatch, corpus):
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("uvicorn must not start"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "--db", corpus, "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == f"saywho: error: cannot listen on 127.0.0.1:{port}: port {port} is already in use on 127.0.0.1 " \
                            "(another saywho serve?); choose another with --port\n"
    assert "serving" not in result.output


def test_an_address_that_is_not_ours_is_one_line_and_exit_2(monkeypatch, corpus):
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("uvicorn must not start"))
    result = runner.invoke(app, ["serve", "--db", corpus, "--host", "192.0.2.1", "--port", "8000"])  # TEST-NET-1
    assert result.exit_code == 2
    assert "192.0.2.1 is not an address of this machine" in result.stderr and result.stderr.count("\n") == 1


# --- the engine that analyses uploads ------------------------------------------------------


@pytest.mark.parametrize(("flags", "engine"), [((), "tagger"), (("--engine", "rules"), "rules")])
def test_uploads_are_analysed_by_the_tagger_unless_serve_is_told_the_fast_mode(served, corpus, flags, engine):
    result, calls = served("--db", corpus, *flags)
    assert result.exit_code == 0, result.output
    ((served_app, _),) = calls
    assert served_app.state.upload_options.engine == engine


def test_an_unknown_engine_is_one_line_and_exit_2(monkeypatch, corpus):
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("uvicorn must not start"))
    result = runner.invoke(app, ["serve", "--db", corpus, "--engine", "model"])
    assert result.exit_code == 2
    assert result.stderr == "saywho: error: unknown engine 'model'; choose tagger or rules\n"
