"""The search page: statements filtered by text, speaker, publisher, dates, type and marks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from saywho.store import SearchQuery
from saywho.web.deps import StoreDep
from saywho.web.pages import PAGE_SIZE, offset, page, pager

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    store: StoreDep,
    q: str | None = None,
    speaker: str | None = None,
    publisher: str | None = None,
    since: str | None = None,
    until: str | None = None,
    type: str | None = None,
    kind: str | None = None,
    tag: str | None = None,
    bookmarked: bool = False,
    all_copies: bool = Query(False, alias="all"),
    page_number: int = Query(1, alias="page", ge=1),
):
    given = {"q": q, "speaker": speaker, "publisher": publisher, "since": since, "until": until,
             "type": type, "kind": kind, "tag": tag, "bookmarked": bookmarked, "all": all_copies}
    params: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in given.items()}
    query = SearchQuery(text=params["q"], speaker=params["speaker"], publisher=params["publisher"],
                        since=params["since"], until=params["until"], type=params["type"], kind=params["kind"],
                        tag=params["tag"], bookmarked=bool(bookmarked), all_copies=all_copies, limit=PAGE_SIZE, offset=offset(page_number))
    results = store.search(query)
    return page(
        request, "search.html", params=params, results=results, pager=pager(results.total, page_number, params),
        publishers=store.publishers(), tags=store.tags(),
    )
