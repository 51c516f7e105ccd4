"""Turn page bytes into text: BOM, HTTP charset, <meta charset>, detection, mojibake repair.

Owns only decoding; parsing and extraction live in drift.normalise and its helpers.
Only the WHATWG Encoding Standard's labels are honoured (webencodings holds its table),
as a browser does: an unknown label is ignored and the next source decides.
Never raises: undecodable bytes become U+FFFD rather than an error.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping

import charset_normalizer
import webencodings

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
# Label → encoding name, the Encoding Standard's table ("latin1" and "ascii" are
# windows-1252 there: pages labelled latin-1 routinely carry curly quotes in 0x80–0x9F).
_LABELS: Mapping[str, str] = webencodings.LABELS
# Encoding name → Python codec. The standard's gbk decoder is its gb18030 decoder.
_CODECS: Mapping[str, str] = {**webencodings.PYTHON_NAMES, "gbk": "gb18030"}
_UTF16 = frozenset({"utf-16le", "utf-16be"})
# Decoded by webencodings' own codecs (not registered with Python's codecs module).
_CUSTOM = frozenset({"x-user-defined"})
# The standard's "replacement" encoding (ISO-2022-KR, HZ, …): the page reads as one U+FFFD.
_REPLACEMENT = "replacement"
# Sequences that appear when UTF-8 was decoded as windows-1252 (â€™, Ã©, Â ).
_MOJIBAKE = re.compile(
    "[ÂÃ][\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u203a™œ]|Ã[©¨¡¢£¤§ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿]"
)
_MOJIBAKE_MARKERS = ("Ã", "Â", "â€")
_WESTERN_SINGLE_BYTE = ("windows-125", "iso-8859", "macintosh", "x-mac-")
# A legacy label on bytes that are valid multi-byte UTF-8 is a mislabelled UTF-8 page.
_UTF8_OVER = frozenset({"windows-1252", "iso-8859-15", "iso-8859-2"})
_SNIFF_BYTES = 4096
_DETECT_BYTES = 200_000


def decode_html(data: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode an HTML page, honouring BOM, HTTP charset and <meta charset>, detecting when wrong."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    for declared in (_header_encoding(headers), _meta_encoding(data)):
        if declared is None:
            continue
        text = _decode_declared(data, declared)
        if text is not None:
            return _repair_mojibake(text)
    text = _try_decode(data, "utf-8")
    if text is not None:
        return _repair_mojibake(text)
    return _detect(data)


def lookup_label(label: str) -> str | None:
    """The Encoding Standard's name for a charset label, or None for a label browsers ignore."""
    return _LABELS.get(label.strip("\t\n\f\r ").lower())


def _header_encoding(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type" and isinstance(value, str):
            m = _HEADER_CHARSET.search(value)
            if m:
                return lookup_label(m.group(1))
    return None


def _meta_encoding(data: bytes) -> str | None:
    """The first <meta> charset a browser would honour (unknown labels are skipped)."""
    for m in _META_CHARSET.finditer(data[:_SNIFF_BYTES]):
        name = lookup_label(m.group(1).decode("ascii", errors="ignore"))
        if name in _UTF16:
            return "utf-8"  # bytes that spell a <meta> in ASCII are not UTF-16
        if name in _CUSTOM:
            return "windows-1252"
        if name is not None:
            return name
    return None


def _decode_declared(data: bytes, declared: str) -> str | None:
    """Decode with a declared encoding, or None when the bytes prove the label wrong."""
    if declared == _REPLACEMENT:
        return "\ufffd" if data else ""
    if declared in _UTF16:
        # A page that declares UTF-16 in ASCII-compatible bytes is not UTF-16.
        return None
    if declared != "utf-8" and not data.isascii():
        # Valid multi-byte UTF-8 almost never happens by chance in a legacy charset.
        as_utf8 = _try_decode(data, "utf-8")
        if as_utf8 is not None and declared in _UTF8_OVER:
            return as_utf8
    # None means the label is wrong (a strict decode failed): let detection decide.
    return _try_decode(data, declared)


def _decoder(name: str) -> codecs.CodecInfo:
    if name in _CUSTOM:
        info: codecs.CodecInfo = webencodings.lookup(name).codec_info
        return info
    return codecs.lookup(_CODECS.get(name, name))


def _try_decode(data: bytes, name: str) -> str | None:
    """Decode strictly with a standard encoding; None when the bytes do not fit it."""
    try:
        return _decoder(name).decode(data, "strict")[0]
    except (UnicodeError, LookupError):
        return None


def _decode_replacing(data: bytes, name: str) -> str:
    try:
        return _decoder(name).decode(data, "replace")[0]
    except (UnicodeError, LookupError):  # no standard codec raises with "replace"; be sure
        return data.decode("cp1252", errors="replace")


def _detect(data: bytes) -> str:
    sample = data[:_DETECT_BYTES]
    best = charset_normalizer.from_bytes(sample).best()
    name = _standard_name(best.encoding) if best is not None else None
    if name is None or name.startswith(_WESTERN_SINGLE_BYTE):
        # Detection cannot tell cp1252 from its cousins on a few accented letters;
        # cp1252 is by far the likeliest when it decodes the bytes at all.
        as_cp1252 = _try_decode(data, "windows-1252")
        if as_cp1252 is not None:
            return as_cp1252
        name = name or "windows-1252"
    return _decode_replacing(data, name)


def _standard_name(codec: str) -> str | None:
    """The standard encoding of a detected Python codec; None for one no browser decodes with."""
    try:
        python = codecs.lookup(codec).name
    except LookupError:
        return None
    name = _BY_CODEC.get(python)
    return None if name in (_REPLACEMENT, *_UTF16) else name


def _codec_names() -> Iterator[tuple[str, str]]:
    for label, name in _LABELS.items():
        for python in (label, _CODECS.get(name, name)):
            try:
                yield codecs.lookup(python).name, name
            except LookupError:
                continue


# Python codec name → standard encoding, for what charset_normalizer detects ("euc_jp",
# "big5", "cp949"); codecs outside the standard (utf_7, cp037, hz) are not in it.
_BY_CODEC: Mapping[str, str] = dict(_codec_names())


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
