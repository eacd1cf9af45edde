"""Exit codes shared by every saywho command (documented in docs/cli.md and the README)."""

EXIT_OK = 0
#: At least one input failed; the others were processed and written.
EXIT_INPUT_FAILED = 1
#: Bad usage (unknown option, bad value).
EXIT_USAGE = 2
#: The output could not be written, or the job failed as a whole.
EXIT_OUTPUT_FAILED = 3
#: Interrupted (Ctrl-C); no partial output file is left.
EXIT_INTERRUPTED = 130
