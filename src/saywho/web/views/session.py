"""Logging in and out: the token is exchanged once for a session cookie, so forms need only
the cookie and their CSRF field (see web/security.py)."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from saywho.web.deps import AuthDep
from saywho.web.pages import page
from saywho.web.security import SESSION_COOKIE

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/"):
    return page(request, "login.html", next=safe_next(next), failed=False)


@router.post("/login")
def login(request: Request, auth: AuthDep, token: str = Form(...), next: str = Form("/")):
    if not auth.writable:
        raise HTTPException(403, "this server is read-only (start it with --token to allow writes)")
    if not auth.token_matches(token):
        return page(request, "login.html", status_code=401, next=safe_next(next), failed=True)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, auth.session_value(), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@router.post("/logout")
def logout(request: Request, auth: AuthDep, csrf: str = Form("")):
    auth.require_form_writer(request, csrf)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def safe_next(target: str) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
