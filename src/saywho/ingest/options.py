"""What ingest may read and keep: limits, network manners, languages."""

from __future__ import annotations

from dataclasses import dataclass

#: One page or text file larger than this is refused: real articles are far
#: smaller, and a runaway page should not eat the machine's memory.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Seconds a URL fetch may take in all (connect, wait and read together).
DEFAULT_URL_TIMEOUT = 20.0


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("saywho")
    except Exception:  # not installed (running from a source tree)
        return "dev"


DEFAULT_USER_AGENT = f"saywho/{_version()} (news attribution research; https://pypi.org/project/saywho/)"


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Every knob of ingest in one place; the CLI flags map onto it."""

    #: Largest text file, HTML page, WARC record, JSONL record or URL body read (bytes).
    #: Containers (WARC, JSONL files) may be larger: the limit applies to each record.
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Total seconds allowed for fetching one URL.
    url_timeout: float = DEFAULT_URL_TIMEOUT
    user_agent: str = DEFAULT_USER_AGENT
    #: ISO 639-1 codes of the languages to keep; others are skipped with a reason.
    #: Empty keeps every language (the text is still tagged with its language).
    languages: tuple[str, ...] = ("en",)
    #: Walk sub-folders of a folder input.
    recursive: bool = True
    #: trafilatura's precision mode: fewer stray lines in the body, at a small cost in recall.
    favor_precision: bool = True
