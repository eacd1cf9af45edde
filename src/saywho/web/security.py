"""Who may write, and headers that keep untrusted article text harmless.

The server is read-only unless started with a token. API clients send it as
``Authorization: Bearer <token>``; a browser exchanges it once at /login for an
HttpOnly, SameSite=Strict session cookie, and every form also carries a CSRF token
derived from that session. Nothing secret is stored: both values are HMACs of the token.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import HTTPException, Request

SESSION_COOKIE = "saywho_session"

#: No inline script, no third-party anything: article text can at worst be shown, never run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


#: Host names a browser on this machine uses for a server on loopback. Any other Host header
#: is refused: a page on evil.example that re-points its name at 127.0.0.1 (DNS rebinding)
#: would otherwise read the whole corpus through the API.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def allowed_hosts(bound: str, extra: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The Host headers ``saywho serve`` answers: the bound address, the loopback names,
    and the names given with --allowed-host (a proxy's public name)."""
    bound = bound.strip().lower()
    if ":" in bound and not bound.startswith("["):
        bound = f"[{bound}]"  # an IPv6 address appears bracketed in a Host header
    return list(dict.fromkeys([bound, *LOCAL_HOSTS, *(name.strip().lower() for name in extra if name.strip())]))


class Auth:
    def __init__(self, token: str | None):
        self.token = token

    @property
    def writable(self) -> bool:
        return self.token is not None

    def _mac(self, purpose: str) -> str:
        assert self.token is not None
        return hmac.new(self.token.encode(), purpose.encode(), hashlib.sha256).hexdigest()

    def session_value(self) -> str:
        return self._mac("session-v1")

    def csrf_token(self) -> str:
        return self._mac("csrf-v1:" + self.session_value())

    def token_matches(self, candidate: str) -> bool:
        return self.token is not None and hmac.compare_digest(candidate.encode(), self.token.encode())

    def logged_in(self, request: Request) -> bool:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return self.writable and hmac.compare_digest(cookie.encode(), self.session_value().encode())

    def require_api_writer(self, request: Request) -> None:
        """Bearer token for API writes; 403 on a read-only server, 401 on a wrong token."""
        if not self.writable:
            raise HTTPException(403, "this server is read-only (start it with --token to allow writes)")
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not self.token_matches(value.strip()):
            raise HTTPException(401, "writes need 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})

    def require_form_writer(self, request: Request, csrf: str) -> None:
        """Session cookie plus matching CSRF field for browser form posts."""
        if not self.writable:
            raise HTTPException(403, "this server is read-only (start it with --token to allow writes)")
        if not self.logged_in(request):
            raise HTTPException(401, "log in with the server's token first (/login)")
        if not hmac.compare_digest(csrf.encode(), self.csrf_token().encode()):
            raise HTTPException(403, "the form's CSRF token is missing or stale; reload the page")
