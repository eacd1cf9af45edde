"""``saywho clean`` and ``saywho duplicates``: look at what ingest and cleaning make of
your files before extraction, and find the articles your corpus holds twice.

Registered on the main app by ``register(app)``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from saywho.cli._common import (
    EXIT_INPUT_FAILED,
    EXIT_OK,
    AllLanguagesOpt,
    InputsArg,
    KeepJunkOpt,
    LanguageOpt,
    MaxBytesOpt,
    error_line,
    languages,
    message_line,
    warning_lines,
)
from saywho.errors import InputError
from saywho.ingest import IngestOptions, SkippedInput, iter_documents
from saywho.ingest.clean import Cleaned, clean_document
from saywho.ingest.dedup import DEFAULT_THRESHOLD, DuplicateFinder
from saywho.ingest.options import DEFAULT_MAX_BYTES, DEFAULT_URL_TIMEOUT, DEFAULT_USER_AGENT
from saywho.models import Document
from saywho.output import for_rich

#: Characters of a dropped line shown in the human-readable listing.
DROPPED_PREVIEW_CHARS = 100

TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds allowed for fetching one URL.")]
UserAgentOpt = Annotated[str, typer.Option("--user-agent", help="User-Agent header sent with URL fetches.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line on stdout.")]


def ingest_options(
    codes: list[str] | None, all_languages: bool, max_bytes: int, timeout: float, user_agent: str
) -> IngestOptions:
    if max_bytes <= 0:
        raise typer.BadParameter("--max-bytes must be positive")
    if timeout <= 0:
        raise typer.BadParameter("--timeout must be positive")
    return IngestOptions(max_bytes=max_bytes, url_timeout=timeout, user_agent=user_agent, languages=languages(codes, all_languages))


class Tally:
    """Counts what happened to the inputs so the command can exit non-zero on failures."""

    def __init__(self) -> None:
        self.documents = 0
        self.failed = 0
        self.skipped = 0

    def documents_from(self, inputs: list[str], options: IngestOptions) -> Iterator[Document]:
        """Documents only; errors and skips are reported on stderr, one line each, as they come."""
        for item in iter_documents(inputs, options):
            if isinstance(item, SkippedInput):
                self.skipped += 1
                typer.echo(message_line("skipped", str(item)), err=True)
            elif isinstance(item, InputError):
                self.failed += 1
                error_line(str(item))
            else:
                for line in warning_lines(item):
                    typer.echo(line, err=True)
                self.documents += 1
                yield item

    def fail(self, error: InputError) -> None:
        self.failed += 1
        self.documents -= 1
        error_line(str(error))

    def cleaned(self, documents: Iterator[Document], keep_junk: bool = False) -> Iterator[tuple[Document, Cleaned]]:
        """Each document with its cleaned text; one the cleaner rejects is reported as failed."""
        for document in documents:
            try:
                yield document, clean_document(document, keep_junk=keep_junk)
            except InputError as error:
                self.fail(error)

    def summary(self) -> str:
        return f"{self.documents} read, {self.skipped} skipped, {self.failed} failed"

    def finish(self) -> NoReturn:
        """The summary line on stderr, and the exit: 1 when any input failed."""
        typer.echo(self.summary(), err=True)
        raise typer.Exit(EXIT_INPUT_FAILED if self.failed else EXIT_OK)


def _document_json(document: Document, cleaned: Cleaned) -> dict[str, object]:
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
    as_json: JsonOpt = False,
    languages: LanguageOpt = None,
    all_languages: AllLanguagesOpt = False,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    timeout: TimeoutOpt = DEFAULT_URL_TIMEOUT,
    user_agent: UserAgentOpt = DEFAULT_USER_AGENT,
) -> None:
    """Show each input as the clean article analysis will read, and what was dropped and why."""
    options = ingest_options(languages, all_languages, max_bytes, timeout, user_agent)
    console = Console(highlight=False)
    tally = Tally()
    for document, cleaned in tally.cleaned(tally.documents_from(inputs, options), keep_junk):
        if as_json:
            sys.stdout.write(json.dumps(_document_json(document, cleaned), ensure_ascii=False) + "\n")
        else:
            _show_document(console, document, cleaned, show_text=not dropped_only)
    tally.finish()


def duplicates_command(
    inputs: InputsArg,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.01, max=1.0, help="Near-duplicate similarity (estimated Jaccard of 5-word shingles).")
    ] = DEFAULT_THRESHOLD,
    exact_only: Annotated[bool, typer.Option("--exact-only", help="Skip the near-duplicate search.")] = False,
    as_json: JsonOpt = False,
    languages: LanguageOpt = None,
    all_languages: AllLanguagesOpt = False,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    timeout: TimeoutOpt = DEFAULT_URL_TIMEOUT,
    user_agent: UserAgentOpt = DEFAULT_USER_AGENT,
) -> None:
    """Find articles that appear twice: exactly (same normalised text) or nearly (MinHash LSH).

    Texts are compared after cleaning, so shared menus and footers do not make two pages alike.
    """
    options = ingest_options(languages, all_languages, max_bytes, timeout, user_agent)
    console = Console(highlight=False)
    tally = Tally()
    finder = DuplicateFinder(threshold=threshold, near=not exact_only)
    for document, cleaned in tally.cleaned(tally.documents_from(inputs, options)):
        finder.add(document.input, cleaned.text)
    report = finder.report()
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        for group in report.exact + report.near:
            label = "exact" if group.kind == "exact" else f"near {group.similarity:.2f}"
            console.print(f"[bold]{label}[/] ({len(group.members)})")
            for member in group.members:
                console.print(f"  {for_rich(member)}")
        console.print(
            f"{report.documents} documents: {report.exact_duplicates} exact duplicates in {len(report.exact)} groups, "
            f"{report.near_duplicates} near duplicates in {len(report.near)} groups"
        )
    tally.finish()


def register(app: typer.Typer) -> None:
    """Add ``clean`` and ``duplicates`` to the saywho command line."""
    app.command("clean")(clean_command)
    app.command("duplicates")(duplicates_command)
