"""Showing hostile scraped text and links safely in HTML.

Jinja2's autoescape handles markup; this module adds what escaping does not:
bidi overrides and other invisible control characters are shown as visible
markers, and only http(s) URLs ever become links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

# Bidi embeddings/overrides/isolates, marks, and C0/C1 controls except tab and newline.
_INVISIBLE = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u0000-\u0008\u000b-\u001f\u007f-\u009f]"
)


def show_text(value: object) -> Markup:
    """Escape scraped text and make invisible control characters visible (e.g. ⟨U+202E⟩)."""
    if value is None:
        return Markup("")
    escaped = str(escape(str(value)))
    return Markup(_INVISIBLE.sub(_marker, escaped))


def _marker(m: re.Match[str]) -> str:
    code = f"U+{ord(m.group(0)):04X}"
    return f'<span class="ctl" title="control character {code}">⟨{code}⟩</span>'


def safe_href(url: object) -> str | None:
    """Return `url` if it is an absolute http(s) URL fit for an href, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if _INVISIBLE.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
