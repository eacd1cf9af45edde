"""The speaker pages: the list, one speaker's statements and timeline, and the forms that
merge speakers or split one."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from saywho.store import SearchQuery
from saywho.web import render
from saywho.web.deps import AuthDep, StoreDep
from saywho.web.pages import PAGE_SIZE, offset, page, pager

router = APIRouter(include_in_schema=False)


@router.get("/speakers", response_class=HTMLResponse)
def speakers_page(request: Request, store: StoreDep, kind: str | None = None, name: str | None = None,
                  page_number: int = Query(1, alias="page", ge=1)):
    kind, name = (kind or None), (name or "").strip() or None
    listing = store.speakers(kind=kind, name=name, limit=PAGE_SIZE, offset=offset(page_number))
    params = {"kind": kind, "name": name}
    return page(request, "speakers.html", listing=listing, params=params,
                pager=pager(listing.total, page_number, params))


@router.get("/speakers/{speaker_id}", response_class=HTMLResponse)
def speaker_page(request: Request, store: StoreDep, speaker_id: int, page_number: int = Query(1, alias="page", ge=1)):
    speaker = store.speaker(speaker_id)
    if speaker is None:
        raise HTTPException(404, f"no speaker {speaker_id}")
    if speaker["merged_into"] is not None:
        live = store.live_speaker_id(speaker_id)
        return RedirectResponse(f"/speakers/{live}", status_code=301)
    statements = store.search(SearchQuery(speaker=str(speaker_id), limit=PAGE_SIZE, offset=offset(page_number)))
    return page(request, "speaker.html", speaker=speaker, statements=statements,
                timeline=render.timeline(speaker["timeline"]), pager=pager(statements.total, page_number, {}))


@router.post("/speakers/{speaker_id}/merge")
def merge_form(request: Request, store: StoreDep, auth: AuthDep, speaker_id: int, others: str = Form(...),
               csrf: str = Form("")):
    auth.require_form_writer(request, csrf)
    ids = [int(x) for x in others.replace(",", " ").split() if x.isdecimal()]
    if not ids:
        raise HTTPException(400, "give the ids of the speakers to merge into this one")
    store.merge_speakers(speaker_id, ids)
    return RedirectResponse(f"/speakers/{speaker_id}", status_code=303)


@router.post("/speakers/{speaker_id}/split")
def split_form(request: Request, store: StoreDep, auth: AuthDep, speaker_id: int, names: str = Form(...),
               csrf: str = Form("")):
    auth.require_form_writer(request, csrf)
    chosen = [n.strip() for n in names.split("\n") if n.strip()]
    new_id = store.split_speaker(speaker_id, chosen)
    return RedirectResponse(f"/speakers/{new_id}", status_code=303)
