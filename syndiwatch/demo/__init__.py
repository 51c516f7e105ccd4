"""The bundled demo sites: an original story, its copies and the loopback server for them.

`serve_sites()` (demo.server) serves every site in sites/ on its own 127.0.0.1 port;
sites/manifest.json lists the pages and the drift a correct engine must report.
"""

from __future__ import annotations

from syndiwatch.demo.server import DemoSites, serve_sites

__all__ = ["DemoSites", "serve_sites"]
