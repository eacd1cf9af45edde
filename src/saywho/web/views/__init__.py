"""The pages, one router per group, in the order ``create_app`` includes them."""

from saywho.web.views import apidocs, articles, home, search, session, speakers, statements

ROUTERS = (home.router, search.router, articles.router, speakers.router, statements.router, session.router,
           apidocs.router)

__all__ = ["ROUTERS"]
