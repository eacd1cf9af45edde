"""Shared fixtures. Tests that need ../shared skip with a reason when it is absent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED} (a fresh clone has none)")


@pytest.fixture(scope="session")
def nlp():
    from saywho.nlp.model import load_model

    return load_model()


@pytest.fixture(scope="session")
def extractor():
    from saywho.pipeline import Extractor, Options

    return Extractor(Options())


@pytest.fixture(scope="session")
def raw_extractor():
    from saywho.pipeline import Extractor, Options

    return Extractor(Options(raw=True))


@pytest.fixture
def new_target(request, tmp_path) -> Iterator:
    """A factory of fresh, empty database locations on the test's backend (``sqlite`` unless
    parametrised indirectly with ``postgresql``); PostgreSQL schemas are dropped afterwards."""
    from store.store_builders import PG_DSN

    backend = getattr(request, "param", "sqlite")
    schemas: list[str] = []

    def make() -> str:
        if backend == "sqlite":
            return str(tmp_path / f"{uuid.uuid4().hex[:8]}.db")
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_DSN, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}"')
        schemas.append(schema)
        return f"{PG_DSN}{'&' if '?' in PG_DSN else '?'}options={quote(f'-csearch_path={schema}')}"

    yield make
    if schemas:
        import psycopg

        with psycopg.connect(PG_DSN, autocommit=True) as admin:
            for schema in schemas:
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def engines_run(monkeypatch) -> list[str]:
    """The engine each article analysed in this process was given (``annotate``'s ``engine``),
    in order: for tests that an option, a default or an upload reaches the analysis."""
    import saywho.pipeline

    seen: list[str] = []
    annotate = saywho.pipeline.annotate

    def recording(doc, **kwargs):
        seen.append(kwargs["engine"])
        return annotate(doc, **kwargs)

    monkeypatch.setattr(saywho.pipeline, "annotate", recording)
    return seen
