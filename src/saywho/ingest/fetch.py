"""Fetching one http(s) URL politely: a user agent, a total time limit, a size limit."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from saywho.errors import InputError
from saywho.ingest.options import IngestOptions

#: Bytes asked of the socket per read; small enough to check the clock often.
CHUNK_BYTES = 64 * 1024
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"


@dataclass(frozen=True, slots=True)
class Fetched:
    body: bytes
    content_type: str | None
    #: Where the last redirect landed.
    url: str


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def fetch(url: str, options: IngestOptions) -> Fetched:
    """GET ``url``; raise ``InputError(url, reason)`` on a timeout, an HTTP error, or a body over the limit."""
    request = urllib.request.Request(url, headers={"User-Agent": options.user_agent, "Accept": ACCEPT})
    deadline = time.monotonic() + options.url_timeout
    timed_out = f"timed out after {options.url_timeout:g} s"
    try:
        with urllib.request.urlopen(request, timeout=options.url_timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdecimal() and int(declared) > options.max_bytes:
                raise InputError(url, f"too large: {_megabytes(int(declared))}, limit {_megabytes(options.max_bytes)}")
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise InputError(url, timed_out)
                chunk = response.read1(CHUNK_BYTES)
                if not chunk:
                    break
                size += len(chunk)
                if size > options.max_bytes:
                    raise InputError(url, f"too large: more than {_megabytes(options.max_bytes)}")
                chunks.append(chunk)
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else None
            return Fetched(b"".join(chunks), content_type, response.geturl())
    except InputError:
        raise
    except urllib.error.HTTPError as error:
        raise InputError(url, f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise InputError(url, timed_out) from None
        raise InputError(url, f"could not fetch: {error.reason}") from None
    except TimeoutError:
        raise InputError(url, timed_out) from None
    except (http.client.HTTPException, ConnectionError, ValueError) as error:
        raise InputError(url, f"could not fetch: {type(error).__name__}: {error}") from None
