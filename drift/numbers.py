"""Numbers in news prose, read into comparable values.

Owns: 2,800 / 2.800 / 2 800, decimals, 1 million / 1m / 1.5bn, percentages, money,
ordinals, fractions and number words up to a million, and digits inside unspaced
scripts (33人, 43명). Two spellings of one value
compare equal, so a formatting-only change is never reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "twentieth": 20, "thirtieth": 30, "hundredth": 100,
}  # fmt: skip
# Fractions: "half", "a third", "two thirds", "three quarters".
_FRACTIONS = {
    "half": 2, "halves": 2, "thirds": 3, "third": 3, "quarters": 4, "quarter": 4,
    "fifths": 5, "fifth": 5,
}  # fmt: skip
_SCALES = {
    "hundred": 100, "thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000,
    "mln": 1_000_000, "mn": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000,
    "b": 1_000_000_000, "trillion": 10**12, "tn": 10**12,
    "dozen": 12, "dozens": 12, "millions": 1_000_000, "billions": 1_000_000_000,
}  # fmt: skip
_CURRENCY = r"(?:US\$|A\$|C\$|HK\$|\$|€|£|¥|₹|₩|₽|R\$)"
_WORDS = "|".join(sorted([*_UNITS, "hundred", "thousand", "million", "billion", "a"], key=len))
_NUM_WORD_RUN = rf"(?:(?:{_WORDS})(?:[\s-]+(?:and\s+)?(?:{_WORDS}))*)"
_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 2,800 / 1,234.5
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"  # 2.800 / 1.234,5
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?"  # 2 800
    r"|\d+(?:[.,]\d+)?"
)
# A cheap first look: text without a digit or a number word holds no number.
_HINT = re.compile(
    r"\d|\b(?:" + "|".join([*_UNITS, *_ORDINAL_WORDS, *_SCALES, *_FRACTIONS]) + r")\b",
    re.IGNORECASE,
)
# Letters of scripts written without spaces between words (CJK, kana, Hangul): a digit
# right after one starts a number (33人, 第3), a digit right after a Latin letter does not.
_UNSPACED = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af"
NUMBER = re.compile(
    rf"(?<![^\W{_UNSPACED}])(?P<cur>{_CURRENCY})?\s?\(?(?P<num>{_DIGITS})\)?"
    rf"(?:(?P<ord>st|nd|rd|th)\b)?"
    rf"(?:(?:\s?(?P<scale>hundred|thousand|millions?|billions?|trillion|mln|mn|bn|tn)"
    rf"|(?P<scale1>[kmb]))\b)?"
    rf"(?:\s?(?P<pct>%|per\s?cent\b|percent\b))?"
    rf"|\b(?P<frac>(?:a|one|two|three)[\s-]+(?:{'|'.join(_FRACTIONS)})|half|halves|quarters?)\b"
    rf"|\b(?P<words>{_NUM_WORD_RUN})\b(?:\s(?P<wpct>per\s?cent|percent)\b)?"
    rf"|\b(?P<ordw>{'|'.join(_ORDINAL_WORDS)})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Number:
    """A number as written, its value and unit (% / currency / ordinal / '')."""

    raw: str
    value: float
    unit: str
    start: int
    end: int

    @property
    def key(self) -> tuple[float, str]:
        return (round(self.value, 6), self.unit)


def find_numbers(text: str) -> list[Number]:
    """Every number in `text`, with offsets; word runs that hold no number are skipped."""
    if not _HINT.search(text):
        return []
    out = []
    for m in NUMBER.finditer(text):
        number = _read(m)
        if number is not None:
            out.append(number)
    return out


def _read(m: re.Match[str]) -> Number | None:
    raw = m.group().strip().strip("()")
    start = m.start() + m.group().index(raw)
    end = start + len(raw)
    if m.group("frac"):
        return _fraction(m.group("frac"), start, end)
    if m.group("ordw"):
        return Number(raw, _ORDINAL_WORDS[m.group("ordw").lower()], "ordinal", start, end)
    if m.group("words") is not None:
        value = parse_number_words(m.group("words"))
        if value is None:
            return None
        return Number(raw, value, "%" if m.group("wpct") else "", start, end)
    value = parse_digits(m.group("num"))
    scale = (m.group("scale") or m.group("scale1") or "").lower()
    if scale:
        value *= _SCALES[scale]
    unit = "ordinal" if m.group("ord") else ""
    if m.group("pct"):
        unit = "%"
    elif m.group("cur"):
        unit = m.group("cur").upper()
    return Number(raw, value, unit, start, end)


def _fraction(raw: str, start: int, end: int) -> Number:
    parts = re.split(r"[\s-]+", raw.lower())
    top = {"a": 1, "one": 1, "two": 2, "three": 3}.get(parts[0], 1) if len(parts) > 1 else 1
    return Number(raw, round(top / _FRACTIONS[parts[-1]], 6), "fraction", start, end)


def parse_digits(num: str) -> float:
    """Read 2,800 / 2.800 / 2 800 / 2.5 / 2,5 as a float."""
    num = re.sub(r"[ \u00a0\u202f]", "", num)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", num):
        return float(num.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", num):
        return float(num.replace(".", "").replace(",", "."))
    return float(num.replace(",", "."))


def parse_number_words(phrase: str) -> float | None:
    """'two hundred and fifty thousand' -> 250000; None when no number word is present."""
    parts = [p for p in re.split(r"[\s-]+", phrase.lower()) if p and p != "and"]
    if not any(p in _UNITS or p in _SCALES for p in parts) or parts == ["a"]:
        return None
    total, current, seen = 0.0, 0.0, False
    for part in parts:
        if part == "a":
            current = current or 1
        elif part in _UNITS:
            current += _UNITS[part]
            seen = True
        elif part == "hundred":
            current = (current or 1) * 100
            seen = True
        else:
            total += (current or 1) * _SCALES[part]
            current, seen = 0, True
    return total + current if seen else None
