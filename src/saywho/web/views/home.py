"""The front page: what the corpus holds, its most quoted speakers, and the upload form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from saywho.web.deps import StoreDep
from saywho.web.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep):
    return page(
        request, "index.html", counts=store.counts(), speakers=store.speakers(limit=10).rows,
        publishers=store.publishers()[:10], tags=store.tags()[:20],
    )
