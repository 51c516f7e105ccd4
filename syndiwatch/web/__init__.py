"""The review desk: a server-rendered web UI and JSON API over the Store.

`create_app(store, token=...)` returns the Starlette application; the `serve`
command runs it under uvicorn. It never starts a scheduler.
"""

from __future__ import annotations

from syndiwatch.web.app import create_app

__all__ = ["create_app"]
