"""``python -m saywho.cli``: the same as the ``saywho`` command."""

from saywho.cli import main

main()
