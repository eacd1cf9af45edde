"""``saywho serve``: the corpus in a web browser, with a JSON API (a thin layer over saywho.web)."""

from __future__ import annotations

from typing import Annotated

import typer

from saywho.cli._common import EXIT_USAGE, chosen_engine, fail, message_line
from saywho.cli.store import DbOption, opened


def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, metavar="PORT", help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(envvar="SAYWHO_TOKEN", metavar="SECRET", help="Secret that unlocks writes (upload, tags, merges). Without it the server is read-only.", show_default=False),
    ] = None,
    rate_limit: Annotated[
        float,
        typer.Option(envvar="SAYWHO_RATE_LIMIT", min=0.0, metavar="PER_SECOND", help="Requests per second one client may keep up (bursts of 100 allowed); 0 for no limit."),
    ] = 20.0,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            metavar="HOST",
            help="Another Host name to answer (repeat for several), e.g. the public name of a proxy in front. "
            "Always answered: the bound address, localhost, 127.0.0.1, [::1]; any other Host gets 400.",
            show_default=False,
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            metavar="ADDRESSES",
            help="Comma-separated addresses of your reverse proxy: only requests from them may set the client address "
            "with X-Forwarded-For (which the rate limit counts by). Default: nobody, forwarded headers are ignored.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", metavar="ENGINE", help="What analyses uploads: tagger (the more accurate) or rules (the fast mode; docs/model.md)."
        ),
    ] = "tagger",
) -> None:
    """Browse and search the corpus in a web browser, with a JSON API (/api, /openapi.json).

    Exits 2 when the database cannot be opened or the address cannot be listened on
    (port in use, no such interface, a privileged port).

    Example:

        SAYWHO_TOKEN=$(openssl rand -hex 16) saywho serve --db corpus.db
    """
    import uvicorn

    from saywho.web import create_app
    from saywho.web.security import allowed_hosts

    with opened(db) as store:
        pass  # fail early and clearly on a missing or newer database
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        fail(f"--token must be at least {MIN_TOKEN_LENGTH} characters", EXIT_USAGE)
    from saywho.web.limits import ServerLimits

    engine = chosen_engine(engine, None)  # what uploads are analysed with
    _check_address(host, port)
    app = create_app(db, token=token, limits=ServerLimits(rate=rate_limit), allowed_hosts=allowed_hosts(host, allowed_host or []),
                     engine=engine)
    mode = "writes need the token" if token else "read-only (no --token)"
    typer.echo(f"saywho: serving {store.backend.dialect} corpus on http://{host}:{port}/ ({mode})", err=True)
    if host in WILDCARD_HOSTS and not allowed_host:
        # Listening everywhere, but other machines reach it by a name or address that is not
        # on the allow-list: say so now rather than leave them puzzling over a 400.
        typer.echo(message_line("note", "only Host localhost, 127.0.0.1 and [::1] are answered; "
                   "add --allowed-host NAME for the name or address other machines use"), err=True)
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default: any local client could then
    # pick its own address and walk past the rate limit. Only a named proxy is trusted.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=forwarded_allow_ips is not None,
                forwarded_allow_ips=forwarded_allow_ips)


def _check_address(host: str, port: int) -> None:
    """Exit 2 with one line when ``host:port`` cannot be listened on, before saying "serving"."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        fail(f"cannot listen on {host}: {error.strerror}", EXIT_USAGE)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is not "in use"
        try:
            probe.bind(address)
        except OSError as error:
            reason = {
                errno.EADDRINUSE: f"port {port} is already in use on {host} (another saywho serve?); choose another with --port",
                errno.EADDRNOTAVAIL: f"{host} is not an address of this machine",
                errno.EACCES: f"port {port} needs privileges; choose one above 1023 with --port",
            }.get(error.errno or 0, error.strerror or str(error))
            fail(f"cannot listen on {host}:{port}: {reason}", EXIT_USAGE)


#: Addresses that listen on every interface.
WILDCARD_HOSTS = ("0.0.0.0", "::", "[::]")

#: Shorter tokens are too easy to guess for a server others can reach.
MIN_TOKEN_LENGTH = 12


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
