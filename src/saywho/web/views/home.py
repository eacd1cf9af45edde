"""The front page: what the corpus holds, statements per week, the most quoted speakers of a
chosen period, its publishers and tags, and the upload form."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from saywho.web import display, render
from saywho.web.deps import StoreDep
from saywho.web.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, period: str = "all"):
    settings = display.settings()
    if period not in settings.periods:
        raise HTTPException(400, f"period must be one of {', '.join(settings.periods)}, not {period!r}")
    days = store.statements_per_day()
    newest = days[-1]["day"] if days else None
    since = display.period_start(period, newest)
    return page(
        request, "index.html", counts=store.counts(), chart=render.timeline({d["day"]: d["n"] for d in days}, finest="week", max_bars=settings.chart_max_weeks),
        speakers=store.top_speakers(since=since, until=newest if since else None, limit=settings.top_speakers),
        periods=list(settings.periods), period=period, since=since, newest=newest,
        publishers=store.publishers()[:10], tags=store.tags()[:20],
    )
