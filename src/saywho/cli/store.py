"""``saywho ingest / search / export / import``: the corpus commands (a thin layer over saywho.store).

Every command takes ``--db``: an SQLite file (default ``saywho.db``, or ``$SAYWHO_DB``)
or a ``postgresql://`` DSN. Exit codes as in :mod:`saywho.cli`: 1 some input failed,
2 bad usage or store error, 3 output not written, 130 interrupted.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Annotated, Any

import typer

from saywho.cli._common import ANALYSIS_OPTIONS as A
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
from saywho.output import printable, spreadsheet_safe

RESULT_FORMATS = ("table", "jsonl", "csv")
#: The format each -o extension stands for in search and speakers.
RESULT_EXTENSIONS = {"jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv", "txt": "table"}

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="SAYWHO_DB", metavar="DB", help="SQLite file or postgresql:// DSN. [default: saywho.db]", show_default=False),
]
ResultFormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", metavar="FORMAT", help="table, jsonl or csv. Default: from -o's extension, else table on a terminal and jsonl when piped."),
]


@contextmanager
def opened(db: str | None, *, create: bool = False):
    from saywho.store import Store

    try:
        store = Store.open(db, create=create)
    except SaywhoError as error:
        fail(str(error), EXIT_USAGE)
    try:
        yield store
    except SaywhoError as error:
        fail(str(error), EXIT_USAGE)
    finally:
        store.close()


def check_format(fmt: str | None, output: str | None) -> str:
    chosen = fmt or format_from_extension(output, RESULT_EXTENSIONS, RESULT_FORMATS)
    chosen = chosen or ("table" if sys.stdout.isatty() else "jsonl")
    if chosen not in RESULT_FORMATS:
        fail(f"unknown format {chosen!r}; choose one of {', '.join(RESULT_FORMATS)}", EXIT_USAGE)
    return chosen


def write_rows(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], fmt: str, handle: IO[str], title: str = "",
               *, raw_csv: bool = False) -> int:
    """Rows as JSONL, CSV or a table for people; returns how many were written.

    CSV cells that would run as spreadsheet formulas get a leading quote unless ``raw_csv``;
    table cells are untrusted text, escaped for rich and stripped of control characters."""
    count = 0
    if fmt == "jsonl":
        for row in rows:
            handle.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            cells = ["|".join(v) if isinstance(v := row.get(c), list) else ("" if v is None else v) for c in columns]
            writer.writerow(cells if raw_csv else [spreadsheet_safe(cell) for cell in cells])
            count += 1
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=_cell(title) if title else None, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(c)) for c in columns))
            count += 1
        Console(file=handle, soft_wrap=False, emoji=False, highlight=False).print(table)
    return count


def _cell(value: Any):
    """A table cell as rich ``Text``: never read as markup, no control characters."""
    from rich.text import Text

    if value is None:
        return Text("")
    if isinstance(value, list):
        return Text(printable(", ".join(map(str, value))))
    return Text(printable(str(value)))


def emit(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], fmt: str, output: str | None, title: str = "",
          *, noun: str = "row", parents: bool = False, raw_csv: bool = False) -> int:
    from saywho.output import atomic_file

    with writing(output):
        if output is None:
            return write_rows(rows, columns, fmt, sys.stdout, title, raw_csv=raw_csv)
        with atomic_file(output, parents=parents) as handle:
            count = write_rows(rows, columns, fmt, handle, title, raw_csv=raw_csv)
    report_written(plural(count, noun), output)
    return count


# --- ingest -----------------------------------------------------------------------


def ingest_command(
    inputs: InputsArg,
    db: DbOption = None,
    jobs: JobsOpt = 1,
    metadata: Annotated[
        str | None,
        typer.Option(metavar="FILE", help="CSV/TSV with a filename column and publisher/date/title columns, joined on file name (e.g. PolNeAR's metadata.tsv)."),
    ] = None,
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
    quiet: QuietOpt = False,
) -> None:
    """Analyse articles and add them to the corpus store (idempotent, incremental, safe to interrupt).

    Articles already stored (same text) are not analysed again, so a rerun after an
    interruption or with new files only analyses what is new.

    Examples:

        saywho ingest news/ --db corpus.db
        saywho ingest more-news/ --db postgresql://user:pass@localhost/saywho --jobs 2
        saywho ingest polnear/train/text --metadata polnear/metadata.tsv
    """
    from saywho.store.ingest import IngestReport
    from saywho.store.metadata import Metadata

    published = published_date(published)
    options = analysis_options(raw=raw, keep_junk=keep_junk, min_confidence=min_confidence, speech_only=speech_only,
                               model=model, engine=engine, mode=mode, max_chars=max_chars, time_limit=time_limit)
    reading = reading_options(language=language, all_languages=all_languages, max_bytes=max_bytes)
    try:
        table = Metadata.load(metadata) if metadata else None
    except InputError as error:
        fail(str(error), EXIT_USAGE)
    with opened(db, create=True) as store, Progress(not quiet) as progress:
        tally = Tally(progress.log)
        try:
            report = _ingest(store, inputs, reading, options, jobs, table, progress, tally, published)
        except KeyboardInterrupt as interrupt:
            report = getattr(interrupt, "report", IngestReport())
            progress.stop()
            fail(f"interrupted: {report.summary()}; run the same command again to continue", EXIT_INTERRUPTED)
        progress.stop()
        _report_stored(report, store, tally)


def _ingest(store, inputs: list[str], reading, options, jobs: int, metadata, progress: Progress, tally: Tally,
            published: str | None = None):
    """Store what ``inputs`` hold: the Parquet tables of ``saywho spark run`` as they are
    (already analysed), anything else read, analysed and added by saywho.store.ingest."""
    from saywho.ingest import iter_documents
    from saywho.spark.tables import is_table_output, load_tables  # pyarrow only, no Spark
    from saywho.store.ingest import ingest

    def on_progress(report) -> None:
        progress.show(_progress_line(report))

    if len(inputs) == 1 and is_table_output(inputs[0]):
        # A CC-NEWS run rejects millions of records, each in the rejects table already:
        # they are tallied by reason, not said one by one.
        return load_tables(store, inputs[0], on_progress=on_progress,
                           on_error=lambda error: tally.record(error, quiet=True))
    return ingest(store, _warned(iter_documents(inputs, reading), progress.log, published), options=options, jobs=jobs,
                  on_error=tally.record, on_progress=on_progress, metadata=metadata)


def _progress_line(report) -> str:
    return (f"{report.processed} inputs: {report.stored} stored, {report.skipped} already stored, "
            f"{report.ignored} skipped, {report.failed} failed ({report.rate:.1f}/s)")


def _report_stored(report, store, tally: Tally) -> None:
    """What this run did and what the store now holds, on stderr; exit 1 when an input failed."""
    counts = store.counts()
    tally.report()
    typer.echo(report.summary(), err=True)
    typer.echo(
        f"store now holds {counts['articles']} articles, {counts['attributions']} attributions, "
        f"{counts['speakers']} speakers",
        err=True,
    )
    if report.failed:
        raise typer.Exit(EXIT_INPUT_FAILED)


def _warned(items: Iterable[Any], say, published: str | None = None) -> Iterator[Any]:
    """The items, each Document's warnings said on the way and ``--published`` filled in
    where it carries no date."""
    from saywho.models import Document

    for item in items:
        if isinstance(item, Document):
            for line in warning_lines(item):
                say(line)
            if published and not item.published:
                item.published = published
        yield item


# --- search -----------------------------------------------------------------------

SEARCH_TABLE_COLUMNS = ("id", "published_date", "speaker", "type", "content", "publisher", "copies")


def search_command(
    text: Annotated[str | None, typer.Argument(metavar="TEXT", help='Words that must all occur; "quote" a phrase.', show_default=False)] = None,
    db: DbOption = None,
    speaker: Annotated[str | None, typer.Option(metavar="WHO", help="Speaker id, or part of a speaker's name or alias.")] = None,
    publisher: Annotated[str | None, typer.Option(metavar="NAME", help="Exact publisher (case-insensitive).")] = None,
    since: Annotated[str | None, typer.Option(metavar="DATE", help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(metavar="DATE", help="Published on or before (YYYY-MM-DD).")] = None,
    type: Annotated[str | None, typer.Option("--type", metavar="TYPE", help="direct, indirect or mixed.")] = None,
    kind: Annotated[str | None, typer.Option(metavar="KIND", help="Speaker kind: person, organization, group, unnamed.")] = None,
    tag: Annotated[str | None, typer.Option(metavar="TAG", help="Only statements with this tag.")] = None,
    bookmarked: Annotated[bool, typer.Option(help="Only bookmarked statements.")] = False,
    all_copies: Annotated[bool, typer.Option(
        "--all-copies", help="Every copy of a statement. By default the copies of one statement in the wire copies of "
        "one story are one row, with copies = how many articles carry it.")] = False,
    limit: Annotated[int, typer.Option(min=1, metavar="N", help="Rows per page (ignored with --all).")] = 20,
    offset: Annotated[int, typer.Option(min=0, metavar="N", help="Rows to skip (the next page: --offset LIMIT).")] = 0,
    after: Annotated[str | None, typer.Option(metavar="CURSOR", help="The page after this cursor (printed under each "
                                              "page): as fast deep into the results as on the first page.")] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="Every result, not one page (for export).")] = False,
    fmt: ResultFormatOpt = None,
    output: OutputOpt = None,
    parents: ParentsOpt = False,
    raw_csv: RawCsvOpt = False,
) -> None:
    """Search what was said: full text over statements, filtered by speaker, publisher, date and type.

    Every word given must occur; put a phrase in quotes to find it as a phrase.

    Examples:

        saywho search troops --speaker Townsend
        saywho search --speaker Clinton --since 2016-06-01 --all -o clinton.csv
    """
    from saywho.store import RESULT_COLUMNS, SearchQuery
    from saywho.store.store import MAX_PAGE_SIZE

    chosen = check_format(fmt, output)
    check_output(output, parents)
    query = SearchQuery(text=text, speaker=speaker, publisher=publisher, since=since, until=until, type=type, kind=kind,
                        tag=tag, bookmarked=bookmarked, all_copies=all_copies, limit=min(limit, MAX_PAGE_SIZE), offset=offset,
                        after=after)
    columns = SEARCH_TABLE_COLUMNS if chosen == "table" else RESULT_COLUMNS
    with opened(db) as store:
        written: dict[str, Any] = {"noun": "statement", "parents": parents, "raw_csv": raw_csv}
        if all_rows:
            emit(store.iter_search(query), columns, chosen, output, **written)
            return
        page = store.search(query)
        shown = emit(page.rows, columns, chosen, output, title=f"{page.total} statements", **written)
        if chosen == "table" and after is None:
            next_page_hint(offset, shown, page.total, page.next_after)
        elif chosen == "table" and page.next_after:
            typer.echo(f"{shown} of {page.total}; next page: --after {page.next_after}", err=True)


def next_page_hint(offset: int, shown: int, total: int, cursor: str | None = None) -> None:
    """Under a page of a table, on stderr: where it is and how to get the next page (by
    cursor too where there is one: deep pages of a large corpus come faster that way)."""
    if total > offset + shown:
        by_cursor = f" (or --after {cursor})" if cursor else ""
        typer.echo(f"{offset + 1}-{offset + shown} of {total}; next page: --offset {offset + shown}{by_cursor}", err=True)


# --- export and import ------------------------------------------------------------


def export_command(
    db: DbOption = None,
    output: OutputOpt = None,
    parents: ParentsOpt = False,
) -> None:
    """Every stored article as JSONL (the extract output, plus store_id and corpus_speakers),
    then the curation log: one {"curation": {...}} line per merge, split or reassignment.

    \b
    saywho import reads both back; saywho curation export writes the curation alone.
    """
    written = 0

    def lines(store) -> Iterator[str]:
        nonlocal written
        for record in store.iter_articles():
            yield json.dumps(record, ensure_ascii=False) + "\n"
            written += 1
        for entry in store.curation_log():
            yield json.dumps({"curation": entry}, ensure_ascii=False) + "\n"

    format_from_extension(output, {"jsonl": "jsonl", "ndjson": "jsonl"}, ())  # export writes JSONL only
    check_output(output, parents)
    from saywho.output import atomic_file

    with opened(db) as store, writing(output):
        if output is None:
            sys.stdout.writelines(lines(store))
            return
        with atomic_file(output, parents=parents) as handle:
            handle.writelines(lines(store))
    report_written(plural(written, "article"), output)


def import_command(
    inputs: Annotated[list[str], typer.Argument(metavar="FILE", help="JSONL files written by saywho export (or extract -f jsonl).", show_default=False)],
    db: DbOption = None,
    bulk: Annotated[bool, typer.Option(
        "--bulk", help="Store thousands of articles per transaction (COPY on PostgreSQL), for corpora of millions; "
        "also reads the Parquet tables of saywho spark run. Bare surnames are decided once, at the end.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="N",
                                      help="With --bulk: processes reading and preparing articles.")] = 1,
    quiet: QuietOpt = False,
) -> None:
    """Store already-analysed articles (JSONL from export or extract) without analysing again.

    Moves a corpus between backends; speakers are resolved as on ingest, then the
    curation lines of the export (merges, splits, reassignments) are applied again.
    With --bulk, a Spark output folder is read too; a rerun after an interruption
    continues where it stopped.

    Examples:

        saywho export --db corpus.db -o corpus.jsonl
        saywho import corpus.jsonl --db postgresql://saywho@localhost/saywho
        saywho import spark-out/ --bulk --db postgresql://saywho@localhost/saywho
    """
    from saywho.store.ingest import IngestReport

    if bulk:
        _bulk_import(inputs, db, jobs, quiet)
        return
    report = IngestReport()
    curation: list[dict[str, Any]] = []
    with opened(db, create=True) as store, Progress(not quiet) as progress:
        tally = Tally(progress.log)
        started = time.perf_counter()
        store.group_pending()  # a corpus stored before stories existed (see docs/corpus.md)
        for path in inputs:
            _import_file(store, path, report, progress, tally, started, curation)
        progress.stop()
        if curation:
            typer.echo(store.import_curation(curation).summary(), err=True)
        _report_stored(report, store, tally)


def _bulk_import(inputs: list[str], db: str | None, jobs: int, quiet: bool) -> None:
    """``import --bulk``: every input (export JSONL, or a Spark output folder) through
    saywho.store.bulk, then the export's curation lines."""
    from saywho.spark.tables import is_table_output, read_rejects
    from saywho.store.bulk import BulkLoader, spark_items
    from saywho.store.ingest import IngestReport

    report = IngestReport()
    curation: list[dict[str, Any]] = []
    with opened(db, create=True) as store, Progress(not quiet) as progress:
        tally = Tally(progress.log)
        started = time.perf_counter()

        def sources() -> Iterator[tuple[Any, ...]]:
            for path in inputs:
                if is_table_output(path):
                    yield from spark_items(path)
                    for error in read_rejects(path):
                        report.failed += 1
                        tally.record(error, quiet=True)
                else:
                    yield from _exported_sources(path, report, tally, curation)

        def on_error(error: InputError) -> None:
            tally.record(error)
            report.failed += 1

        def on_batch(result) -> None:
            report.stored += len(result.stored)
            report.attributions += sum(p.statements for p in result.stored)
            report.skipped += result.skipped
            report.seconds = time.perf_counter() - started
            progress.show(_progress_line(report))

        try:
            BulkLoader(store).load(sources(), on_batch, on_error, jobs=jobs)
            report.seconds = time.perf_counter() - started  # the rate counts the indexes and surnames too
        except KeyboardInterrupt:
            progress.stop()
            fail(f"interrupted: {report.summary()}; run the same command again to continue", EXIT_INTERRUPTED)
        progress.stop()
        if curation:
            typer.echo(store.import_curation(curation).summary(), err=True)
        _report_stored(report, store, tally)


def _exported_sources(path: str, report, tally: Tally, curation: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """The article lines of one exported JSONL file, its curation lines kept aside; a file
    or curation line that cannot be read is one failure (article lines are read by the loader)."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115  (opened apart from the `with` so only opening failures land here)
    except OSError as error:
        tally.record(InputError(path, error.strerror or str(error)))
        report.failed += 1
        return
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            if line.startswith('{"curation":'):
                try:
                    curation.append(read_curation_line(line))
                except ValueError as error:
                    tally.record(InputError(f"{path}:{number}", f"not a curation entry ({error})"))
                    report.failed += 1
                continue
            yield ("jsonl", f"{path}:{number}", line)


def _import_file(store, path: str, report, progress: Progress, tally: Tally, started: float,
                 curation: list[dict[str, Any]]) -> None:
    """Add one exported JSONL file's articles; a file or line that cannot be read is one failure."""
    for _, where, line in _exported_sources(path, report, tally, curation):
        try:
            article, key = read_exported_record(line)
        except ValueError as error:
            tally.record(InputError(where, f"not an article record ({error})"))
            report.failed += 1
            continue
        report.added(article, store.add_article(article, key) is not None)
        report.seconds = time.perf_counter() - started
        progress.show(_progress_line(report))


def read_curation_line(line: str) -> dict[str, Any]:
    """The entry of one ``{"curation": {...}}`` line of ``export``; ``ValueError`` saying why not."""
    from saywho.store.curation import parse_entry

    try:
        record = json.loads(line)
    except ValueError as error:
        raise ValueError(str(error)) from None
    entry = record.get("curation") if isinstance(record, dict) else None
    parse_entry(entry)
    assert isinstance(entry, dict)
    return entry


def read_exported_record(line: str) -> tuple[Any, str]:
    """One JSONL line of ``export`` (or ``extract -f jsonl``) as ``(Article, content hash)``;
    ``ValueError`` saying why for anything else (not JSON, not an object, fields of the
    wrong shape), so that one bad line is one bad record."""
    from saywho.models import Article
    from saywho.store import content_hash

    try:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise TypeError(f"a record must be a JSON object, not {type(record).__name__}")
        article = Article.from_dict(record)
        if not isinstance(article.input, str) or not isinstance(article.text, str):
            raise TypeError("'input' and 'text' must be strings")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # AttributeError and TypeError: a nested field of the wrong shape ("speakers": [1]).
        raise ValueError(str(error) if not isinstance(error, KeyError) else f"missing field {error}") from None
    key = record.get("content_hash")
    return article, key if isinstance(key, str) and key else content_hash(article.text)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("search")(search_command)
    app.command("export")(export_command)
    app.command("import")(import_command)
