"""``saywho extract`` and ``saywho schema``: attributions of each article, and the JSON
Schema of what extract writes (a thin layer over saywho.pipeline and saywho.output)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from saywho.cli._common import (
    EXIT_INPUT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    InputsArg,
    JobsOpt,
    KeepJunkOpt,
    MaxBytesOpt,
    MaxCharsOpt,
    MinConfidenceOpt,
    ModelOpt,
    ModeOpt,
    OutputOpt,
    ParentsOpt,
    Progress,
    PublishedOpt,
    QuietOpt,
    RawCsvOpt,
    RawOpt,
    SpeechOnlyOpt,
    TimeLimitOpt,
    check_mode,
    check_output,
    fail,
    format_from_extension,
    message_line,
    plural,
    published_date,
    report_written,
    warning_lines,
    writing,
)
from saywho.errors import InputError, SaywhoError
from saywho.ingest.options import DEFAULT_MAX_BYTES
from saywho.models import Article, Document
from saywho.output import EXTENSIONS, FORMATS, write_articles
from saywho.pipeline import DEFAULT_MAX_CHARS, DEFAULT_TIME_LIMIT, Options, analyse_parallel

#: More inputs than this (or any folder) get a progress bar on stderr.
PROGRESS_MIN_INPUTS = 5

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help=f"One of {', '.join(FORMATS)}. Default: from -o's extension, else table on a terminal and jsonl when piped.",
    ),
]


def extract(
    inputs: InputsArg = None,  # type: ignore[assignment]
    output: OutputOpt = None,
    parents: ParentsOpt = False,
    fmt: FormatOpt = None,
    jobs: JobsOpt = 1,
    raw: RawOpt = False,
    keep_junk: KeepJunkOpt = False,
    published: PublishedOpt = None,
    min_confidence: MinConfidenceOpt = 0.0,
    speech_only: SpeechOnlyOpt = False,
    model: ModelOpt = None,
    mode: ModeOpt = "rules",
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    max_chars: MaxCharsOpt = DEFAULT_MAX_CHARS,
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    raw_csv: RawCsvOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Find every attribution in each article: who said what, how, and when.

    \b
    Examples:
      saywho extract article.txt
      saywho extract news/ -o quotes.csv --jobs 2
      cat page.html | saywho extract - --format jsonl
    """
    inputs = _inputs_or_stdin(inputs)
    chosen = _output_format(fmt, output)
    published = published_date(published)
    check_mode(mode)
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
    progress = Progress(not quiet and (len(inputs) > PROGRESS_MIN_INPUTS or any(Path(i).is_dir() for i in inputs)))
    failures: list[InputError] = []
    articles = _articles(_documents(inputs, max_bytes, published, progress), options, jobs, progress, failures)
    try:
        with writing(output), progress:
            written = write_articles(articles, chosen, output, parents=parents, raw_csv=raw_csv)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        fail("interrupted; nothing was written" if output else "interrupted", EXIT_INTERRUPTED)
    except SaywhoError as error:
        fail(str(error), EXIT_INPUT_FAILED)
    report_written(f"{plural(written.count, 'article')}, {plural(written.attributions, 'attribution')}", output)
    if failures:
        raise typer.Exit(EXIT_INPUT_FAILED)


def _inputs_or_stdin(inputs: list[str] | None) -> list[str]:
    """No inputs: stdin when it is piped, else a usage error rather than waiting on a terminal."""
    if inputs:
        return inputs
    if sys.stdin.isatty():
        fail("no input given (files, folders, URLs, or - for stdin)", EXIT_USAGE)
    return ["-"]


def _output_format(fmt: str | None, output: str | None) -> str:
    chosen = fmt or format_from_extension(output, EXTENSIONS, FORMATS) or ("table" if output is None and sys.stdout.isatty() else "jsonl")
    if chosen not in FORMATS:
        fail(f"unknown format {chosen!r}; choose one of {', '.join(FORMATS)}", EXIT_USAGE)
    if chosen == "parquet" and output is None:
        fail("parquet output needs -o FILE", EXIT_USAGE)
    return chosen


def _documents(inputs: list[str], max_bytes: int, published: str | None, progress: Progress) -> Iterator[Document | InputError]:
    """What ingest reads, each document's warnings said on the way, ``--published`` filled in."""
    from saywho.ingest import IngestOptions, iter_documents

    for item in iter_documents(inputs, IngestOptions(max_bytes=max_bytes)):
        if isinstance(item, Document):
            for line in warning_lines(item):
                progress.log(line)
            if published and not item.published:
                item.published = published
        yield item


def _articles(
    documents: Iterator[Document | InputError], options: Options, jobs: int, progress: Progress, failures: list[InputError]
) -> Iterator[Article]:
    """The analysed articles; failed inputs are said and kept in ``failures``, skipped ones only said."""
    from saywho.ingest import SkippedInput

    for done, result in enumerate(analyse_parallel(documents, options, jobs), 1):
        progress.show(f"{plural(done, 'article')}")
        if isinstance(result, SkippedInput):
            progress.log(message_line("skipped", str(result)))  # not an article to analyse: no failure
        elif isinstance(result, InputError):
            failures.append(result)
            progress.log(message_line("error", str(result)))
        else:
            yield result


def schema(output: OutputOpt = None, parents: ParentsOpt = False) -> None:
    """Print the JSON Schema of the output (one object per article)."""
    from saywho.output import atomic_file
    from saywho.schema import article_schema

    text = json.dumps(article_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    check_output(output, parents)
    with writing(output), atomic_file(output, parents=parents) as handle:
        handle.write(text)
    report_written("the JSON Schema", output)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
    app.command("schema")(schema)

