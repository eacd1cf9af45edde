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
    ANALYSIS_OPTIONS as A,
)
from saywho.cli._common import (
    EXIT_INPUT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    AllLanguagesOpt,
    EngineOpt,
    InputsArg,
    JobsOpt,
    KeepJunkOpt,
    LanguageOpt,
    MaxBytesOpt,
    MaxCharsOpt,
    MinConfidenceOpt,
    ModeAliasOpt,
    ModelOpt,
    OutputOpt,
    ParentsOpt,
    Progress,
    PublishedOpt,
    QuietOpt,
    RawCsvOpt,
    RawOpt,
    SpeechOnlyOpt,
    Tally,
    TimeLimitOpt,
    analysis_options,
    check_output,
    fail,
    format_from_extension,
    plural,
    published_date,
    reading_options,
    report_written,
    warning_lines,
    writing,
)
from saywho.errors import InputError, SaywhoError
from saywho.ingest.options import IngestOptions
from saywho.models import Article, Document
from saywho.options import Options
from saywho.output import EXTENSIONS, FORMATS, write_articles

#: More inputs than this (or any folder) get a progress bar on stderr.
PROGRESS_MIN_INPUTS = 5

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=f"One of {', '.join(FORMATS)}. Default: from -o's extension, else table on a terminal and jsonl when piped.",
    ),
]


def extract(
    inputs: InputsArg = None,  # type: ignore[assignment]
    output: OutputOpt = None,
    parents: ParentsOpt = False,
    fmt: FormatOpt = None,
    jobs: JobsOpt = 1,
    raw: RawOpt = A["raw"],
    keep_junk: KeepJunkOpt = A["keep_junk"],
    published: PublishedOpt = A["published"],
    min_confidence: MinConfidenceOpt = A["min_confidence"],
    speech_only: SpeechOnlyOpt = A["speech_only"],
    model: ModelOpt = A["model"],
    engine: EngineOpt = A["engine"],
    mode: ModeAliasOpt = A["mode"],
    language: LanguageOpt = A["language"],
    all_languages: AllLanguagesOpt = A["all_languages"],
    max_bytes: MaxBytesOpt = A["max_bytes"],
    max_chars: MaxCharsOpt = A["max_chars"],
    time_limit: TimeLimitOpt = A["time_limit"],
    raw_csv: RawCsvOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Find every attribution in each article: who said what, how, and when.

    Examples:

        saywho extract article.txt
        saywho extract news/ -o quotes.csv --jobs 2
        cat page.html | saywho extract - --format jsonl
    """
    inputs = _inputs_or_stdin(inputs)
    chosen = _output_format(fmt, output)
    published = published_date(published)
    options = analysis_options(raw=raw, keep_junk=keep_junk, min_confidence=min_confidence, speech_only=speech_only,
                               model=model, engine=engine, mode=mode, max_chars=max_chars, time_limit=time_limit)
    reading = reading_options(language=language, all_languages=all_languages, max_bytes=max_bytes)
    check_output(output, parents)
    progress = Progress(not quiet and (len(inputs) > PROGRESS_MIN_INPUTS or any(Path(i).is_dir() for i in inputs)))
    tally = Tally(progress.log)
    articles = _articles(_documents(inputs, reading, published, progress), options, jobs, progress, tally)
    try:
        with writing(output), progress:
            written = write_articles(articles, chosen, output, parents=parents, raw_csv=raw_csv)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        fail("interrupted; nothing was written" if output else "interrupted", EXIT_INTERRUPTED)
    except SaywhoError as error:
        fail(str(error), EXIT_INPUT_FAILED)
    report_written(f"{plural(written.count, 'article')}, {plural(written.attributions, 'attribution')}", output)
    tally.report()
    if tally.failed:
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


def _documents(inputs: list[str], reading: IngestOptions, published: str | None, progress: Progress) -> Iterator[Document | InputError]:
    """What ingest reads, each document's warnings said on the way, ``--published`` filled in."""
    from saywho.ingest import iter_documents

    for item in iter_documents(inputs, reading):
        if isinstance(item, Document):
            for line in warning_lines(item):
                progress.log(line)
            if published and not item.published:
                item.published = published
        yield item


def _articles(
    documents: Iterator[Document | InputError], options: Options, jobs: int, progress: Progress, tally: Tally
) -> Iterator[Article]:
    """The analysed articles; inputs skipped or failed are said and counted in ``tally``."""
    from saywho.pipeline import analyse_parallel

    for done, result in enumerate(analyse_parallel(documents, options, jobs), 1):
        progress.show(f"{plural(done, 'article')}")
        if isinstance(result, InputError):
            tally.record(result)
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

