"""What every saywho command shares, one place per concern: exit codes, the error line,
the options declared once, the date and engine checks, the output checks and writer guard,
the tally of skipped and failed inputs, and the progress display.

Nothing here (nor in the command modules' top level) imports spaCy, the NLP pipeline or
the readers: ``saywho search`` must start in a fraction of a second. Commands import what
they need when they run.
"""

from __future__ import annotations

import inspect
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from saywho.errors import InputError
from saywho.ingest.options import DEFAULT_MAX_BYTES, IngestOptions
from saywho.ingest.outcomes import SkippedInput
from saywho.isodates import parse_date
from saywho.options import (
    DEFAULT_MAX_CHARS,
    DEFAULT_TIME_LIMIT,
    DEPRECATED_MODES,
    ENGINES,
    Engine,
    Options,
    engine_for_mode,
    is_engine,
)
from saywho.output import output_target, printable

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


def command_group(name: str, help: str | None, **settings: Any) -> typer.Typer:
    """A Typer app for a group of commands: help when run bare, tracebacks never shown to users,
    help pages without Python types (:class:`ReadableGroup`)."""
    settings = {"no_args_is_help": True, "add_completion": False, **settings}
    return typer.Typer(name=name, help=help, pretty_exceptions_enable=False, cls=ReadableGroup, **settings)


def readable_parameters(params: list[Any]) -> list[Any]:
    """Parameters as a person reads them in ``--help`` and docs/cli.md: a switch shows no
    value at all and an option its metavar (FILE, N, DATE), never Typer's Python type
    (``<bool>``, ``<list[str]>``, ``<str>``), which says nothing to a journalist."""
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""
        elif param.metavar is None:
            param.metavar = param.name.upper() if param.name else None
        # Typer shows an argument's type next to its name whatever its metavar says.
        if isinstance(param, TyperArgument):
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
    return params


def readable_help(text: str | None) -> str | None:
    """A docstring as help: each paragraph of prose on one line, for the terminal (and the
    Markdown of docs/cli.md) to wrap at its own width rather than where the source broke
    it; a paragraph whose every line is indented (examples) kept line by line."""
    if not text:
        return text
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines = paragraph.splitlines()
        if all(line.startswith(" ") for line in lines):
            paragraphs.append(paragraph)
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs)


class ReadableCommand(TyperCommand):
    """A command whose help shows values by name, not by Python type (:func:`readable_parameters`),
    and paragraphs wrapped to the reader's width (:func:`readable_help`)."""

    def __init__(self, *args: Any, help: str | None = None, **kwargs: Any):
        super().__init__(*args, help=readable_help(help), **kwargs)

    def get_params(self, ctx: Any) -> list[Any]:
        return readable_parameters(super().get_params(ctx))


class ReadableGroup(TyperGroup):
    """A group whose own help and options read as :class:`ReadableCommand`'s."""

    def __init__(self, *args: Any, help: str | None = None, **kwargs: Any):
        super().__init__(*args, help=readable_help(help), **kwargs)

    def get_params(self, ctx: Any) -> list[Any]:
        return readable_parameters(super().get_params(ctx))


def readable(app: typer.Typer) -> typer.Typer:
    """Every command registered on ``app`` and on its groups (made by :func:`command_group`)
    made a :class:`ReadableCommand`."""
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):  # Typer fills in its own class by default
            command.cls = ReadableCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            readable(group.typer_instance)
    return app


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
    list[str], typer.Argument(metavar="INPUT", help="Files, folders (recursive), globs, URLs, or - for stdin.", show_default=False)
]
OutputOpt = Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Write here (atomically) instead of stdout.")]
ParentsOpt = Annotated[bool, typer.Option("--parents", help="Create -o's missing parent folders (else a missing folder is an error).")]
RawCsvOpt = Annotated[
    bool,
    typer.Option(
        "--raw-csv",
        help="Write CSV cells exactly as found. By default a cell starting with = + - @ tab or CR gets a leading ' "
        "so a spreadsheet shows it as text instead of running it as a formula.",
    ),
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="N", help="Processes to analyse with.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
#: The old spelling of ``--format jsonl`` (``--format json`` in eval), still accepted, not shown.
JsonAliasOpt = Annotated[bool, typer.Option("--json", hidden=True, help="Deprecated: use --format.")]

# What the analysis reads and does: the same options, with the same names and defaults, on
# every command that analyses articles (extract, ingest, spark run). ANALYSIS_OPTIONS names
# them; tests/cli/test_consistency.py checks that each of those commands takes them all.
RawOpt = Annotated[bool, typer.Option("--raw", help="Keep text exactly as decoded, so offsets index the input file.")]
KeepJunkOpt = Annotated[bool, typer.Option("--keep-junk", help="Do not drop scraping junk lines (menus, icon titles, share prompts).")]
PublishedOpt = Annotated[
    str | None,
    typer.Option("--published", metavar="DATE", help="Publication date (YYYY-MM-DD) for inputs that carry none; resolves 'on Tuesday'."),
]
MinConfidenceOpt = Annotated[
    float, typer.Option("--min-confidence", min=0.0, max=1.0, metavar="P", help="Leave out attributions below this confidence.")
]
SpeechOnlyOpt = Annotated[bool, typer.Option("--speech-only", help="Leave out thoughts and beliefs ('X believes'), keep what was said.")]
ModelOpt = Annotated[str | None, typer.Option("--model", metavar="NAME", help="spaCy pipeline to use (default: installed small English).")]
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        metavar="ENGINE",
        help="tagger: the trained tagger with the rules, the more accurate; rules: the rules alone, the fast mode (docs/model.md).",
    ),
]
#: The old spelling of --engine, kept hidden for one release (model is now tagger).
ModeAliasOpt = Annotated[str | None, typer.Option("--mode", hidden=True, metavar="MODE", help="Deprecated: use --engine.")]
LanguageOpt = Annotated[
    list[str] | None,
    typer.Option("--language", "-l", metavar="CODE", help="Language (ISO 639-1) to keep; repeat for several. Default: en."),
]
AllLanguagesOpt = Annotated[bool, typer.Option("--all-languages", help="Keep articles in every language.")]
MaxBytesOpt = Annotated[int, typer.Option("--max-bytes", min=1, metavar="BYTES", help="Largest page, text file or record read.")]
MaxCharsOpt = Annotated[int, typer.Option("--max-chars", min=0, metavar="CHARS", help="Longest article text analysed (0: no cap).")]
TimeLimitOpt = Annotated[float, typer.Option("--time-limit", min=0.0, metavar="SECONDS", help="Seconds one article may take (0: no limit).")]

#: The parameters of every analysing command, with their defaults.
ANALYSIS_OPTIONS: dict[str, Any] = {
    "raw": False,
    "keep_junk": False,
    "published": None,
    "min_confidence": 0.0,
    "speech_only": False,
    "model": None,
    "engine": "tagger",
    "mode": None,
    "language": None,
    "all_languages": False,
    "max_bytes": DEFAULT_MAX_BYTES,
    "max_chars": DEFAULT_MAX_CHARS,
    "time_limit": DEFAULT_TIME_LIMIT,
}


def analysis_options(
    *, raw: bool, keep_junk: bool, min_confidence: float, speech_only: bool, model: str | None, engine: str,
    mode: str | None, max_chars: int, time_limit: float,
) -> Options:
    """The analysis the shared options ask for; an unknown ``--engine`` is a usage error."""
    engine = chosen_engine(engine, mode)
    return Options(
        raw=raw,
        keep_junk=keep_junk,
        model=model,
        min_confidence=min_confidence,
        beliefs=not speech_only,
        engine=engine,
        max_chars=max_chars,
        time_limit=time_limit,
    )


def reading_options(*, language: list[str] | None, all_languages: bool, max_bytes: int, **more: Any) -> IngestOptions:
    """What to read, from the shared options (``more``: the rest of IngestOptions' fields)."""
    return IngestOptions(max_bytes=max_bytes, languages=languages(language, all_languages), **more)


# --- checks of option values -----------------------------------------------------------


def chosen_engine(engine: str, mode: str | None, *, code: int = EXIT_USAGE) -> Engine:
    """``--engine``, or the engine the deprecated ``--mode`` names (said once on stderr);
    an unknown value of either is refused with ``code``."""
    if mode is not None:
        if mode not in DEPRECATED_MODES:
            fail(f"unknown mode {mode!r}; choose {' or '.join(DEPRECATED_MODES)} (or --engine {' or '.join(ENGINES)})", code)
        typer.echo(message_line("warning", f"--mode is deprecated: use --engine {engine_for_mode(mode)}"), err=True)
        return engine_for_mode(mode)
    if not is_engine(engine):  # the extractors saywho.options.Engine names
        fail(f"unknown engine {engine!r}; choose {' or '.join(ENGINES)}", code)
    return engine


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


# --- skipped and failed inputs --------------------------------------------------------


def reason_group(reason: str) -> str:
    """What inputs that failed for the same reason share: the reason up to its details
    ("too large: 12.0 MB, limit 10.0 MB" and "too large: 31.5 MB, ..." are both "too large")."""
    for mark in (": ", " ("):
        reason = reason.split(mark, 1)[0]
    return reason


class Tally:
    """The inputs a command skipped (not articles to analyse: another language, not a page)
    and those that failed. Each is said on stderr as it comes, one line naming it
    (``saywho: skipped: ...``, ``saywho: error: ...``); at the end :meth:`lines` groups them by
    reason, so that a thousand empty files end in "1,000 failed: empty file"."""

    def __init__(self, say: Callable[[str], None] | None = None):
        self.say = say or (lambda line: typer.echo(printable(line), err=True))
        self.groups: Counter[tuple[str, str]] = Counter()

    def record(self, error: InputError, *, quiet: bool = False) -> None:
        """Count one input that gave no article, skipped or failed by its kind, and say it
        (unless ``quiet``: only in the closing tally)."""
        outcome = "skipped" if isinstance(error, SkippedInput) else "failed"
        if not quiet:
            self.say(message_line("skipped" if outcome == "skipped" else "error", str(error)))
        self.groups[(outcome, reason_group(error.reason))] += 1

    def count(self, outcome: str) -> int:
        return sum(n for (kind, _), n in self.groups.items() if kind == outcome)

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    def lines(self) -> list[str]:
        """One line per reason, the most frequent first: ``1,000 failed: empty file``."""
        ordered = sorted(self.groups.items(), key=lambda item: (item[0][0] != "failed", -item[1], item[0][1]))
        return [f"{count:,} {outcome}: {printable(reason)}" for (outcome, reason), count in ordered]

    def report(self) -> None:
        for line in self.lines():
            typer.echo(line, err=True)


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
