"""Store fixtures: an empty store on each backend, and a builder for small analysed articles.

PostgreSQL tests run when ``SAYWHO_TEST_PG`` holds a DSN (``.ci/postgres.sh`` prints
one); each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from saywho.store import Store
from store.store_builders import PG_DSN


@pytest.fixture
def store_target(request, tmp_path) -> Iterator[str]:
    """A fresh database location on the backend named by the test's ``backend`` parameter."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield str(tmp_path / "corpus.db")
        return
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in PG_DSN else "?"
    yield f"{PG_DSN}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(PG_DSN, autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def store(store_target) -> Iterator[Store]:
    with Store.open(store_target) as opened:
        yield opened
