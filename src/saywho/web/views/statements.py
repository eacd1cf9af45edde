"""One statement's page, and the forms that tag it, bookmark it and fix its speaker."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from saywho.store import Store, StoreError
from saywho.web.deps import AuthDep, StoreDep
from saywho.web.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/statements/{statement_id}", response_class=HTMLResponse)
def statement_page(request: Request, store: StoreDep, statement_id: int):
    row = store.attribution(statement_id)
    if row is None:
        raise HTTPException(404, f"no statement {statement_id}")
    return page(request, "statement.html", row=row, reassigned=store.is_reassigned(statement_id))


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


@router.post("/statements/{statement_id}/speaker")
def reassign_form(request: Request, store: StoreDep, auth: AuthDep, statement_id: int, speaker: str = Form(""),
                  speaker_id: str = Form(""), name: str = Form(""), kind: str = Form(""), csrf: str = Form("")):
    """Fix who said it: a known speaker (picked from the suggestions, or typed) or a new one."""
    auth.require_form_writer(request, csrf)
    if name.strip():
        store.reassign_statement(statement_id, name=name, kind=kind)
    else:
        store.reassign_statement(statement_id, speaker_id=_chosen_speaker(store, speaker_id, speaker))
    return RedirectResponse(f"/statements/{statement_id}", status_code=303)


def _chosen_speaker(store: Store, speaker_id: str, typed: str) -> int:
    """The speaker picked from the suggestions (its id), else the one the typed text names:
    an id, the one speaker with exactly that name, or the only one whose name holds it."""
    for value in (speaker_id, typed):
        if value.strip().isdecimal():
            return int(value)
    wanted = " ".join(typed.split()).lower()
    found = store.suggest_speakers(wanted, 10) if wanted else []
    exact = [s for s in found if s["name"].lower() == wanted]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]["id"]
    raise StoreError(f"{len(found) or 'no'} known speakers match {typed.strip()!r}: choose one from the suggestions")
