"""What one client may ask of ``saywho serve``: a bounded request body and a request rate.

Both act as plain ASGI middleware, before FastAPI reads a body or a handler touches
the database, so an oversized upload or a flood of searches costs almost nothing.
uvicorn already refuses request lines and headers over 16 KiB and bodies longer than
their declared ``Content-Length``; this adds the limits it does not have.
"""

from __future__ import annotations

import ipaddress
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from saywho.web.security import SECURITY_HEADERS

#: Largest request body: the largest upload plus room for the form's other fields.
DEFAULT_MAX_BODY_BYTES = 5_000_000 + 64 * 1024
#: Requests per second one client may keep up (a person browsing needs a few; a script
#: paging through the API, tens). 0 turns the rate limit off.
DEFAULT_RATE = 20.0
#: Requests one client may send at once before the rate applies (a page and its assets,
#: a burst of API calls).
DEFAULT_BURST = 100
#: Clients remembered at once; the least recently seen is forgotten first, so memory
#: stays bounded whatever the number of addresses a flood comes from.
MAX_TRACKED_CLIENTS = 10_000
#: IPv6 clients are counted per /64 network: one host can hold a whole /64.
IPV6_PREFIX = 64

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True, slots=True)
class ServerLimits:
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: Sustained requests per second per client; 0 for no rate limit.
    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    max_clients: int = MAX_TRACKED_CLIENTS


class TokenBuckets:
    """One token bucket per client: ``burst`` tokens, refilled at ``rate`` a second."""

    def __init__(self, rate: float, burst: int, max_clients: int, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, last seen)

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, client: str) -> float:
        """Spend one token; 0.0 when allowed, else the seconds until a token is back."""
        now = self.clock()
        tokens, seen = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - seen) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


def client_key(scope: dict) -> str:
    """The address a request came from (uvicorn applies X-Forwarded-For only from a proxy named with
    --forwarded-allow-ips; otherwise this is the connecting address, which a client cannot choose)."""
    client = scope.get("client")
    host = client[0] if client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    mapped = getattr(address, "ipv4_mapped", None)  # only IPv6 addresses have it
    if address.version == 6 and mapped is None:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(mapped or address)


class LimitsMiddleware:
    """Refuses a request with 429 (too many), 413 (body too large) or 411 (body of unknown length)."""

    def __init__(self, app, limits: ServerLimits):
        self.app = app
        self.limits = limits
        self.buckets = TokenBuckets(limits.rate, limits.burst, limits.max_clients) if limits.rate > 0 else None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.buckets is not None:
            wait = self.buckets.take(client_key(scope))
            if wait > 0:
                await _refuse(send, 429, "too many requests from this client; slow down",
                              {"Retry-After": str(max(1, math.ceil(wait)))})
                return
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        limit = self.limits.max_body_bytes
        if declared is not None:
            if not declared.isdigit():  # bytes: ASCII digits only
                await _refuse(send, 400, "Content-Length is not a number")
                return
            if int(declared) > limit:
                await _refuse(send, 413, f"request body larger than {limit} bytes")
                return
        elif b"transfer-encoding" in headers and scope["method"] in _BODY_METHODS:
            await _refuse(send, 411, "send the request body with a Content-Length")
            return
        await self.app(scope, _counted(receive, limit), send)


def _counted(receive, limit: int):
    """``receive`` that ends the request as a disconnect once more than ``limit`` body bytes came
    (a second line of defence: the server checks the declared length already)."""
    received = 0

    async def wrapped():
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                return {"type": "http.disconnect"}
        return message

    return wrapped


async def _refuse(send, status: int, detail: str, extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail, "errors": []}).encode()  # the shape of every API error (errors.api_error)
    headers = {**SECURITY_HEADERS, **(extra or {}), "Content-Type": "application/json", "Content-Length": str(len(body))}
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})
    await send({"type": "http.response.body", "body": body})
