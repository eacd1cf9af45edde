"""``saywho ingest / search / speakers / export / serve``: the corpus commands (a thin layer over saywho.store).

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
from typing import IO, Annotated, Any, Optional

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
    ModelOpt,
    OutputOpt,
    ParentsOpt,
    Progress,
    QuietOpt,
    RawCsvOpt,
    SpeechOnlyOpt,
    TimeLimitOpt,
    check_output,
    fail,
    format_from_extension,
    message_line,
    plural,
    report_written,
    warning_lines,
    writing,
)
from saywho.errors import InputError, SaywhoError
from saywho.ingest.options import DEFAULT_MAX_BYTES
from saywho.output import printable, spreadsheet_safe
from saywho.pipeline import DEFAULT_MAX_CHARS, DEFAULT_TIME_LIMIT

RESULT_FORMATS = ("table", "jsonl", "csv")
#: The format each -o extension stands for in search and speakers.
RESULT_EXTENSIONS = {"jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv", "txt": "table"}

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", envvar="SAYWHO_DB", help="SQLite file or postgresql:// DSN. [default: saywho.db]", show_default=False),
]
ResultFormatOpt = Annotated[
    Optional[str], typer.Option("--format", "-f", help="table, jsonl or csv. Default: from -o, else table on a terminal.")
]


@contextmanager
def _opened(db: str | None, *, create: bool = False):
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


def _check_format(fmt: str | None, output: str | None) -> str:
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


def _emit(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], fmt: str, output: str | None, title: str = "",
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
    keep_junk: KeepJunkOpt = False,
    speech_only: SpeechOnlyOpt = False,
    model: ModelOpt = None,
    metadata: Annotated[
        Optional[str],
        typer.Option(help="CSV/TSV with a filename column and publisher/date/title columns, joined on file name (e.g. PolNeAR's metadata.tsv)."),
    ] = None,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    max_chars: MaxCharsOpt = DEFAULT_MAX_CHARS,
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    quiet: QuietOpt = False,
) -> None:
    """Analyse articles and add them to the corpus store (idempotent, incremental, safe to interrupt).

    \b
    Articles already stored (same text) are skipped before analysis, so a rerun after
    an interruption or with new files only analyses what is new.
    Examples:
      saywho ingest news/ --db corpus.db
      saywho ingest more-news/ --db postgresql://user:pass@localhost/saywho --jobs 2
      saywho ingest polnear/train/text --metadata polnear/metadata.tsv
    """
    from saywho.ingest import IngestOptions
    from saywho.pipeline import Options
    from saywho.store.ingest import IngestReport
    from saywho.store.metadata import Metadata

    options = Options(keep_junk=keep_junk, model=model, beliefs=not speech_only, max_chars=max_chars, time_limit=time_limit)
    try:
        table = Metadata.load(metadata) if metadata else None
    except InputError as error:
        fail(str(error), EXIT_USAGE)
    with _opened(db, create=True) as store, Progress(not quiet) as progress:
        try:
            report = _ingest(store, inputs, IngestOptions(max_bytes=max_bytes), options, jobs, table, progress)
        except KeyboardInterrupt as interrupt:
            report = getattr(interrupt, "report", IngestReport())
            progress.stop()
            fail(f"interrupted: {report.summary()}; run the same command again to continue", EXIT_INTERRUPTED)
        progress.stop()
        _report_stored(report, store)


def _ingest(store, inputs: list[str], reading, options, jobs: int, metadata, progress: Progress):
    """Store what ``inputs`` hold: the Parquet tables of ``saywho spark run`` as they are
    (already analysed), anything else read, analysed and added by saywho.store.ingest."""
    from saywho.ingest import iter_documents
    from saywho.spark.tables import is_table_output, load_tables  # pyarrow only, no Spark
    from saywho.store.ingest import ingest

    def on_progress(report) -> None:
        progress.show(_progress_line(report))

    if len(inputs) == 1 and is_table_output(inputs[0]):
        return load_tables(store, inputs[0], on_progress=on_progress)
    return ingest(store, _warned(iter_documents(inputs, reading), progress.log), options=options, jobs=jobs,
                  on_error=lambda error: progress.log(message_line("error", str(error))), on_progress=on_progress,
                  metadata=metadata)


def _progress_line(report) -> str:
    return (f"{report.processed} articles: {report.stored} stored, {report.skipped} skipped, "
            f"{report.ignored} ignored, {report.failed} failed ({report.rate:.1f}/s)")


def _report_stored(report, store) -> None:
    """What this run did and what the store now holds, on stderr; exit 1 when an input failed."""
    counts = store.counts()
    typer.echo(report.summary(), err=True)
    typer.echo(
        f"store now holds {counts['articles']} articles, {counts['attributions']} attributions, "
        f"{counts['speakers']} speakers",
        err=True,
    )
    if report.failed:
        raise typer.Exit(EXIT_INPUT_FAILED)


def _warned(items: Iterable[Any], say) -> Iterator[Any]:
    """The items unchanged, each Document's warnings said on the way."""
    from saywho.models import Document

    for item in items:
        if isinstance(item, Document):
            for line in warning_lines(item):
                say(line)
        yield item


# --- search -----------------------------------------------------------------------

SEARCH_TABLE_COLUMNS = ("id", "published_date", "speaker", "type", "content", "publisher")


def search_command(
    text: Annotated[Optional[str], typer.Argument(help='Words that must all occur; "quote" a phrase.', show_default=False)] = None,
    db: DbOption = None,
    speaker: Annotated[Optional[str], typer.Option(help="Speaker id, or part of a speaker's name or alias.")] = None,
    publisher: Annotated[Optional[str], typer.Option(help="Exact publisher (case-insensitive).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before (YYYY-MM-DD).")] = None,
    type: Annotated[Optional[str], typer.Option("--type", help="direct, indirect or mixed.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="Speaker kind: person, organization, group, unnamed.")] = None,
    tag: Annotated[Optional[str], typer.Option(help="Only statements with this tag.")] = None,
    bookmarked: Annotated[bool, typer.Option(help="Only bookmarked statements.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Rows per page (ignored with --all).")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Rows to skip.")] = 0,
    all_rows: Annotated[bool, typer.Option("--all", help="Every result, not one page (for export).")] = False,
    fmt: ResultFormatOpt = None,
    output: OutputOpt = None,
    parents: ParentsOpt = False,
    raw_csv: RawCsvOpt = False,
) -> None:
    """Search what was said: full text over statements, filtered by speaker, publisher, date and type.

    \b
    Examples:
      saywho search "troop levels" --speaker Townsend
      saywho search --speaker "Hillary Clinton" --since 2016-06-01 --all -o clinton.csv
    """
    from saywho.store import RESULT_COLUMNS, SearchQuery
    from saywho.store.store import MAX_PAGE_SIZE

    chosen = _check_format(fmt, output)
    check_output(output, parents)
    query = SearchQuery(text=text, speaker=speaker, publisher=publisher, since=since, until=until, type=type, kind=kind,
                        tag=tag, bookmarked=bookmarked, limit=min(limit, MAX_PAGE_SIZE), offset=offset)
    columns = SEARCH_TABLE_COLUMNS if chosen == "table" else RESULT_COLUMNS
    with _opened(db) as store:
        written = {"noun": "statement", "parents": parents, "raw_csv": raw_csv}
        if all_rows:
            _emit(store.iter_search(query), columns, chosen, output, **written)
            return
        page = store.search(query)
        shown = _emit(page.rows, columns, chosen, output, title=f"{page.total} statements", **written)
        if chosen == "table" and page.total > offset + shown:
            typer.echo(f"{offset + 1}-{offset + shown} of {page.total}; next page: --offset {offset + shown}", err=True)


# --- speakers ---------------------------------------------------------------------

speakers_app = typer.Typer(help="Who is quoted most; merge and split speakers.", no_args_is_help=False)

SPEAKER_COLUMNS = ("id", "name", "kind", "attributions", "articles", "aliases", "descriptors")


@speakers_app.callback(invoke_without_command=True)
def speakers_list(
    ctx: typer.Context,
    db: DbOption = None,
    kind: Annotated[Optional[str], typer.Option(help="person, organization or group.")] = None,
    name: Annotated[Optional[str], typer.Option(help="Part of the speaker's name.")] = None,
    by: Annotated[str, typer.Option(help="speaker (default), kind, or descriptor: what to count statements by.")] = "speaker",
    limit: Annotated[int, typer.Option(min=1)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    fmt: ResultFormatOpt = None,
    output: OutputOpt = None,
    parents: ParentsOpt = False,
    raw_csv: RawCsvOpt = False,
) -> None:
    """List speakers, most quoted first (or statement counts by kind or descriptor).

    \b
    Examples:
      saywho speakers --kind person --limit 20
      saywho speakers --by descriptor
      saywho speakers merge 12 57        # 57 is the same person as 12
      saywho speakers split 12 "Clinton" # bare "Clinton" is not speaker 12
    """
    if ctx.invoked_subcommand is not None:
        return
    chosen = _check_format(fmt, output)
    check_output(output, parents)
    written = {"parents": parents, "raw_csv": raw_csv}
    with _opened(db) as store:
        if by == "speaker":
            page = store.speakers(kind=kind, name=name, limit=limit, offset=offset)
            _emit(page.rows, SPEAKER_COLUMNS, chosen, output, title=f"{page.total} speakers", noun="speaker", **written)
        elif by in ("kind", "descriptor"):
            _emit(store.speaker_breakdown(by, limit=limit), ("value", "attributions"), chosen, output,
                  title=f"statements by {by}", noun=by, **written)
        else:
            fail(f"--by must be speaker, kind or descriptor, not {by!r}", EXIT_USAGE)


@speakers_app.command("show")
def speakers_show(
    speaker_id: Annotated[int, typer.Argument(help="Speaker id.")],
    db: DbOption = None,
) -> None:
    """One speaker as JSON: names, descriptors, name keys, counts and monthly timeline."""
    with _opened(db) as store:
        speaker = store.speaker(speaker_id)
        if speaker is None:
            fail(f"no speaker {speaker_id}", EXIT_USAGE)
        typer.echo(json.dumps(speaker, ensure_ascii=False, indent=2))


@speakers_app.command("merge")
def speakers_merge(
    into: Annotated[int, typer.Argument(help="The speaker to keep.")],
    others: Annotated[list[int], typer.Argument(help="Speakers that are the same person or organisation.")],
    db: DbOption = None,
) -> None:
    """Merge speakers into one; their names resolve to it for every article ingested later."""
    with _opened(db) as store:
        store.merge_speakers(into, others)
        typer.echo(f"merged {', '.join(map(str, others))} into {into}", err=True)


@speakers_app.command("split")
def speakers_split(
    speaker_id: Annotated[int, typer.Argument(help="The speaker that wrongly holds two people.")],
    names: Annotated[list[str], typer.Argument(help="The names (as mentioned) that belong to someone else.")],
    db: DbOption = None,
) -> None:
    """Move the mentions under these names to a new speaker; later articles follow the split."""
    with _opened(db) as store:
        new_id = store.split_speaker(speaker_id, names)
        typer.echo(new_id)


@speakers_app.command("edits")
def speakers_edits(db: DbOption = None) -> None:
    """The log of manual merges and splits, as JSONL."""
    with _opened(db) as store:
        for edit in store.speaker_edits():
            typer.echo(json.dumps(edit, ensure_ascii=False))


# --- export and serve -------------------------------------------------------------


def export_command(
    db: DbOption = None,
    output: OutputOpt = None,
    parents: ParentsOpt = False,
) -> None:
    """Every stored article as JSONL (the extract output, plus store_id and corpus_speakers)."""
    written = 0

    def lines(store) -> Iterator[str]:
        nonlocal written
        for record in store.iter_articles():
            yield json.dumps(record, ensure_ascii=False) + "\n"
            written += 1

    format_from_extension(output, {"jsonl": "jsonl", "ndjson": "jsonl"}, ())  # export writes JSONL only
    check_output(output, parents)
    from saywho.output import atomic_file

    with _opened(db) as store, writing(output):
        if output is None:
            sys.stdout.writelines(lines(store))
            return
        with atomic_file(output, parents=parents) as handle:
            handle.writelines(lines(store))
    report_written(plural(written, "article"), output)


def import_command(
    inputs: Annotated[list[str], typer.Argument(help="JSONL files written by saywho export (or extract -f jsonl).", show_default=False)],
    db: DbOption = None,
    quiet: QuietOpt = False,
) -> None:
    """Store already-analysed articles (JSONL from export or extract) without analysing again.

    
    Moves a corpus between backends; speakers are resolved as on ingest (manual merges
    and splits are not part of an export and must be redone).
    Example:
      saywho export --db corpus.db -o corpus.jsonl
      saywho import corpus.jsonl --db postgresql://saywho@localhost/saywho
    """
    from saywho.store.ingest import IngestReport

    report = IngestReport()
    with _opened(db, create=True) as store, Progress(not quiet) as progress:
        started = time.perf_counter()
        for path in inputs:
            _import_file(store, path, report, progress, started)
        progress.stop()
        _report_stored(report, store)


def _import_file(store, path: str, report, progress: Progress, started: float) -> None:
    """Add one exported JSONL file's articles; a file or line that cannot be read is one failure."""
    try:
        handle = open(path, encoding="utf-8")
    except OSError as error:
        progress.log(message_line("error", f"{path}: {error.strerror or error}"))
        report.failed += 1
        return
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                article, key = read_exported_record(line)
            except ValueError as error:
                progress.log(message_line("error", f"{path}:{number}: not an article record ({error})"))
                report.failed += 1
                continue
            if store.add_article(article, key) is None:
                report.skipped += 1
            else:
                report.stored += 1
                report.attributions += len(article.attributions)
            report.seconds = time.perf_counter() - started
            progress.show(_progress_line(report))


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


def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    token: Annotated[
        Optional[str],
        typer.Option(envvar="SAYWHO_TOKEN", help="Secret that unlocks writes (upload, tags, merges). Without it the server is read-only.", show_default=False),
    ] = None,
    rate_limit: Annotated[
        float,
        typer.Option(envvar="SAYWHO_RATE_LIMIT", min=0.0, help="Requests per second one client may keep up (bursts of 100 allowed); 0 for no limit."),
    ] = 20.0,
    allowed_host: Annotated[
        Optional[list[str]],
        typer.Option(
            "--allowed-host",
            help="Another Host name to answer (repeat for several), e.g. the public name of a proxy in front. "
            "Always answered: the bound address, localhost, 127.0.0.1, [::1]; any other Host gets 400.",
            show_default=False,
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        Optional[str],
        typer.Option(
            "--forwarded-allow-ips",
            help="Comma-separated addresses of your reverse proxy: only requests from them may set the client address "
            "with X-Forwarded-For (which the rate limit counts by). Default: nobody, forwarded headers are ignored.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Browse and search the corpus in a web browser, with a JSON API (/api, /openapi.json).

    Exits 2 when the database cannot be opened or the address cannot be listened on
    (port in use, no such interface, a privileged port).

    \b
    Example:
      SAYWHO_TOKEN=$(openssl rand -hex 16) saywho serve --db corpus.db
    """
    import uvicorn

    from saywho.web import create_app
    from saywho.web.security import allowed_hosts

    with _opened(db) as store:
        pass  # fail early and clearly on a missing or newer database
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        fail(f"--token must be at least {MIN_TOKEN_LENGTH} characters", EXIT_USAGE)
    from saywho.web.limits import ServerLimits

    _check_address(host, port)
    app = create_app(db, token=token, limits=ServerLimits(rate=rate_limit), allowed_hosts=allowed_hosts(host, allowed_host or []))
    mode = "writes need the token" if token else "read-only (no --token)"
    typer.echo(f"saywho: serving {store.backend.dialect} corpus on http://{host}:{port}/ ({mode})", err=True)
    if host in WILDCARD_HOSTS and not allowed_host:
        # Listening everywhere, but other machines reach it by a name or address that is not
        # on the allow-list: say so now rather than leave them puzzling over a 400.
        typer.echo("saywho: note: only Host localhost, 127.0.0.1 and [::1] are answered; "
                   "add --allowed-host NAME for the name or address other machines use", err=True)
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default: any local client could then
    # pick its own address and walk past the rate limit. Only a named proxy is trusted.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=forwarded_allow_ips is not None,
                forwarded_allow_ips=forwarded_allow_ips)


def _check_address(host: str, port: int) -> None:
    """Exit 2 with one line when ``host:port`` cannot be listened on, before saying "serving"."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        fail(f"cannot listen on {host}: {error.strerror}", EXIT_USAGE)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is not "in use"
        try:
            probe.bind(address)
        except OSError as error:
            reason = {
                errno.EADDRINUSE: f"port {port} is already in use on {host} (another saywho serve?); choose another with --port",
                errno.EADDRNOTAVAIL: f"{host} is not an address of this machine",
                errno.EACCES: f"port {port} needs privileges; choose one above 1023 with --port",
            }.get(error.errno, error.strerror or str(error))
            fail(f"cannot listen on {host}:{port}: {reason}", EXIT_USAGE)


#: Addresses that listen on every interface.
WILDCARD_HOSTS = ("0.0.0.0", "::", "[::]")

#: Shorter tokens are too easy to guess for a server others can reach.
MIN_TOKEN_LENGTH = 12


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("search")(search_command)
    app.add_typer(speakers_app, name="speakers")
    app.command("export")(export_command)
    app.command("import")(import_command)
    app.command("serve")(serve_command)
