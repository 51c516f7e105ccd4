"""Scraped text made safe for a terminal: no control or bidi characters reach it.

A page's title, byline or body (or a server's error text) can carry ESC and C1
sequences (ESC[, the 8-bit CSI U+009B) that move the cursor, rewrite lines or set the
clipboard, DEL, and bidi overrides (U+202E) that show text in another order than it
is. `strip_controls` removes them; every console the CLI prints with is a
`TerminalConsole`, which applies it to every string it renders; JSON output keeps the
data and escapes them instead (`escape_controls_json`). Error lines and log lines are
cleaned in syndiwatch.cli.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

# C0 controls but tab and newline (ESC, CR, BS…), DEL, C1 controls (CSI U+009B, OSC
# U+009D…), and the bidi marks, embeddings, overrides and isolates.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_CHARS = re.compile(f"[{_UNSAFE}]")
# json.dumps escapes C0 itself; these it writes as they are with ensure_ascii=False.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """`text` without control characters (tab and newline kept) and bidi controls."""
    return _UNSAFE_CHARS.sub("", text)


def escape_controls_json(text: str) -> str:
    """JSON text with DEL, C1 and bidi controls written as \\u escapes (the same data)."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class TerminalConsole(Console):
    """A rich Console that strips control characters from every string it renders."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(strip_controls(text), **kwargs)
