"""Web fixtures: a small corpus with a hostile article, served by the app (TestClient) or a real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from saywho.store import Store
from web.web_corpus import fill_corpus


@pytest.fixture
def corpus_db(tmp_path) -> Iterator[str]:
    path = str(tmp_path / "web.db")
    with Store.open(path) as store:
        fill_corpus(store)
    yield path


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium for a browser test module (web/browser_support.py)."""
    from web.browser_support import chromium

    with chromium() as launched:
        yield launched
