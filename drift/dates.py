"""Dates and times in news prose, read into comparable keys.

Owns: month-day(-year) in either order, ISO and numeric dates, month-year,
weekdays, clock times (10:30, 3 p.m., noon) and bare years. "May 24, 2022"
and "24 May 2022" share one key, so reformatting is never a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5,
    "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9, "octubre": 10,
    "noviembre": 11, "diciembre": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thurs": 3, "fri": 4,
    "sat": 5, "sun": 6,
}  # fmt: skip
# English month names count only when capitalised ("may", "march", "august" are words).
_EN_MONTHS = list(MONTHS)[:23]
_MONTH_NAMES = "|".join(sorted((m for m in MONTHS if m not in _EN_MONTHS), key=len, reverse=True))
_EN_NAMES = "|".join(sorted((m.capitalize() for m in _EN_MONTHS), key=len, reverse=True))
_MONTH = r"(?P<{n}>(?-i:" + _EN_NAMES + r")|" + _MONTH_NAMES + r")\b\.?"
_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?P<{n}>1[89]\d\d|20\d\d)"
_WEEKDAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_WEEKDAY = r"(?:(?P<wd>(?-i:" + _WEEKDAY_NAMES + r")),?\s+(?:the\s+)?)?"
# A four-digit number followed by a plural noun is a count ("2000 people", "2019
# cases"); followed by anything else it is a year ("in 2019 the", "a 2007 quake").
_COUNT_NEXT = re.compile(r"\s*(?:%|percent\b|per cent\b|(?P<word>[a-z]+)\b)", re.IGNORECASE)
_PLURAL_NOUNS = frozenset(
    str.split("people police men women children staff personnel troops cattle sheep fish")
)
# ... unless a word that introduces a year comes first ("the 2024 elections", "by 2030").
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|by|until|till|from|before|after|during|of|the|early|late|mid|around|"
    r"through|to|and)[\s-]+$",
    re.IGNORECASE,
)
_NOT_PLURAL = frozenset(str.split("was has is as its this his always across thus plus"))


# A cheap first look: text without a digit or a month/weekday name holds no date.
_HINT = re.compile(
    r"\d|noon|midnight|\b(?:"
    + "|".join(sorted({*MONTHS, *WEEKDAYS}, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
DATE = re.compile(
    r"\b(?:"  # every reading starts a word: positions inside words fail at once
    + "|".join(
        [
            r"(?P<iso>\b(?:19|20)\d\d-[01]\d-[0-3]\d\b)",
            r"(?P<numeric>\b[0-3]?\d[/.][01]?\d[/.](?:19|20)?\d\d\b)",
            rf"\b{_WEEKDAY}{_MONTH.format(n='m1')}\s+{_DAY.format(n='d1')}"
            rf"(?:,?\s+{_YEAR.format(n='y1')})?\b",
            rf"\b{_WEEKDAY.replace('wd', 'wd2')}{_DAY.format(n='d2')}\s+(?:of\s+)?"
            rf"{_MONTH.format(n='m2')}(?:,?\s+{_YEAR.format(n='y2')})?\b",
            rf"\b{_MONTH.format(n='m3')},?\s+{_YEAR.format(n='y3')}\b",
            r"(?P<time>\b[012]?\d(?::[0-5]\d)?\s?(?:[ap]\.m\.|[ap]m\b)|\b[012]?\d:[0-5]\d\b"
            r"|\bnoon\b|\bmidnight\b)",
            r"\b(?P<wd3>(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
            r"(?:(?<=\bin )|(?<=\bof )|(?<=\bsince )|(?<=\buntil )|(?<=\bearly )|(?<=\blate )"
            r"|(?<=\bmid-)|(?<=\bby )|(?<=\bnext )|(?<=\blast ))" + _MONTH.format(n="m4"),
            rf"(?<![$€£\d.,]){_YEAR.format(n='y5')}\b(?![.,]\d)",
        ]
    )
    + ")",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateFact:
    """A date or time as written, its comparison key and offsets."""

    raw: str
    key: str
    start: int
    end: int


def find_dates(text: str) -> list[DateFact]:
    """Every date or time expression in `text`, longest reading first."""
    if not _HINT.search(text):
        return []
    out = []
    for m in DATE.finditer(text):
        key = _key(m, text)
        if key is not None:
            out.append(DateFact(m.group(), key, m.start(), m.end()))
    return out


def _key(m: re.Match[str], text: str) -> str | None:
    g = m.groupdict()
    if g["iso"]:
        return g["iso"]
    if g["numeric"]:
        return "n:" + "-".join(str(int(p)) for p in re.split(r"[/.]", g["numeric"]))
    for mk, dk, yk, wk in (("m1", "d1", "y1", "wd"), ("m2", "d2", "y2", "wd2")):
        if g[mk]:
            return _month_day(g[mk], g[dk], g[yk], g[wk])
    if g["m3"]:
        month = MONTHS.get(g["m3"].lower())
        return f"{g['y3']}-{month:02d}" if month else None
    if g["time"]:
        return _time_key(g["time"])
    if g["wd3"]:
        day = WEEKDAYS.get(g["wd3"].lower())
        return f"wd:{day}" if day is not None else None
    if g["m4"]:
        month = MONTHS.get(g["m4"].lower())
        return f"m:{month}" if month else None
    return _year_key(g["y5"], text, m.start(), m.end())


def _month_day(month_word: str, day: str, year: str | None, weekday: str | None) -> str | None:
    month = MONTHS.get(month_word.lower())
    if month is None or not 1 <= int(day) <= 31:
        return None
    key = f"{year or '?'}-{month:02d}-{int(day):02d}"
    if weekday and weekday.lower() in WEEKDAYS:
        key += f"/wd:{WEEKDAYS[weekday.lower()]}"
    return key


def _time_key(raw: str) -> str:
    low = raw.lower().replace(" ", "")
    if low in ("noon", "midnight"):
        return "t:12:00" if low == "noon" else "t:00:00"
    hour_s, _, rest = low.partition(":")
    hour = int(re.match(r"\d+", hour_s).group())  # type: ignore[union-attr]
    minute = int(rest[:2]) if rest[:2].isdigit() else 0
    if "p" in low and hour < 12:
        hour += 12
    if "a" in low and hour == 12:
        hour = 0
    return f"t:{hour:02d}:{minute:02d}"


def _year_key(year: str, text: str, start: int, end: int) -> str | None:
    nxt = _COUNT_NEXT.match(text, end)
    if nxt is None or _YEAR_BEFORE.search(text[max(0, start - 12) : start]):
        return f"y:{year}"
    word = (nxt.group("word") or "").lower()
    if not word:  # 2000% / 2000 percent
        return None
    plural = word.endswith("s") and not word.endswith("ss") and word not in _NOT_PLURAL
    return None if plural or word in _PLURAL_NOUNS else f"y:{year}"
