"""The input limits every command that reads articles takes, defined once so they read alike."""

from __future__ import annotations

from typing import Annotated

import typer

from saywho.ingest.options import DEFAULT_MAX_BYTES
from saywho.pipeline import DEFAULT_MAX_CHARS, DEFAULT_TIME_LIMIT

MaxBytesOpt = Annotated[int, typer.Option("--max-bytes", min=1, help="Largest page, text file or record read (bytes).")]
MaxCharsOpt = Annotated[int, typer.Option("--max-chars", min=0, help="Longest article text analysed (characters; 0: no cap).")]
TimeLimitOpt = Annotated[float, typer.Option("--time-limit", min=0.0, help="Seconds one article may take (0: no limit).")]

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_CHARS", "DEFAULT_TIME_LIMIT", "MaxBytesOpt", "MaxCharsOpt", "TimeLimitOpt"]
