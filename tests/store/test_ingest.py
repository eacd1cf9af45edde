"""Ingest into the store: idempotent, incremental, and safe to kill."""

from __future__ import annotations

from saywho.store import content_hash


def test_content_hash_ignores_line_ending_style_but_not_words():
    assert content_hash("a\r\nb\n") == content_hash("a\nb")
    assert content_hash("a b") != content_hash("a c")
