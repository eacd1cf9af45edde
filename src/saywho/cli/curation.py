"""``saywho curation``: the corrections of who said what, as a file that outlives the database
(a thin layer over saywho.store.curation)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from saywho.cli._common import (
    EXIT_INPUT_FAILED,
    EXIT_USAGE,
    ParentsOpt,
    check_output,
    command_group,
    fail,
    message_line,
    report_written,
    writing,
)
from saywho.cli.store import DbOption, opened

curation_app = command_group(
    "curation", "Corrections of who said what (merges, splits, reassignments) that survive re-ingest and moves."
)


@curation_app.command("export")
def curation_export(
    output: Annotated[str | None, typer.Argument(metavar="FILE", help="JSONL file to write; stdout when left out.", show_default=False)] = None,
    db: DbOption = None,
    parents: ParentsOpt = False,
) -> None:
    """Write the curation log as JSONL, oldest first: one merge, split or reassignment a line.

    Entries name articles by content hash and speakers by name, kind and name keys,
    never by database ids, so they apply to any database holding the same articles.

    Example:

        saywho curation export fixes.jsonl --db corpus.db
    """
    check_output(output, parents)
    from saywho.output import atomic_file

    with opened(db) as store:
        entries = store.curation_log()
    lines = [json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries]
    with writing(output):
        if output is None:
            typer.echo("".join(lines), nl=False)
            return
        with atomic_file(output, parents=parents) as handle:
            handle.writelines(lines)
    report_written(f"{len(lines):,} curation {'entry' if len(lines) == 1 else 'entries'}", output)


@curation_app.command("import")
def curation_import(
    inputs: Annotated[list[str], typer.Argument(metavar="FILE...", help="JSONL files written by saywho curation export.", show_default=False)],
    db: DbOption = None,
) -> None:
    """Apply a curation log to this corpus; entries recorded already are skipped.

    A reassignment whose article is not stored yet waits for it: ingesting or importing
    that article later applies it. Merges and splits hold for articles ingested later.

    Examples:

        saywho ingest news/ --db fresh.db
        saywho curation import fixes.jsonl --db fresh.db
        saywho curation import fixes.jsonl --db postgresql://saywho@localhost/saywho
    """
    from saywho.store.curation import parse_entry

    entries: list[dict[str, Any]] = []
    failed = 0
    for path in inputs:
        try:
            with open(path, encoding="utf-8") as handle:
                numbered = list(enumerate(handle, 1))
        except OSError as error:
            fail(f"{path}: {error.strerror or error}", EXIT_USAGE)
        for number, line in numbered:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                parse_entry(entry)
            except ValueError as error:
                typer.echo(message_line("error", f"{path}:{number}: not a curation entry ({error})"), err=True)
                failed += 1
                continue
            entries.append(entry)
    with opened(db, create=True) as store:
        typer.echo(store.import_curation(entries).summary(), err=True)
    if failed:
        raise typer.Exit(EXIT_INPUT_FAILED)


@curation_app.command("reassign")
def curation_reassign(
    statement: Annotated[int, typer.Argument(metavar="ID", help="Statement id (the id column of saywho search).", show_default=False)],
    speaker: Annotated[int | None, typer.Option("--speaker", metavar="ID", help="Id of the known speaker who said it.")] = None,
    name: Annotated[str | None, typer.Option(metavar="NAME", help="Name of a new speaker who said it (with --kind).")] = None,
    kind: Annotated[str | None, typer.Option(metavar="KIND", help="Kind of the new speaker: person, organization or group.")] = None,
    db: DbOption = None,
) -> None:
    """Give one statement another speaker: a known one (--speaker) or a new one (--name, --kind).

    Prints the speaker id the statement now has.

    Examples:

        saywho curation reassign 812 --speaker 12
        saywho curation reassign 812 --name Pentagon --kind organization
    """
    if (speaker is None) == (name is None):
        fail("give either --speaker ID or --name NAME with --kind", EXIT_USAGE)
    if name is not None and kind is None:
        fail("--name needs --kind (person, organization or group)", EXIT_USAGE)
    with opened(db) as store:
        typer.echo(store.reassign_statement(statement, speaker_id=speaker, name=name, kind=kind))


def register(app: typer.Typer) -> None:
    app.add_typer(curation_app, name="curation")
