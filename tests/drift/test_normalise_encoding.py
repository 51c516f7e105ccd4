"""Decoding pages: HTTP charset, <meta charset>, BOMs, wrong labels, legacy CJK encodings."""

from __future__ import annotations

import codecs
import time

import pytest

from drift.decode import decode_html
from drift.normalise import normalise

WESTERN = (
    "Café owners in Zürich said the ministry’s “decision” came too late — naïve, "
    "according to the résumé of the hearing, which lasted until 9 p.m."
)
JAPANESE = (
    "東京で記者会見が開かれ、政府は新しい政策を発表しました。担当者は詳しい説明を避けました。"
)
CHINESE = "中华人民共和国外交部发言人在例行记者会上表示，中方对此表示严重关切，并将采取必要措施。"


def html(text: str, meta: str = "") -> str:
    return (
        f"<html><head>{meta}<title>t</title></head><body><article>"
        f"<p>{text}</p><p>{text}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("encoding", "headers", "meta"),
    [
        ("cp1252", {"Content-Type": "text/html; charset=windows-1252"}, ""),
        ("cp1252", None, ""),  # no header, no meta: detected
        ("cp1252", {"Content-Type": "text/html; charset=utf-8"}, ""),  # mislabelled UTF-8
        ("cp1252", {"Content-Type": "text/html; charset=ISO-8859-1"}, ""),  # curly quotes
        ("cp1252", None, "<meta charset='utf-8'>"),  # mislabelled in the page
        ("utf-8", {"Content-Type": "text/html; charset=ISO-8859-1"}, ""),  # UTF-8 labelled latin-1
        ("utf-8", None, "<meta http-equiv='Content-Type' content='text/html; charset=utf-8'>"),
    ],
)
def test_western_text_decodes(encoding: str, headers: dict[str, str] | None, meta: str) -> None:
    data = html(WESTERN, meta).encode(encoding)
    assert WESTERN in decode_html(data, headers)


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins_over_labels(bom: bytes, codec: str) -> None:
    data = bom + html(WESTERN, "<meta charset='iso-8859-1'>").encode(codec)
    assert WESTERN in decode_html(data, {"Content-Type": "text/html; charset=iso-8859-1"})


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (JAPANESE, "shift_jis", "Shift_JIS"),
        (JAPANESE, "shift_jis", None),
        (CHINESE, "gb18030", "GB18030"),
        (CHINESE, "gb18030", None),
        (CHINESE, "gb18030", "gb2312"),  # the common under-declaration
    ],
)
def test_cjk_encodings(text: str, codec: str, label: str | None) -> None:
    headers = {"Content-Type": f"text/html; charset={label}"} if label else None
    assert text in decode_html(html(text).encode(codec), headers)


def test_mojibake_repaired_only_when_unambiguous() -> None:
    # ” (E2 80 9D) has no cp1252 reading, so this sample avoids it.
    text = "Café owners in Zürich said the ministry’s decision came too late — naïve résumé."
    double = html(text).encode("utf-8").decode("cp1252").encode("utf-8")
    assert "ministryâ€™s" in double.decode("utf-8")
    assert text in decode_html(double)
    # Text that merely contains "Ã" next to a symbol is left alone when it does not round-trip.
    odd = html("Ã© is how the bug looks, and “this” quote is real text.").encode("utf-8")
    assert "Ã© is how" in decode_html(odd)


def test_normalise_uses_the_decoded_text() -> None:
    data = html(WESTERN).encode("cp1252")
    art = normalise(data, "https://e.example/a", {"Content-Type": "text/html; charset=utf-8"})
    assert art.paragraphs[0] == WESTERN
    sjis = html(JAPANESE, "<meta charset='shift_jis'>").encode("shift_jis")
    assert normalise(sjis, "https://e.example/j").paragraphs[0] == JAPANESE


def test_undecodable_bytes_do_not_raise() -> None:
    data = b"<html><body><p>" + bytes(range(128, 256)) * 4 + b"</p></body></html>"
    assert isinstance(decode_html(data, {"Content-Type": "text/html; charset=bogus-42"}), str)


RUSSIAN = "Министерство заявило, что решение было принято слишком поздно, сообщили в пресс-службе."


@pytest.mark.parametrize(
    ("text", "codec", "headers", "meta"),
    [
        # A label no browser knows is ignored and the next source decides.
        (JAPANESE, "shift_jis", {"Content-Type": "text/html; charset=undefined"}, "shift_jis"),
        (RUSSIAN, "cp1251", None, "<meta charset='punycode'><meta charset='windows-1251'>"),
        (RUSSIAN, "cp1251", None, "<meta charset='undefined'><meta charset='cp1251'>"),
        (WESTERN, "utf-8", {"Content-Type": "text/html; charset=unicode_escape"}, ""),
        (WESTERN, "utf-8", None, "<meta charset='utf-7'>"),
        # The standard's aliases.
        (RUSSIAN, "utf-8", {"Content-Type": "text/html; charset=utf8"}, "windows-1251"),
        (WESTERN, "cp1252", None, "<meta charset='latin1'>"),
        (WESTERN, "cp1252", None, "<meta charset='ascii'>"),
        (RUSSIAN, "cp1251", {"Content-Type": "text/html; charset= x-cp1251 "}, ""),
        (CHINESE + "😀", "gb18030", None, "<meta charset='gbk'>"),  # gbk reads as gb18030
        (JAPANESE, "utf-8", None, "<meta charset='utf-16'>"),  # utf-16 in a <meta> is UTF-8
    ],
    ids=[
        "header-undefined",
        "meta-punycode",
        "meta-undefined",
        "header-unicode_escape",
        "meta-utf-7",
        "header-utf8",
        "meta-latin1",
        "meta-ascii",
        "header-x-cp1251",
        "meta-gbk",
        "meta-utf-16",
    ],
)
def test_only_standard_labels_are_honoured(
    text: str, codec: str, headers: dict[str, str] | None, meta: str
) -> None:
    if meta and not meta.startswith("<"):
        meta = f"<meta charset='{meta}'>"
    assert text in decode_html(html(text, meta).encode(codec), headers)


def test_latin1_label_is_windows_1252() -> None:
    data = html("\x93quoted\x94 and \x80 5", "<meta charset='latin1'>").encode("latin-1")
    assert "“quoted” and € 5" in decode_html(data)
    header = {"Content-Type": "text/html; charset=ISO8859-1"}
    assert "“quoted” and € 5" in decode_html(data.replace(b"latin1", b"x"), header)


def test_punycode_label_is_ignored_and_fast() -> None:
    # Python's punycode codec is quadratic: this 640 KB page took 30 s of CPU to decode.
    para = "<p>The committee met on Tuesday and agreed the budget after a long debate.</p>"
    page = html(para * 4_000, "<meta charset='punycode'>").encode() + b"<!-" + b"b" * 320_000
    started = time.process_time()
    text = decode_html(page, {"Content-Type": "text/html; charset=punycode"})
    assert time.process_time() - started < 1.0
    assert text == page.decode("utf-8")


def test_undefined_label_falls_back() -> None:
    for headers, meta in (
        (None, "<meta charset='undefined'>"),
        ({"Content-Type": "text/html; charset=undefined"}, ""),
    ):
        data = html(WESTERN, meta).encode("utf-8")
        assert normalise(data, "https://e.example/u", headers).paragraphs[0] == WESTERN


def test_x_user_defined() -> None:
    data = html("caf\xe9", "").encode("latin-1")
    header = {"Content-Type": "text/html; charset=x-user-defined"}
    assert "caf\uf7e9" in decode_html(data, header)  # bytes 80–FF map to U+F780–U+F7FF
    # In a <meta>, x-user-defined means windows-1252.
    assert "café" in decode_html(html("caf\xe9", "<meta charset=x-user-defined>").encode("latin-1"))


@pytest.mark.parametrize("label", ["replacement", "iso-2022-kr", "hz-gb-2312", "csiso2022kr"])
def test_replacement_labels_read_as_one_replacement_character(label: str) -> None:
    # Browsers refuse these encodings (they let ASCII-looking bytes turn into markup).
    data = html(WESTERN).encode("utf-8")
    assert decode_html(data, {"Content-Type": f"text/html; charset={label}"}) == "\ufffd"
