#!/usr/bin/env python
"""Coverage-guided fuzzing of one saywho entry point with atheris (libFuzzer).

The target is a hypothesis test from saywho/testing/targets.py; libFuzzer's bytes
drive its strategies through ``fuzz_one_input``, and atheris instruments saywho's
own modules so that inputs reaching new code are kept and mutated further. A
failing property is a crash: libFuzzer writes the input to ``crash-*`` and stops.

    python tests/fuzz/fuzz_entry_point.py clean -max_total_time=60
    python tests/fuzz/fuzz_entry_point.py --replay clean crash-1234   # print the failing example
    python tests/fuzz/fuzz_entry_point.py --list

scripts/fuzz.py runs every target in turn and tabulates the executions.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["saywho"]):
    import saywho.cli.store
    import saywho.ingest
    import saywho.ingest.clean
    import saywho.ingest.decode
    import saywho.ingest.html
    import saywho.ingest.records
    import saywho.ingest.sources
    import saywho.ingest.warc
    import saywho.nlp.dates
    import saywho.nlp.quotes
    import saywho.nlp.rules
    import saywho.nlp.speakers
    import saywho.output
    import saywho.pipeline
    import saywho.store  # noqa: F401

from hypothesis import settings

from saywho.testing.targets import TARGETS

#: No deadline (a long article may take a second) and no example database: libFuzzer keeps the corpus.
FUZZ_SETTINGS = settings(deadline=None, database=None)


def fuzz_function(name: str):
    return FUZZ_SETTINGS(TARGETS[name]).hypothesis.fuzz_one_input


def replay(name: str, path: str) -> int:
    """Run one saved input again and show hypothesis' report of the failing example."""
    try:
        fuzz_function(name)(Path(path).read_bytes())
    except Exception as error:
        print(f"{name}: {type(error).__name__}: {error}")
        return 1
    print(f"{name}: {path} passes now")
    return 0


def main() -> int:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if args[0] == "--list":
        print("\n".join(TARGETS))
        return 0
    if args[0] == "--replay":
        return replay(args[1], args[2])
    name, libfuzzer_args = args[0], args[1:]
    if name not in TARGETS:
        print(f"unknown target {name!r}; one of: {', '.join(TARGETS)}", file=sys.stderr)
        return 2
    atheris.Setup([sys.argv[0], *libfuzzer_args], fuzz_function(name))
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
