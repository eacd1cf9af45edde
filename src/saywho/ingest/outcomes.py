"""Inputs left out on purpose, told apart from inputs that failed."""

from __future__ import annotations

from saywho.errors import InputError


class SkippedInput(InputError):
    """Readable input that is not an article to analyse: another language, a WARC record
    that is not an HTML page, an HTTP redirect. Reported with its reason like any
    ``InputError`` (so the batch goes on), but callers may count it as a skip, not a failure."""
