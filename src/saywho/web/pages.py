"""Rendering a page: the Jinja2 templates, the context every page shares, and paging links."""

from __future__ import annotations

from importlib import resources
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from saywho import __version__
from saywho.models import ATTRIBUTION_TYPES, SPEAKER_KINDS
from saywho.web import display, render

#: Rows per page in the browser (the API takes limit/offset up to the store's maximum).
PAGE_SIZE = 20

WEB_ROOT = resources.files("saywho.web")


def build_templates() -> jinja2.Environment:
    """Autoescaped, and strict: a misspelt variable fails the page instead of showing nothing."""
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(WEB_ROOT / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    # The choices the search and speakers forms offer come from the output contract's vocabulary.
    templates.globals.update(attribution_types=ATTRIBUTION_TYPES, speaker_kinds=SPEAKER_KINDS)
    templates.filters["web_link"] = render.web_link
    # Publishers are shown by name, without the site's tagline ("BBC News - Home").
    templates.filters["publisher"] = display.publisher_name
    templates.filters["in_context"] = display.in_context
    templates.filters["qs"] = lambda params: urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    return templates


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template ``name`` rendered for this request. It reads the app's state itself
    rather than taking dependencies, because error handlers render pages too."""
    state = request.app.state
    auth = state.auth
    logged_in = auth.logged_in(request)
    html = state.templates.get_template(name).render(
        request_path=request.url.path,
        writable=auth.writable,
        logged_in=logged_in,
        csrf=auth.csrf_token() if logged_in else "",
        dialect=state.store.dialect,
        version=__version__,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def offset(page_number: int) -> int:
    """The first row of a page, counting pages from 1."""
    return (page_number - 1) * PAGE_SIZE


def pager(total: int, page_number: int, params: dict[str, Any], after: str | None = None) -> dict[str, Any]:
    """Page links; ``after``, the cursor of the page after this one, makes the next link
    a keyset link (a deep page then costs what the first does)."""
    pages = max(1, -(-total // PAGE_SIZE))
    first = (page_number - 1) * PAGE_SIZE + 1 if total else 0
    last = min(total, page_number * PAGE_SIZE)

    def link(n: int, cursor: str | None = None) -> str:
        given = {k: v for k, v in params.items() if v not in (None, "", False)}
        return "?" + urlencode({**given, "page": n, **({"after": cursor} if cursor else {})})

    return {
        "page": page_number, "pages": pages, "first": first, "last": last, "total": total,
        "prev": link(page_number - 1) if page_number > 1 else None,
        "next": link(page_number + 1, after) if page_number < pages else None,
    }
