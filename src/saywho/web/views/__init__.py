"""The pages, one router per group, in the order ``create_app`` includes them."""

from saywho.web.views import articles, home, search, session, speakers, statements

ROUTERS = (home.router, search.router, articles.router, speakers.router, statements.router, session.router)

__all__ = ["ROUTERS"]
