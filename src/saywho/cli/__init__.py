"""The ``saywho`` command: a thin layer over the library.

Exit codes: 0 all inputs done; 1 at least one input failed (the others were
still processed and written); 2 bad usage; 3 the output could not be written;
130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer

from saywho import __version__
from saywho.errors import InputError, SaywhoError
from saywho.isodates import parse_date
from saywho.models import Article, Document
from saywho.output import EXTENSIONS, FORMATS, printable, write_articles
from saywho.cli._output import ParentsOpt, RawCsvOpt, check_output, format_from_extension, plural, report_written, warning_lines
from saywho.pipeline import Options, analyse_parallel
from saywho.cli._common import EXIT_INPUT_FAILED, EXIT_INTERRUPTED, EXIT_OUTPUT_FAILED
from saywho.cli._limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS, DEFAULT_TIME_LIMIT, MaxBytesOpt, MaxCharsOpt, TimeLimitOpt

#: More inputs than this get a progress bar on stderr.
PROGRESS_MIN_INPUTS = 5

app = typer.Typer(
    name="saywho",
    help="Who said what, about what, and when: attributions and speakers in news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"saywho {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Who said what, about what, and when."""


def error_line(message: str) -> None:
    typer.echo(f"saywho: error: {printable(message)}", err=True)


@app.command()
def extract(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders (recursive), globs, URLs, or - for stdin.", show_default=False)
    ] = None,  # type: ignore[assignment]
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Write here (atomically) instead of stdout.")
    ] = None,
    parents: ParentsOpt = False,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            help=f"One of {', '.join(FORMATS)}. Default: from -o's extension, else table on a terminal and jsonl when piped.",
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Processes to analyse with.")] = 1,
    raw: Annotated[
        bool, typer.Option(help="Keep text exactly as decoded, so offsets index the input file.")
    ] = False,
    keep_junk: Annotated[bool, typer.Option(help="Do not drop scraping junk lines (menus, icon titles, share prompts).")] = False,
    published: Annotated[
        Optional[str], typer.Option(help="Publication date (YYYY-MM-DD) for inputs that carry none; resolves 'on Tuesday'.")
    ] = None,
    min_confidence: Annotated[float, typer.Option(min=0.0, max=1.0, help="Leave out attributions below this confidence.")] = 0.0,
    speech_only: Annotated[
        bool, typer.Option(help="Leave out thoughts and beliefs ('X believes'), keep what was said.")
    ] = False,
    model: Annotated[Optional[str], typer.Option(help="spaCy pipeline to use (default: installed small English).")] = None,
    mode: Annotated[
        str,
        typer.Option(help="rules (default, fast) or model: the trained tagger, more accurate and slower (pip install 'saywho[model]').")
    ] = "rules",
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    max_chars: MaxCharsOpt = DEFAULT_MAX_CHARS,
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    raw_csv: RawCsvOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Find every attribution in each article: who said what, how, and when.

    \b
    Examples:
      saywho extract article.txt
      saywho extract news/ -o quotes.csv --jobs 2
      cat page.html | saywho extract - --format jsonl
    """
    from saywho.ingest import IngestOptions, SkippedInput, iter_documents

    if not inputs:
        if sys.stdin.isatty():
            error_line("no input given (files, folders, URLs, or - for stdin)")
            raise typer.Exit(2)
        inputs = ["-"]
    chosen = fmt or format_from_extension(output, EXTENSIONS, FORMATS) or ("table" if output is None and sys.stdout.isatty() else "jsonl")
    if chosen not in FORMATS:
        error_line(f"unknown format {chosen!r}; choose one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    if chosen == "parquet" and output is None:
        error_line("parquet output needs -o FILE")
        raise typer.Exit(2)
    if published is not None:
        try:
            published = parse_date(published)  # written back as YYYY-MM-DD, whatever ISO form was given
        except ValueError:
            error_line(f"--published {published!r} is not a YYYY-MM-DD date")
            raise typer.Exit(2) from None

    if mode not in ("rules", "model"):
        error_line(f"unknown mode {mode!r}; choose rules or model")
        raise typer.Exit(2)
    check_output(output, parents)
    options = Options(
        raw=raw,
        keep_junk=keep_junk,
        model=model,
        min_confidence=min_confidence,
        beliefs=not speech_only,
        mode=mode,  # type: ignore[arg-type]
        max_chars=max_chars,
        time_limit=time_limit,
    )
    failures: list[InputError] = []

    def documents() -> Iterator[Document | InputError]:
        for item in iter_documents(inputs, IngestOptions(max_bytes=max_bytes)):
            if isinstance(item, Document):
                for line in warning_lines(item):
                    typer.echo(line, err=True)
                if published and not item.published:
                    item.published = published
            yield item

    def articles() -> Iterator[Article]:
        results = analyse_parallel(documents(), options, jobs)
        with _progress(len(inputs), quiet) as advance:
            for result in results:
                advance()
                if isinstance(result, SkippedInput):
                    typer.echo(f"saywho: skipped: {printable(str(result))}", err=True)  # not an article to analyse: no failure
                    continue
                if isinstance(result, InputError):
                    failures.append(result)
                    error_line(str(result))
                    continue
                yield result

    try:
        written = write_articles(articles(), chosen, output, parents=parents, raw_csv=raw_csv)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        error_line("interrupted; nothing was written" if output else "interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head): not an error of ours
        raise typer.Exit(0) from None
    except OSError as error:
        error_line(f"cannot write {output or 'stdout'}: {error.strerror or error}")
        raise typer.Exit(EXIT_OUTPUT_FAILED) from None
    except SaywhoError as error:
        error_line(str(error))
        raise typer.Exit(EXIT_INPUT_FAILED) from None
    report_written(f"{plural(written.count, 'article')}, {plural(written.attributions, 'attribution')}", output)
    if failures:
        raise typer.Exit(EXIT_INPUT_FAILED)


class _progress:
    """A progress bar on stderr when there are many inputs and stderr is a terminal."""

    def __init__(self, inputs: int, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty() and (inputs > PROGRESS_MIN_INPUTS or any_folder())
        self._progress = None

    def __enter__(self):
        if not self.enabled:
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("articles"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        task = self._progress.add_task("extract", total=None)
        return lambda: self._progress.advance(task)  # type: ignore[union-attr]

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


def any_folder() -> bool:
    return any(Path(a).is_dir() for a in sys.argv[2:] if not a.startswith("-"))


@app.command()
def schema(
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the schema here.")] = None,
    parents: ParentsOpt = False,
) -> None:
    """Print the JSON Schema of the output (one object per article)."""
    from saywho.schema import article_schema

    text = json.dumps(article_schema(), indent=2, ensure_ascii=False) + "\n"
    if output:
        from saywho.output import atomic_file

        check_output(output, parents)
        try:
            with atomic_file(output, parents=parents) as handle:
                handle.write(text)
        except OSError as error:
            error_line(f"cannot write {output}: {error.strerror or error}")
            raise typer.Exit(EXIT_OUTPUT_FAILED) from None
        report_written("the JSON Schema", output)
    else:
        typer.echo(text, nl=False)


def _register_command_groups() -> None:
    """Commands of the other stages live in their own modules."""
    from saywho.cli import eval, ingest, spark, store

    for module in (ingest, eval, store, spark):
        module.register(app)


_register_command_groups()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        error_line("interrupted")
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
