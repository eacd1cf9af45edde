"""The search page: statements filtered by text, speaker, publisher, dates, type and marks,
each shown in its sentence, with counts per speaker kind, type and publisher (facets)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from saywho.store import SearchQuery
from saywho.web import display
from saywho.web.deps import StoreDep
from saywho.web.pages import PAGE_SIZE, offset, page, pager

router = APIRouter(include_in_schema=False)

#: How each filter is named where the page lists the active ones.
FILTER_LABELS = {"q": "words", "speaker": "speaker", "publisher": "publisher", "since": "from", "until": "to",
                 "type": "type", "kind": "speaker kind", "tag": "tag", "bookmarked": "bookmarked",
                 "all": "every wire copy"}


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
    after: str | None = Query(None, max_length=400),
):
    given = {"q": q, "speaker": speaker, "publisher": publisher, "since": since, "until": until,
             "type": type, "kind": kind, "tag": tag, "bookmarked": bookmarked, "all": all_copies}
    params: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in given.items()}
    query = SearchQuery(text=params["q"], speaker=params["speaker"], publisher=params["publisher"],
                        since=params["since"], until=params["until"], type=params["type"], kind=params["kind"],
                        tag=params["tag"], bookmarked=bool(bookmarked), all_copies=all_copies,
                        limit=PAGE_SIZE, offset=0 if after else offset(page_number), after=after or None)
    settings = display.settings()
    results = store.search(query, context=settings.context_chars)
    facets = store.facets(query, limit=settings.facet_values)
    return page(
        request, "search.html", params=params, results=results, pager=pager(results.total, page_number, params, results.next_after),
        publishers=store.publishers(), tags=store.tags(), active=active_filters(params),
        facets=facet_links(facets, params),
    )


def _link(params: dict[str, Any], **changes: Any) -> str:
    """The search page with these filters changed (None removes one), back on page one."""
    merged = {**params, **changes}
    query = urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})
    return f"/search?{query}" if query else "/search"


def active_filters(params: dict[str, Any]) -> list[dict[str, str]]:
    """Each filter in use, as the page shows it, with a link to the search without it."""
    return [
        {"label": FILTER_LABELS[name],
         "value": "yes" if value is True else str(display.publisher_name(value) if name == "publisher" else value),
         "remove": _link(params, **{name: None})}
        for name, value in params.items() if value
    ]


def facet_links(facets: dict[str, list[dict[str, Any]]], params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Facet values with their counts, a link that filters on each, and whether it is the filter in use."""
    out = {}
    for facet, rows in facets.items():
        chosen = (params.get(facet) or "").lower()
        out[facet] = [
            {"value": row["value"], "label": display.publisher_name(row["value"]) if facet == "publisher" else row["value"],
             "n": row["n"], "active": row["value"].lower() == chosen,
             "href": _link(params, **{facet: None if row["value"].lower() == chosen else row["value"]})}
            for row in rows
        ]
    return out
