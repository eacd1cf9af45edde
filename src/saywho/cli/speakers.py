"""``saywho speakers``: who is quoted most in the corpus, and the manual merges and splits
that correct who is who (a thin layer over saywho.store)."""

from __future__ import annotations

import inspect
import json
from typing import Annotated

import typer

from saywho.cli._common import EXIT_USAGE, OutputOpt, ParentsOpt, RawCsvOpt, check_output, command_group, fail
from saywho.cli.store import DbOption, ResultFormatOpt, check_format, emit, next_page_hint, opened

speakers_app = command_group("speakers", None, no_args_is_help=False)  # help: speakers_list's docstring (register)

SPEAKER_COLUMNS = ("id", "name", "kind", "attributions", "articles", "latest", "aliases", "descriptors")


@speakers_app.callback(invoke_without_command=True)
def speakers_list(
    ctx: typer.Context,
    db: DbOption = None,
    kind: Annotated[str | None, typer.Option(metavar="KIND", help="person, organization or group.")] = None,
    name: Annotated[str | None, typer.Option(metavar="TEXT", help="Part of the speaker's name.")] = None,
    by: Annotated[str, typer.Option(metavar="WHAT", help="speaker, kind, or descriptor: what to count statements by.")] = "speaker",
    sort: Annotated[str, typer.Option(
        metavar="KEY", help="statements, articles, or latest (the date of the latest statement): what to order speakers by.")
    ] = "statements",
    ascending: Annotated[bool, typer.Option("--ascending", help="Fewest or oldest first instead of most or newest.")] = False,
    min_statements: Annotated[int | None, typer.Option(min=1, metavar="N", help="Only speakers with at least this many statements.")] = None,
    since: Annotated[str | None, typer.Option(metavar="DATE", help="Count only statements in articles published on or after this date (2016-05-31, 2016-05, 2016).")] = None,
    until: Annotated[str | None, typer.Option(metavar="DATE", help="Count only statements in articles published on or before this date.")] = None,
    limit: Annotated[int, typer.Option(min=1, metavar="N", help="Rows per page.")] = 20,
    offset: Annotated[int, typer.Option(min=0, metavar="N", help="Rows to skip (the next page: --offset LIMIT).")] = 0,
    fmt: ResultFormatOpt = None,
    output: OutputOpt = None,
    parents: ParentsOpt = False,
    raw_csv: RawCsvOpt = False,
) -> None:
    """Who is quoted most; merge and split speakers.

    Without a command: the speakers, most quoted first (or statement counts by kind or
    descriptor with --by), a page at a time.

    Examples:

        saywho speakers --kind person --limit 20
        saywho speakers --since 2016-01 --until 2016-06 --min-statements 5
        saywho speakers --sort latest            # most recently quoted first
        saywho speakers --by descriptor
        saywho speakers merge 12 57        # 57 is the same person as 12
        saywho speakers split 12 Clinton     # the bare name Clinton is not speaker 12
    """
    if ctx.invoked_subcommand is not None:
        return
    chosen = check_format(fmt, output)
    check_output(output, parents)
    written = {"parents": parents, "raw_csv": raw_csv}
    with opened(db) as store:
        if by == "speaker":
            page = store.speakers(kind=kind, name=name, sort=sort, direction="asc" if ascending else "desc",
                                  min_statements=min_statements, since=since, until=until, limit=limit, offset=offset)
            shown = emit(page.rows, SPEAKER_COLUMNS, chosen, output, title=f"{page.total} speakers", noun="speaker", **written)
            if chosen == "table":
                next_page_hint(offset, shown, page.total)
        elif by in ("kind", "descriptor"):
            emit(store.speaker_breakdown(by, limit=limit), ("value", "attributions"), chosen, output,
                  title=f"statements by {by}", noun=by, **written)
        else:
            fail(f"--by must be speaker, kind or descriptor, not {by!r}", EXIT_USAGE)


@speakers_app.command("show")
def speakers_show(
    speaker_id: Annotated[int, typer.Argument(metavar="ID", help="Speaker id.")],
    db: DbOption = None,
) -> None:
    """One speaker as JSON: names, descriptors, name keys, counts and monthly timeline."""
    with opened(db) as store:
        speaker = store.speaker(speaker_id)
        if speaker is None:
            fail(f"no speaker {speaker_id}", EXIT_USAGE)
        typer.echo(json.dumps(speaker, ensure_ascii=False, indent=2))


@speakers_app.command("merge")
def speakers_merge(
    into: Annotated[int, typer.Argument(metavar="ID", help="The speaker to keep.")],
    others: Annotated[list[int], typer.Argument(metavar="OTHER", help="Speakers that are the same person or organisation.")],
    db: DbOption = None,
) -> None:
    """Merge speakers into one; their names resolve to it for every article ingested later."""
    with opened(db) as store:
        store.merge_speakers(into, others)
        typer.echo(f"merged {', '.join(map(str, others))} into {into}", err=True)


@speakers_app.command("split")
def speakers_split(
    speaker_id: Annotated[int, typer.Argument(metavar="ID", help="The speaker that wrongly holds two people.")],
    names: Annotated[list[str], typer.Argument(metavar="NAME", help="The names (as mentioned) that belong to someone else.")],
    db: DbOption = None,
) -> None:
    """Move the mentions under these names to a new speaker; later articles follow the split."""
    with opened(db) as store:
        new_id = store.split_speaker(speaker_id, names)
        typer.echo(new_id)


@speakers_app.command("edits")
def speakers_edits(db: DbOption = None) -> None:
    """The audit log of manual merges, splits and reassignments, as JSONL (saywho curation export: the replayable form)."""
    with opened(db) as store:
        for edit in store.speaker_edits():
            typer.echo(json.dumps(edit, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    # The list's docstring is the group's help, so that `saywho speakers --help` shows its examples.
    app.add_typer(speakers_app, name="speakers", help=inspect.getdoc(speakers_list))
