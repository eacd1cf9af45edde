"""The speaker pages: the list, one speaker's statements and timeline, and the forms that
merge speakers or split one."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from saywho.store import SearchQuery
from saywho.web import display, render
from saywho.web.deps import AuthDep, StoreDep
from saywho.web.pages import PAGE_SIZE, offset, page, pager

router = APIRouter(include_in_schema=False)

#: Speakers listed as quoted in the same articles as the one shown.
QUOTED_WITH_SHOWN = 10


#: The speakers list's sortable columns: the ``sort`` value, the column heading.
SORTABLE = {"statements": "Statements", "articles": "Articles", "latest": "Latest"}


@router.get("/speakers", response_class=HTMLResponse)
def speakers_page(request: Request, store: StoreDep, kind: str | None = None, name: str | None = None,
                  sort: str = "statements", direction: str = Query("desc", alias="dir"),
                  min_statements: str | None = Query(None, alias="min"), since: str | None = None,
                  until: str | None = None, page_number: int = Query(1, alias="page", ge=1)):
    params = {"kind": kind or None, "name": (name or "").strip() or None, "min": (min_statements or "").strip() or None,
              "since": (since or "").strip() or None, "until": (until or "").strip() or None}
    listing = store.speakers(kind=params["kind"], name=params["name"], sort=sort, direction=direction,
                             min_statements=_whole_number(params["min"], "minimum statements"),
                             since=params["since"], until=params["until"], limit=PAGE_SIZE, offset=offset(page_number))
    ordered = {**params, "sort": sort, "dir": direction}
    headings = [_heading(column, label, params, sort, direction) for column, label in SORTABLE.items()]
    return page(request, "speakers.html", listing=listing, params=ordered, headings=headings,
                pager=pager(listing.total, page_number, ordered))


def _heading(column: str, label: str, params: dict[str, Any], sort: str, direction: str) -> dict[str, Any]:
    """A sortable column heading: its link sorts by it, most first, or flips the order if
    the list is sorted by it already (filters kept, back to page 1)."""
    current = column == sort
    flipped = "asc" if current and direction == "desc" else "desc"
    href = "?" + urlencode({k: v for k, v in {**params, "sort": column, "dir": flipped}.items() if v})
    aria = ("descending" if direction == "desc" else "ascending") if current else "none"
    return {"label": label, "href": href, "aria": aria, "arrow": ("↓" if direction == "desc" else "↑") if current else ""}


def _whole_number(value: str | None, what: str) -> int | None:
    if value is None:
        return None
    if not value.isdecimal():
        raise HTTPException(400, f"{what} must be a whole number, not {value!r}")
    return int(value)


@router.get("/speakers/{speaker_id}", response_class=HTMLResponse)
def speaker_page(request: Request, store: StoreDep, speaker_id: int, q: str | None = None, type: str | None = None,
                 since: str | None = None, until: str | None = None, page_number: int = Query(1, alias="page", ge=1),
                 after: str | None = Query(None, max_length=400)):
    speaker = store.speaker(speaker_id, timeline=False)
    if speaker is None:
        raise HTTPException(404, f"no speaker {speaker_id}")
    if speaker["merged_into"] is not None:
        live = store.live_speaker_id(speaker_id)
        return RedirectResponse(f"/speakers/{live}", status_code=301)
    params = {"q": (q or "").strip() or None, "type": type or None, "since": (since or "").strip() or None,
              "until": (until or "").strip() or None}
    statements = store.search(SearchQuery(speaker=str(speaker_id), text=params["q"], type=params["type"],
                                          since=params["since"], until=params["until"], limit=PAGE_SIZE,
                                          offset=0 if after else offset(page_number), after=after or None),
                              context=display.settings().context_chars)
    return page(request, "speaker.html", speaker=speaker, statements=statements, params=params,
                filtered=any(params.values()), timeline=render.timeline(store.speaker_days(speaker_id)),
                quoted_with=store.quoted_with(speaker_id, QUOTED_WITH_SHOWN),
                pager=pager(statements.total, page_number, params, statements.next_after))


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
