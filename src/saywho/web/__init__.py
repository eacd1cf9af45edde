"""``saywho serve``: the corpus in a browser (pages) and over HTTP (JSON API under /api)."""

from saywho.web.app import create_app

__all__ = ["create_app"]
