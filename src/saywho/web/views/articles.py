"""The article pages: the list, one article with its statements marked in the text, and
the upload form's target."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from saywho.models import Article
from saywho.web import display, render
from saywho.web.deps import AuthDep, StoreDep, UploadOptionsDep
from saywho.web.pages import PAGE_SIZE, offset, page, pager
from saywho.web.uploads import store_upload

router = APIRouter(include_in_schema=False)


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, store: StoreDep, title: str | None = None, publisher: str | None = None,
                  since: str | None = None, until: str | None = None, page_number: int = Query(1, alias="page", ge=1)):
    params = {"title": (title or "").strip() or None, "publisher": publisher or None, "since": since or None,
              "until": until or None}
    listing = store.articles(**params, limit=PAGE_SIZE, offset=offset(page_number))
    return page(request, "articles.html", listing=listing, params=params, publishers=store.publishers(),
                pager=pager(listing.total, page_number, params))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, store: StoreDep, article_id: int):
    stored = store.article(article_id)
    if stored is None:
        raise HTTPException(404, f"no article {article_id}")
    article: Article = stored["article"]
    colours: dict[str, int] = {}
    info = [_statement(stored, index, attribution, colours) for index, attribution in enumerate(article.attributions)]
    headline, body = display.split_headline(render.segments(article), article.text, article.title)
    return page(request, "article.html", stored=stored, article=article, headline=headline, segments=body,
                info=info, legend=_legend(stored, article, colours))


def _statement(stored: dict[str, Any], index: int, attribution: Any, colours: dict[str, int]) -> dict[str, Any]:
    """One statement of the article as the page lists it; gives its speaker the next colour
    when the speaker is new, so colours follow the order speakers are first quoted in."""
    local = attribution.speaker.id if attribution.speaker else None
    corpus = stored["speakers"].get(local) if local else None
    corpus = stored["reassigned"].get(stored["attribution_ids"][index], corpus)  # fixed by hand
    if local is not None and local not in colours:
        colours[local] = len(colours) % render.SPEAKER_COLOURS
    return {
        "id": stored["attribution_ids"][index],
        "speaker": corpus["name"] if corpus else (attribution.speaker.name if attribution.speaker else "unknown"),
        "speaker_id": corpus["id"] if corpus else None,
        "colour": colours.get(local, "none") if local else "none",
        "cue": attribution.cue.text if attribution.cue else "",
        "type": attribution.type,
        "confidence": f"{attribution.confidence:.2f}",
        "content": attribution.content.text,
        "marks": stored["marks"].get(stored["attribution_ids"][index], {"tags": [], "bookmarked": False, "note": None}),
    }


def _legend(stored: dict[str, Any], article: Article, colours: dict[str, int]) -> list[dict[str, Any]]:
    """The quoted speakers with their colours, in the article's speaker order."""
    legend = []
    for speaker in article.speakers:
        if speaker.id in colours:
            corpus = stored["speakers"].get(speaker.id) or {}
            legend.append({"name": corpus.get("name") or speaker.name, "id": corpus.get("id"),
                           "colour": colours[speaker.id], "kind": speaker.kind})
    return legend


@router.post("/upload")
def upload_form(
    request: Request,
    store: StoreDep,
    auth: AuthDep,
    options: UploadOptionsDep,
    file: Annotated[UploadFile, File()],
    title: str = Form(""),
    published: str = Form(""),
    publisher: str = Form(""),
    csrf: str = Form(""),
):
    auth.require_form_writer(request, csrf)
    stored = store_upload(store, file, title or None, published or None, publisher or None, options)
    return RedirectResponse(f"/articles/{stored.id}", status_code=303)
