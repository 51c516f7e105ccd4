"""Hide credentials in URLs and in free text before they are stored, logged or shown.

Database URLs (storage.engine), Redis URLs (`[queue] redis_url`, redis:// and
rediss://) and any URL a driver or redis-py quotes in an error message lose their
password here: `scheme://user:***@host` and `?password=***`. Used where run errors
and source health are written and read (storage), in the CLI's log formatter and
in every message that names the Redis server (syndiwatch.cluster, .worker, .enqueue).
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"
# `scheme://user:password@`: the user stays, everything up to the last `@` of the
# token goes (a password may hold an unescaped `@`); over-masking a path is harmless.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@?#]*:)\S*@")
# `?password=…` / `&password=…` (redis-py and libpq take credentials as query options).
_QUERY = re.compile(r"(?i)([?&;](?:password|passwd|pwd)=)[^&;#\s'\"]*")


def mask_secrets(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***."""
    if "://" not in text and "=" not in text:
        return text
    return _QUERY.sub(rf"\g<1>{MASK}", _USERINFO.sub(rf"\g<1>{MASK}@", text))


def mask_optional(text: str | None) -> str | None:
    return mask_secrets(text) if text is not None else None


def mask_json(value: Any) -> Any:
    """A JSON-shaped value (dicts, lists, strings) with every string masked."""
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, dict):
        return {k: mask_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_json(v) for v in value]
    return value
