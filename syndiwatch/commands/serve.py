"""`serve`: run the review desk (syndiwatch.web) under uvicorn until Ctrl-C.

Binds 127.0.0.1 by default; the token that unlocks reviewing comes from
`[web] token` or SYNDIWATCH_WEB_TOKEN (read by syndiwatch.config) and must be
a strong one. Never starts a scheduler: run `syndiwatch daemon` beside it for
that. How uvicorn is set up (Host rules, proxies, deadlines) is in
syndiwatch.web.serving.
"""

from __future__ import annotations

import contextlib
import socket

import click

from syndiwatch.commands import App, pass_app, user_errors
from syndiwatch.config import WebConfig


@click.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1, or [web] host).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default 8000).")
@pass_app
def serve(app: App, host: str | None, port: int | None) -> None:
    """Serve the review web UI and JSON API for media monitors.

    \b
    Examples:
      syndiwatch serve
      SYNDIWATCH_WEB_TOKEN=PASTE-YOUR-TOKEN-HERE syndiwatch serve --port 8080
    """
    web = app.config.web
    host = host or web.host
    check_desk_settings(web, host, web.token)
    with user_errors():
        store = app.store()
    run_desk(app, store, host, web.port if port is None else port, web.token)


def check_desk_settings(web: WebConfig, host: str, token: str | None) -> list[str]:
    """Refuse a weak token or a wildcard bind without allowed hosts; return the allow-list."""
    from syndiwatch.web.security import MAKE_TOKEN, weak_token_reason
    from syndiwatch.web.serving import host_allow_list

    if token and (reason := weak_token_reason(token)):
        raise click.ClickException(f"{reason}; make a strong one with: {MAKE_TOKEN}")
    hosts = host_allow_list(host, web.allowed_hosts)
    if hosts is None:
        raise click.ClickException(
            f"listening on {host or 'every address'} needs [web] allowed_hosts, the names "
            'clients use for the desk (e.g. allowed_hosts = ["desk.example.org"])'
        )
    return hosts


def run_desk(app: App, store: object, host: str, port: int, token: str | None) -> None:
    """Serve the desk over `store` until Ctrl-C, saying where and whether it is read-only."""
    import uvicorn

    from syndiwatch.web import create_app
    from syndiwatch.web.serving import deadline_protocol, is_loopback

    web = app.config.web
    # Only the names in the allow-list: a web page that rebinds its own domain to
    # the desk's address must not be able to read it.
    hosts = check_desk_settings(web, host, token)
    desk = create_app(
        store,  # type: ignore[arg-type]
        token=token,
        allowed_hosts=hosts,
        secure_cookies=web.secure_cookies,
    )
    sock = bind_socket(host, port)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        desk,
        log_level="warning",
        access_log=False,
        http=deadline_protocol(web.read_timeout),
        # X-Forwarded-For/-Proto only from the proxies named in [web] trust_proxy.
        proxy_headers=bool(web.trust_proxy),
        forwarded_allow_ips=list(web.trust_proxy) or None,
        server_header=False,
    )
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    mode = "sign in with the token to review" if token else "read-only (no [web] token set)"
    app.err.print(
        f"Review desk on http://{shown}:{port}/ — {mode}. Ctrl-C stops it.", soft_wrap=True
    )
    if not is_loopback(host):
        app.err.print(
            f"Warning: listening on {host}, reachable beyond this machine; put a TLS proxy "
            "in front of it (README, Security).",
            soft_wrap=True,
        )
    # uvicorn re-raises the Ctrl-C it handled gracefully; that is our normal exit.
    with sock, contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    app.err.print("Review desk stopped.")


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves so a busy port is a one-line error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}"
        ) from None
    sock.listen(128)
    return sock
