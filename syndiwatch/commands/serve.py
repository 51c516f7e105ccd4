"""`serve`: run the review desk (syndiwatch.web) under uvicorn until Ctrl-C.

Binds 127.0.0.1 by default; the token that unlocks reviewing comes from
`[web] token` or SYNDIWATCH_WEB_TOKEN (read by syndiwatch.config). Never starts
a scheduler: run `syndiwatch daemon` beside it for that.
"""

from __future__ import annotations

import contextlib
import socket

import click

from syndiwatch.commands import App, pass_app, user_errors

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


@click.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1, or [web] host).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default 8000).")
@pass_app
def serve(app: App, host: str | None, port: int | None) -> None:
    """Serve the review web UI and JSON API for media monitors.

    \b
    Examples:
      syndiwatch serve
      SYNDIWATCH_WEB_TOKEN=secret syndiwatch serve --port 8080
    """
    web = app.config.web
    with user_errors():
        store = app.store()
    run_desk(app, store, host or web.host, web.port if port is None else port, web.token)


def run_desk(app: App, store: object, host: str, port: int, token: str | None) -> None:
    """Serve the desk over `store` until Ctrl-C, saying where and whether it is read-only."""
    import uvicorn

    from syndiwatch.web import create_app

    # On loopback, answer only to loopback names: a web page that rebinds its own
    # domain to 127.0.0.1 must not be able to read the desk.
    hosts = LOOPBACK_HOSTS if host in ("127.0.0.1", "localhost", "::1") else None
    desk = create_app(store, token=token, allowed_hosts=hosts)  # type: ignore[arg-type]
    sock = bind_socket(host, port)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(desk, log_level="warning", access_log=False))
    shown = f"[{host}]" if ":" in host else host
    mode = "sign in with the token to review" if token else "read-only (no [web] token set)"
    app.err.print(
        f"Review desk on http://{shown}:{port}/ — {mode}. Ctrl-C stops it.", soft_wrap=True
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        app.err.print(f"Warning: listening on {host}, reachable beyond this machine.")
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
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}"
        ) from None
    sock.listen(128)
    return sock
