"""One statement's page, and the forms that tag and bookmark it."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from saywho.web.deps import AuthDep, StoreDep
from saywho.web.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/statements/{statement_id}", response_class=HTMLResponse)
def statement_page(request: Request, store: StoreDep, statement_id: int):
    row = store.attribution(statement_id)
    if row is None:
        raise HTTPException(404, f"no statement {statement_id}")
    return page(request, "statement.html", row=row)


@router.post("/statements/{statement_id}/tags")
def add_tag_form(request: Request, store: StoreDep, auth: AuthDep, statement_id: int, tag: str = Form(...),
                 csrf: str = Form("")):
    return _change_tag(request, auth, csrf, statement_id, lambda: store.add_tag(statement_id, tag))


@router.post("/statements/{statement_id}/tags/remove")
def remove_tag_form(request: Request, store: StoreDep, auth: AuthDep, statement_id: int, tag: str = Form(...),
                    csrf: str = Form("")):
    return _change_tag(request, auth, csrf, statement_id, lambda: store.remove_tag(statement_id, tag))


def _change_tag(request: Request, auth, csrf: str, statement_id: int, change) -> RedirectResponse:
    """A form's write: checked against the token and CSRF, then back to the statement's page."""
    auth.require_form_writer(request, csrf)
    change()
    return RedirectResponse(f"/statements/{statement_id}", status_code=303)


@router.post("/statements/{statement_id}/bookmark")
def bookmark_form(request: Request, store: StoreDep, auth: AuthDep, statement_id: int, on: bool = Form(...),
                  note: str = Form(""), csrf: str = Form("")):
    auth.require_form_writer(request, csrf)
    store.set_bookmark(statement_id, on, note)
    return RedirectResponse(f"/statements/{statement_id}", status_code=303)
