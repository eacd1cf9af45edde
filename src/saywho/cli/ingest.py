"""``saywho clean`` and ``saywho duplicates``: look at what ingest and cleaning make of
your files before extraction, and find the articles your corpus holds twice.

Registered on the main app by ``register(app)``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from saywho.cli._common import (
    EXIT_INPUT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    AllLanguagesOpt,
    InputsArg,
    JsonAliasOpt,
    KeepJunkOpt,
    LanguageOpt,
    MaxBytesOpt,
    Tally,
    fail,
    message_line,
    reading_options,
    warning_lines,
)
from saywho.errors import InputError
from saywho.ingest.options import DEFAULT_MAX_BYTES, DEFAULT_URL_TIMEOUT, DEFAULT_USER_AGENT, IngestOptions
from saywho.models import Document
from saywho.output import for_rich

if TYPE_CHECKING:
    from rich.console import Console

    from saywho.ingest.clean import Cleaned

#: Characters of a dropped line shown in the human-readable listing.
DROPPED_PREVIEW_CHARS = 100
#: What clean and duplicates write: a listing for people, or one JSON object per line.
LISTING_FORMATS = ("text", "jsonl")
#: ``duplicates --threshold``'s default, the detector's own; said here so that the command
#: line does not load the detector (numpy, datasketch) to show its help.
#: tests/cli/test_consistency.py checks that it is saywho.ingest.dedup.DEFAULT_THRESHOLD.
DUPLICATE_THRESHOLD = 0.8

TimeoutOpt = Annotated[float, typer.Option("--timeout", metavar="SECONDS", help="Seconds allowed for fetching one URL.")]
UserAgentOpt = Annotated[str, typer.Option("--user-agent", metavar="TEXT", help="User-Agent header sent with URL fetches.")]
ListingFormatOpt = Annotated[
    str,
    typer.Option("--format", "-f", metavar="FORMAT", help="text (for people) or jsonl (one JSON object per line)."),
]


def listing_format(fmt: str, as_json: bool) -> str:
    """``--format``, or jsonl for the deprecated ``--json`` (said once on stderr)."""
    if as_json:
        typer.echo(message_line("warning", "--json is deprecated: use --format jsonl"), err=True)
        return "jsonl"
    if fmt not in LISTING_FORMATS:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(LISTING_FORMATS)}", EXIT_USAGE)
    return fmt


def ingest_options(
    codes: list[str] | None, all_languages: bool, max_bytes: int, timeout: float, user_agent: str
) -> IngestOptions:
    if timeout <= 0:
        raise typer.BadParameter("--timeout must be positive")
    return reading_options(language=codes, all_languages=all_languages, max_bytes=max_bytes, url_timeout=timeout,
                           user_agent=user_agent)


class Inputs:
    """The documents of a clean or duplicates run; inputs skipped or failed are said and
    counted (:class:`~saywho.cli._common.Tally`) so the command can exit 1 on failures."""

    def __init__(self) -> None:
        self.documents = 0
        self.tally = Tally()

    def documents_from(self, inputs: list[str], options: IngestOptions) -> Iterator[Document]:
        """Documents only; errors and skips are reported on stderr, one line each, as they come."""
        from saywho.ingest import iter_documents

        for item in iter_documents(inputs, options):
            if isinstance(item, InputError):
                self.tally.record(item)
            else:
                for line in warning_lines(item):
                    typer.echo(line, err=True)
                self.documents += 1
                yield item

    def cleaned(self, documents: Iterator[Document], keep_junk: bool = False) -> Iterator[tuple[Document, Cleaned]]:
        """Each document with its cleaned text; one the cleaner rejects is reported as failed."""
        from saywho.ingest.clean import clean_document

        for document in documents:
            try:
                yield document, clean_document(document, keep_junk=keep_junk)
            except InputError as error:
                self.documents -= 1
                self.tally.record(error)

    def summary(self) -> str:
        return f"{self.documents} read, {self.tally.skipped} skipped, {self.tally.failed} failed"

    def finish(self) -> NoReturn:
        """The tally by reason and the summary line on stderr, and the exit: 1 when any input failed."""
        self.tally.report()
        typer.echo(self.summary(), err=True)
        raise typer.Exit(EXIT_INPUT_FAILED if self.tally.failed else EXIT_OK)


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _document_json(document: Document, cleaned: Cleaned) -> dict[str, Any]:
    return {
        "input": document.input,
        "origin": document.origin,
        "title": cleaned.title,
        "published": document.published,
        "url": document.url,
        "publisher": document.publisher,
        "authors": document.authors,
        "language": document.language,
        "text": cleaned.text,
        "dropped": [
            {"start": d.start, "end": d.end, "text": d.text, "reason": d.reason} for d in cleaned.dropped
        ],
    }


def _show_document(console: Console, document: Document, cleaned: Cleaned, show_text: bool) -> None:
    console.rule(f"[bold]{for_rich(document.input)}")
    fields = {
        "title": cleaned.title,
        "published": document.published,
        "url": document.url,
        "publisher": document.publisher,
        "authors": ", ".join(document.authors) or None,
        "language": document.language,
        "read as": document.origin,
    }
    for name, value in fields.items():
        if value:
            console.print(f"[dim]{name:>9}[/] {for_rich(str(value))}")
    if show_text:
        console.print()
        console.print(for_rich(cleaned.text), soft_wrap=True)
    if cleaned.dropped:
        console.print()
        console.print(f"[bold]dropped {len(cleaned.dropped)} block(s):[/]")
        for dropped in cleaned.dropped:
            preview = " ".join(dropped.text.split())
            if len(preview) > DROPPED_PREVIEW_CHARS:
                preview = preview[: DROPPED_PREVIEW_CHARS - 1] + "…"
            console.print(f"  [magenta]{for_rich(dropped.reason):<24}[/] [dim]{dropped.start}-{dropped.end}[/] {for_rich(preview)}")
    console.print()


def clean_command(
    inputs: InputsArg,
    keep_junk: KeepJunkOpt = False,
    dropped_only: Annotated[bool, typer.Option("--dropped-only", help="Show metadata and dropped lines, not the text.")] = False,
    fmt: ListingFormatOpt = "text",
    as_json: JsonAliasOpt = False,
    languages: LanguageOpt = None,
    all_languages: AllLanguagesOpt = False,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    timeout: TimeoutOpt = DEFAULT_URL_TIMEOUT,
    user_agent: UserAgentOpt = DEFAULT_USER_AGENT,
) -> None:
    """Show each input as the clean article analysis will read, and what was dropped and why."""
    chosen = listing_format(fmt, as_json)
    options = ingest_options(languages, all_languages, max_bytes, timeout, user_agent)
    console = _console()
    run = Inputs()
    for document, cleaned in run.cleaned(run.documents_from(inputs, options), keep_junk):
        if chosen == "jsonl":
            sys.stdout.write(json.dumps(_document_json(document, cleaned), ensure_ascii=False) + "\n")
        else:
            _show_document(console, document, cleaned, show_text=not dropped_only)
    run.finish()


def duplicates_command(
    inputs: InputsArg,
    threshold: Annotated[
        float,
        typer.Option("--threshold", min=0.01, max=1.0, metavar="SIMILARITY",
                     help="Near-duplicate similarity (estimated Jaccard of 5-word shingles)."),
    ] = DUPLICATE_THRESHOLD,
    exact_only: Annotated[bool, typer.Option("--exact-only", help="Skip the near-duplicate search.")] = False,
    fmt: ListingFormatOpt = "text",
    as_json: JsonAliasOpt = False,
    languages: LanguageOpt = None,
    all_languages: AllLanguagesOpt = False,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    timeout: TimeoutOpt = DEFAULT_URL_TIMEOUT,
    user_agent: UserAgentOpt = DEFAULT_USER_AGENT,
) -> None:
    """Find articles that appear twice: exactly (same normalised text) or nearly (MinHash LSH).

    Texts are compared after cleaning, so shared menus and footers do not make two pages
    alike. With --format jsonl, each group of copies is one line:
    {"kind": "exact" or "near", "members": the inputs, "similarity": estimated Jaccard}.
    """
    chosen = listing_format(fmt, as_json)
    from saywho.ingest.dedup import DuplicateFinder

    options = ingest_options(languages, all_languages, max_bytes, timeout, user_agent)
    run = Inputs()
    finder = DuplicateFinder(threshold=threshold, near=not exact_only)
    for document, cleaned in run.cleaned(run.documents_from(inputs, options)):
        finder.add(document.input, cleaned.text)
    report = finder.report()
    totals = (f"{report.documents} documents: {report.exact_duplicates} exact duplicates in {len(report.exact)} groups, "
              f"{report.near_duplicates} near duplicates in {len(report.near)} groups")
    if chosen == "jsonl":
        for group in report.exact + report.near:
            sys.stdout.write(json.dumps(group.to_dict(), ensure_ascii=False) + "\n")
        typer.echo(totals, err=True)
    else:
        console = _console()
        for group in report.exact + report.near:
            label = "exact" if group.kind == "exact" else f"near {group.similarity:.2f}"
            console.print(f"[bold]{label}[/] ({len(group.members)})")
            for member in group.members:
                console.print(f"  {for_rich(member)}")
        console.print(totals)
    run.finish()


def register(app: typer.Typer) -> None:
    """Add ``clean`` and ``duplicates`` to the saywho command line."""
    app.command("clean")(clean_command)
    app.command("duplicates")(duplicates_command)
