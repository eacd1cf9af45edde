"""``saywho serve``: browse, search and mark the corpus in a browser, plus a JSON API under /api.

Pages are server-rendered (Jinja2, autoescaped) with a little local JavaScript for
tooltips; no CDN, no inline script (the CSP forbids it). Handlers are plain ``def``
functions, so FastAPI runs them in its thread pool and each thread reads through its
own database connection while writes queue on the store's single writer.

This module only assembles the app; the routes are in web/views/ (pages) and web/api.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from saywho import __version__
from saywho.options import Engine, Options
from saywho.store import Store
from saywho.web import api, views
from saywho.web.errors import add_error_handlers
from saywho.web.limits import LimitsMiddleware, ServerLimits
from saywho.web.pages import WEB_ROOT, build_templates
from saywho.web.security import SECURITY_HEADERS, Auth


def create_app(
    db: str | None = None, *, token: str | None = None, store: Store | None = None, limits: ServerLimits | None = None,
    allowed_hosts: list[str] | None = None, engine: Engine = "tagger",
) -> FastAPI:
    """The web app over the store at ``db`` (or an open ``store``); writes need ``token``;
    ``limits`` bound each client's request size and rate (defaults: see web/limits.py);
    ``allowed_hosts`` are the Host headers answered (others get 400; ``saywho serve``
    always passes them, see security.allowed_hosts; None answers any, for embedding);
    ``engine`` analyses uploads (the tagger by default, "rules" the fast mode)."""
    app = FastAPI(
        title="saywho",
        version=__version__,
        description="Who said what in a corpus of news articles. Reads are open; writes need `Authorization: Bearer <token>`.",
        docs_url=None,  # the Swagger UI loads from a CDN; /openapi.json is served instead
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.store = store or Store.open(db, create=False)
    app.state.auth = Auth(token)
    app.state.templates = build_templates()
    app.state.upload_options = Options(engine=engine)
    # Starlette runs the middleware added last first: security headers go on every
    # response, the Host check's and the limits' refusals included.
    app.add_middleware(LimitsMiddleware, limits=limits or ServerLimits())
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts, www_redirect=False)
    app.middleware("http")(_security_headers)
    app.mount("/static", StaticFiles(directory=str(WEB_ROOT / "static")), name="static")
    add_error_handlers(app)
    for router in views.ROUTERS:
        app.include_router(router)
    app.include_router(api.router)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.store.close()


async def _security_headers(request: Request, call_next):
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
