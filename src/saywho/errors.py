"""Errors saywho reports to users. Each carries the input it concerns, so a batch can
report it on one line and go on with the other inputs."""

from __future__ import annotations


class SaywhoError(Exception):
    """Base class for every error saywho raises on purpose."""


class InputError(SaywhoError):
    """One input could not be read or analysed: empty, binary, undecodable, too large, missing."""

    def __init__(self, input: str, reason: str):
        super().__init__(f"{input}: {reason}")
        self.input = input
        self.reason = reason

    def __reduce__(self):
        # Rebuild from (input, reason) when crossing a process boundary (--jobs N, Spark).
        return (type(self), (self.input, self.reason))


class ModelNotFound(SaywhoError):
    """No usable spaCy English pipeline is installed."""
