"""What every saywho command shares, one place per concern: exit codes, the error line,
the options declared once, the date and mode checks, the output checks and writer guard,
and the progress display."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, get_args, get_type_hints

import typer

from saywho.isodates import parse_date
from saywho.output import output_target, printable
from saywho.pipeline import Options

# --- exit codes (documented in docs/cli.md and the README) ---------------------------

EXIT_OK = 0
#: At least one input failed; the others were processed and written.
EXIT_INPUT_FAILED = 1
#: Bad usage (unknown option, bad value).
EXIT_USAGE = 2
#: The output could not be written, or the job failed as a whole.
EXIT_OUTPUT_FAILED = 3
#: Interrupted (Ctrl-C); no partial output file is left.
EXIT_INTERRUPTED = 130

# --- lines on stderr -------------------------------------------------------------------


def command_group(name: str, help: str) -> typer.Typer:
    """A Typer app for a group of commands: help when run bare, tracebacks never shown to users."""
    return typer.Typer(name=name, help=help, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def message_line(level: str, message: str) -> str:
    """The one format of what saywho says on stderr: ``saywho: error: ...``, ``saywho: warning: ...``.
    Input names and reasons come from outside: no terminal controls get through."""
    return f"saywho: {level}: {printable(message)}"


def error_line(message: str) -> None:
    typer.echo(message_line("error", message), err=True)


def fail(message: str, code: int) -> NoReturn:
    """Say what went wrong in one line and end the command with ``code``."""
    error_line(message)
    raise typer.Exit(code)


def warning_lines(document: Any) -> list[str]:
    """The warnings a Document carries, as the lines saywho prints on stderr."""
    return [message_line("warning", f"{document.input}: {w}") for w in document.warnings]


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def report_written(what: str, output: str | None) -> None:
    """The closing line on stderr, only for a file (stdout speaks for itself)."""
    if output is not None:
        typer.echo(f"wrote {what} to {printable(output)}", err=True)


# --- options shared by several commands, declared once ---------------------------------

InputsArg = Annotated[
    list[str], typer.Argument(help="Files, folders (recursive), globs, URLs, or - for stdin.", show_default=False)
]
OutputOpt = Annotated[str | None, typer.Option("--output", "-o", help="Write here (atomically) instead of stdout.")]
ParentsOpt = Annotated[bool, typer.Option("--parents", help="Create -o's missing parent folders (else a missing folder is an error).")]
RawCsvOpt = Annotated[
    bool,
    typer.Option(
        "--raw-csv",
        help="Write CSV cells exactly as found. By default a cell starting with = + - @ tab or CR gets a leading ' "
        "so a spreadsheet shows it as text instead of running it as a formula.",
    ),
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Processes to analyse with.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]

RawOpt = Annotated[bool, typer.Option(help="Keep text exactly as decoded, so offsets index the input file.")]
KeepJunkOpt = Annotated[bool, typer.Option(help="Do not drop scraping junk lines (menus, icon titles, share prompts).")]
PublishedOpt = Annotated[
    str | None, typer.Option(help="Publication date (YYYY-MM-DD) for inputs that carry none; resolves 'on Tuesday'.")
]
MinConfidenceOpt = Annotated[float, typer.Option(min=0.0, max=1.0, help="Leave out attributions below this confidence.")]
SpeechOnlyOpt = Annotated[bool, typer.Option(help="Leave out thoughts and beliefs ('X believes'), keep what was said.")]
ModelOpt = Annotated[str | None, typer.Option(help="spaCy pipeline to use (default: installed small English).")]
ModeOpt = Annotated[
    str,
    typer.Option(help="rules (default, fast) or model: the trained tagger, more accurate and slower (pip install 'saywho[model]')."),
]
LanguageOpt = Annotated[
    list[str] | None,
    typer.Option("--language", "-l", help="Language (ISO 639-1) to keep; repeat for several. Default: en."),
]
AllLanguagesOpt = Annotated[bool, typer.Option("--all-languages", help="Keep articles in every language.")]

MaxBytesOpt = Annotated[int, typer.Option("--max-bytes", min=1, help="Largest page, text file or record read (bytes).")]
MaxCharsOpt = Annotated[int, typer.Option("--max-chars", min=0, help="Longest article text analysed (characters; 0: no cap).")]
TimeLimitOpt = Annotated[float, typer.Option("--time-limit", min=0.0, help="Seconds one article may take (0: no limit).")]

# --- checks of option values -----------------------------------------------------------

#: The extractors ``--mode`` chooses from, as ``saywho.pipeline.Options`` types them.
MODES: tuple[str, ...] = get_args(get_type_hints(Options)["mode"])


def check_mode(mode: str, *, code: int = EXIT_USAGE) -> None:
    if mode not in MODES:
        fail(f"unknown mode {mode!r}; choose {' or '.join(MODES)}", code)


def published_date(value: str | None) -> str | None:
    """``--published`` as YYYY-MM-DD, whatever ISO form was given (``20240502``, ``2024-W18-4``)."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        fail(f"--published {value!r} is not a YYYY-MM-DD date", EXIT_USAGE)


def languages(codes: list[str] | None, all_languages: bool) -> tuple[str, ...]:
    """The languages to keep (``()``: every one) from ``--language`` and ``--all-languages``."""
    return () if all_languages else tuple(code.lower() for code in (codes or ["en"]))


# --- output ----------------------------------------------------------------------------


def check_output(output: str | None, parents: bool) -> None:
    """Fail before any work when ``-o`` cannot be written: a folder, a missing parent folder
    (unless ``--parents``), a file where a folder should be. Exit 3, one line naming it."""
    if output is None:
        return
    try:
        output_target(output, parents=parents)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}", EXIT_OUTPUT_FAILED)


def format_from_extension(output: str | None, known: Mapping[str, str], names: tuple[str, ...]) -> str | None:
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
        fail(f"cannot tell the format from {output!r}: use one of {extensions}{choose}", EXIT_USAGE)
    return known[suffix]


@contextmanager
def writing(output: str | None) -> Iterator[None]:
    """Around writing a command's results to ``output`` (None: stdout). A reader that goes
    away (``| head``) is not an error of ours: exit 0, quietly. Anything else that stops the
    writing is one line and exit 3."""
    try:
        yield
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(EXIT_OK) from None
    except OSError as error:
        fail(f"cannot write {output or 'stdout'}: {error.strerror or error}", EXIT_OUTPUT_FAILED)


# --- progress --------------------------------------------------------------------------


class Progress:
    """The progress display on stderr: a spinner, a line saying how far, the time taken.

    Only on a terminal and when ``enabled`` (not ``--quiet``); lines logged meanwhile are
    printed above it, so that a bar never garbles them. The number of inputs is not known
    before reading them (folders, WARC files), so it counts rather than fills.
    """

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = RichProgress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=Console(stderr=True), transient=True
            )
            self._progress.start()
            self._task = self._progress.add_task("starting", total=None)
        return self

    def show(self, description: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=description)

    def log(self, line: str) -> None:
        line = printable(line)
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False)
        else:
            typer.echo(line, err=True)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __exit__(self, *exc: object) -> None:
        self.stop()
