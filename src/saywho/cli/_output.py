"""What every command that writes a file shares: its options, the checks made before any
work starts, and the closing line that says what was written where."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saywho.cli._common import EXIT_OUTPUT_FAILED, EXIT_USAGE
from saywho.output import output_target, printable

ParentsOpt = Annotated[bool, typer.Option("--parents", help="Create -o's missing parent folders (else a missing folder is an error).")]
RawCsvOpt = Annotated[
    bool,
    typer.Option(
        "--raw-csv",
        help="Write CSV cells exactly as found. By default a cell starting with = + - @ tab or CR gets a leading ' "
        "so a spreadsheet shows it as text instead of running it as a formula.",
    ),
]


def _error(message: str) -> None:
    typer.echo(f"saywho: error: {printable(message)}", err=True)


def check_output(output: str | None, parents: bool) -> None:
    """Fail before any work when ``-o`` cannot be written: a folder, a missing parent folder
    (unless ``--parents``), a file where a folder should be. Exit 3, one line naming it."""
    if output is None:
        return
    try:
        output_target(output, parents=parents)
    except OSError as error:
        _error(f"cannot write {output}: {error.strerror or error}")
        raise typer.Exit(EXIT_OUTPUT_FAILED) from None


def format_from_extension(output: str | None, known: dict[str, str], names: tuple[str, ...]) -> str | None:
    """The format -o's extension names (``known`` maps extensions to formats); None without
    an extension (``/dev/stdout``, a pipe). An extension that names no format is a usage
    error: guessing JSONL for ``out.xlsx`` writes a file no spreadsheet can open."""
    if output is None:
        return None
    suffix = Path(output).suffix.lower().lstrip(".")
    if not suffix:
        return None
    if suffix not in known:
        extensions = ", ".join(f".{e}" for e in known)
        choose = f", or --format ({', '.join(names)})" if names else ""
        _error(f"cannot tell the format from {output!r}: use one of {extensions}{choose}")
        raise typer.Exit(EXIT_USAGE)
    return known[suffix]


def report_written(what: str, output: str | None) -> None:
    """The closing line on stderr, only for a file (stdout speaks for itself)."""
    if output is not None:
        typer.echo(f"wrote {what} to {printable(output)}", err=True)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def warning_lines(document) -> list[str]:
    """The warnings a Document carries, as the lines saywho prints on stderr."""
    return [f"saywho: warning: {printable(document.input)}: {printable(w)}" for w in document.warnings]
