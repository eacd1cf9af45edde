"""Errors as people and programs read them: an error page in the browser, one JSON shape
under /api (``detail`` and ``errors``), whichever layer raised them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from saywho.store import StoreError
from saywho.web.pages import page


def api_error(detail: str, problems: Sequence[Any] | None = None) -> dict[str, Any]:
    """Every API error has one shape: ``detail``, a sentence for people, and ``errors``,
    what was wrong with which parameter (empty unless a parameter failed validation)."""
    errors = [{"loc": [str(part) for part in p.get("loc", ())], "msg": str(p.get("msg", "")), "type": str(p.get("type", ""))}
              for p in problems or []]
    return {"detail": detail, "errors": errors}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


async def http_error(request: Request, error: HTTPException):
    if is_api(request):
        return JSONResponse(api_error(str(error.detail)), status_code=error.status_code, headers=error.headers)
    return page(request, "error.html", status_code=error.status_code, message=str(error.detail))


async def validation_error(request: Request, error: RequestValidationError):
    """A malformed parameter (/articles/abc): an error page for people, for the API the
    same shape as every other error, with pydantic's details under ``errors``."""
    problems = error.errors()
    message = "; ".join(_describe(problem) for problem in problems) or "invalid request"
    if is_api(request):
        return JSONResponse(api_error(message, problems), status_code=422)
    return page(request, "error.html", status_code=422, message=message)


async def store_error(request: Request, error: StoreError):
    """The store refuses what a client asked (a bad date, an unknown speaker): the client's to fix."""
    return await http_error(request, HTTPException(400, str(error)))


def add_error_handlers(app: FastAPI) -> None:
    app.exception_handler(HTTPException)(http_error)
    app.exception_handler(RequestValidationError)(validation_error)
    app.exception_handler(StoreError)(store_error)


def _describe(problem: dict[str, Any]) -> str:
    """``article_id: Input should be a valid integer`` from one pydantic error."""
    where = [str(part) for part in problem.get("loc", ()) if part not in ("path", "query", "body", "form")]
    return f"{'.'.join(where) or 'request'}: {problem.get('msg', 'invalid')}"
