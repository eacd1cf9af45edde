"""How the driver names inputs: the same names ``saywho extract`` gives them."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import pytest

from spark.spark_support import needs_spark

pytestmark = needs_spark


@pytest.mark.parametrize(
    ("given", "prefix"),
    [("news", "news"), ("news/", "news"), ("./news", "news"), (".", ""), ("/data/news/", "/data/news"), ("../news", "../news")],
)
def test_a_folder_input_names_its_files_as_extract_does(given, prefix):
    from saywho.spark.job import _given_prefix

    assert _given_prefix(given) == prefix


@pytest.mark.parametrize(
    ("pattern", "base"),
    [
        ("news/2024/*/a*.txt", "news/2024"),
        ("*.txt", "."),
        ("/data/*.warc.gz", "/data"),
        ("./news/*.txt", "./news"),
        ("news/[ab].txt", "news"),
    ],
)
def test_a_glob_keeps_the_folders_typed_before_its_first_wildcard(pattern, base):
    from saywho.spark.job import _glob_base

    assert _glob_base(pattern) == base


def test_glob_names_match_pythons_glob(tmp_path, monkeypatch):
    """extract names glob matches as glob.glob returns them; base + the rest gives the same."""
    from saywho.spark.job import _glob_base
    from saywho.spark.read import InputNames

    (tmp_path / "news" / "a").mkdir(parents=True)
    (tmp_path / "news" / "a" / "x.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for pattern in ("./news/*/x.txt", "news/a/*.txt", "*/a/x.txt"):
        base = _glob_base(pattern)
        names = InputNames.of([(f"file:{os.path.abspath(base)}", "" if base == "." else base)])
        (expected,) = glob.glob(pattern)
        assert names.name(f"file:{Path('news/a/x.txt').resolve()}") == expected
