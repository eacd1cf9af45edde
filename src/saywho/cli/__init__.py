"""The ``saywho`` command: the Typer app and the registration of each command group.

Importing it is cheap (no spaCy, no readers, no detector): each command imports what it
needs when it runs, so that ``saywho search`` starts at once (docs/benchmarks.md).

Exit codes: 0 all inputs done; 1 at least one input failed (the others were
still processed and written); 2 bad usage; 3 the output could not be written;
130 interrupted.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from saywho import __version__
from saywho.cli import curation, extract, ingest, serve, spark, speakers, store
from saywho.cli import eval as eval_group
from saywho.cli._common import EXIT_INTERRUPTED, command_group, error_line, readable

# add_completion: `saywho --install-completion` and `--show-completion` (bash, zsh, fish,
# PowerShell), documented in docs/cli.md.
app = command_group(
    "saywho", "Who said what, about what, and when: attributions and speakers in news articles.", add_completion=True
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


# The order of `saywho --help`.
for _group in (extract, ingest, eval_group, store, speakers, curation, serve, spark):
    _group.register(app)
readable(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        error_line("interrupted")
        sys.exit(EXIT_INTERRUPTED)
