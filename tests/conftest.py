"""Shared fixtures. Tests that need ../shared skip with a reason when it is absent."""

from __future__ import annotations

from pathlib import Path

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
