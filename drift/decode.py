"""Turn page bytes into text: BOM, HTTP charset, <meta charset>, detection, mojibake repair.

Owns only decoding; parsing and extraction live in drift.normalise and its helpers.
Never raises: undecodable bytes become U+FFFD rather than an error.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

import charset_normalizer

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE | re.DOTALL
)
# Browsers (WHATWG Encoding Standard) read these labels as windows-1252: pages
# labelled latin-1 routinely carry curly quotes in the 0x80–0x9F range.
_AS_CP1252 = frozenset({"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii", "iso8859-1"})
# Sequences that appear when UTF-8 was decoded as windows-1252 (â€™, Ã©, Â ).
_MOJIBAKE = re.compile(
    "[ÂÃ][\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u203a™œ]|Ã[©¨¡¢£¤§ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿]"
)
_MOJIBAKE_MARKERS = ("Ã", "Â", "â€")
_WESTERN_SINGLE_BYTE = ("cp125", "latin", "iso8859", "mac_", "cp437", "cp850", "ascii")
_SNIFF_BYTES = 4096
_DETECT_BYTES = 200_000


def decode_html(data: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode an HTML page, honouring BOM, HTTP charset and <meta charset>, detecting when wrong."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    for declared in (_header_charset(headers), _meta_charset(data)):
        if declared is None:
            continue
        text = _decode_declared(data, declared)
        if text is not None:
            return _repair_mojibake(text)
    text = _try_decode(data, "utf-8")
    if text is not None:
        return _repair_mojibake(text)
    return _detect(data)


def _header_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type" and isinstance(value, str):
            m = _HEADER_CHARSET.search(value)
            if m:
                return _normalise_label(m.group(1))
    return None


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if not m:
        return None
    return _normalise_label(m.group(1).decode("ascii", errors="ignore"))


def _normalise_label(label: str) -> str | None:
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_declared(data: bytes, declared: str) -> str | None:
    """Decode with a declared charset, or None when the bytes prove the label wrong."""
    if declared in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):
        # A page that declares UTF-16 in ASCII-compatible bytes is not UTF-16.
        return None
    if declared != "utf-8" and not data.isascii():
        # Valid multi-byte UTF-8 almost never happens by chance in a legacy charset.
        as_utf8 = _try_decode(data, "utf-8")
        if as_utf8 is not None and declared in ("cp1252", "iso8859-15", "iso8859-2"):
            return as_utf8
    text = _try_decode(data, declared)
    if text is not None:
        return text
    # The label is wrong (a strict decode failed): let detection decide.
    return None


def _detect(data: bytes) -> str:
    sample = data[:_DETECT_BYTES]
    best = charset_normalizer.from_bytes(sample).best()
    encoding = best.encoding if best is not None else None
    if encoding is None or encoding.startswith(_WESTERN_SINGLE_BYTE):
        # Detection cannot tell cp1252 from its cousins on a few accented letters;
        # cp1252 is by far the likeliest when it decodes the bytes at all.
        as_cp1252 = _try_decode(data, "cp1252")
        if as_cp1252 is not None:
            return as_cp1252
        encoding = encoding or "cp1252"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-cp1252 only when the whole text round-trips cleanly."""
    if not any(marker in text for marker in _MOJIBAKE_MARKERS) or not _MOJIBAKE.search(text):
        return text
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    if len(_MOJIBAKE.findall(repaired)) < len(_MOJIBAKE.findall(text)):
        return repaired
    return text
