"""Vocabularies for reading credits: wire services, credit labels, placeholder values.

Data only, plus small lookups over it. drift.normalise reads credit lines with
these; drift.attribution compares them. Add a name or label here, with a test
row, rather than as a literal in either module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# Canonical agency name → the spellings that name it in credit lines and datelines.
# Short aliases ("AP", "PA", "ANI") are matched as whole words and case-sensitively
# by `find_wire_services`, so "ap" in running text does not count.
WIRE_SERVICES: Mapping[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "AFP News Agency"),
    "Reuters": ("Reuters", "Thomson Reuters", "REUTERS"),
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE"),
    "ANSA": ("ANSA", "Agenzia Nazionale Stampa Associata"),
    "Xinhua": ("Xinhua", "Xinhua News Agency", "新华社"),
    "Kyodo": ("Kyodo", "Kyodo News", "共同通信"),
    "Yonhap": ("Yonhap", "Yonhap News Agency", "연합뉴스"),
    "TASS": ("TASS", "ТАСС"),
    "PA": ("PA", "PA Media", "Press Association", "PA Wire"),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "UPI": ("UPI", "United Press International"),
    "Anadolu": ("Anadolu", "Anadolu Agency", "Anadolu Ajansı"),
    "Bernama": ("Bernama",),
    "Antara": ("Antara", "Antara News"),
    "ANI": ("ANI", "Asian News International"),
    "PTI": ("PTI", "Press Trust of India"),
    "TTXVN": ("TTXVN", "Vietnam News Agency", "VNA", "Thông tấn xã Việt Nam"),
    "Interfax": ("Interfax",),
    "RIA Novosti": ("RIA Novosti", "РИА Новости"),
    "CNA": ("Central News Agency", "中央社"),
    "Agência Brasil": ("Agência Brasil", "Agencia Brasil"),
    "Lusa": ("Lusa", "Agência Lusa"),
    "PAP": ("PAP", "Polska Agencja Prasowa"),
}

# Labels that introduce a credit/source line, in the languages we meet. Matched
# case-insensitively at the start of a short line, followed by ":" (or "：").
CREDIT_LABELS: tuple[str, ...] = (
    "Source",
    "Sources",
    "Via",
    "Credit",
    "Credits",
    "Courtesy",
    "Courtesy of",
    "Originally published",
    "Originally published at",
    "Originally published in",
    "Originally published by",
    "Original article",
    "Republished from",
    "Reprinted from",
    "Reprinted with permission from",
    "Nguồn",
    "Theo",
    "Fuente",
    "Fuentes",
    "Quelle",
    "Quellen",
    "Fonte",
    "Fontes",
    "Источник",
    "Источники",
    "来源",
    "來源",
    "出典",
    "出处",
    "출처",
    "Kaynak",
    "Sumber",
    "Źródło",
    "Bron",
    "Kilde",
    "Källa",
    "Lähde",
    "Πηγή",
    "المصدر",
)

# Values that fill a credit slot without naming anyone.
PLACEHOLDER_VALUES: frozenset[str] = frozenset(
    {
        "",
        "–",
        "-",
        "—",
        "--",
        "n/a",
        "na",
        "none",
        "unknown",
        "...",
        "…",
        "?",
        "??",
        "null",
        "undefined",
        "nil",
        "tbd",
        "internet",
        "the internet",
        "web",
        "online",
        "agencies",
        "sưu tầm",
        "st",
        "tổng hợp",
        "st.",
        "sưu tầm internet",
        "desconocido",
        "unbekannt",
        "inconnu",
        "sconosciuto",
        "неизвестно",
        "未知",
        "网络",
        "網路",
    }
)

_PLACEHOLDER_STRIP = " \t\r\n\u00a0\u200b:;,.()[]\"'«»“”"


def is_placeholder(value: str) -> bool:
    """Tell whether a credit value names nobody ("", "–", "N/A", "sưu tầm", …)."""
    folded = unicodedata.normalize("NFC", value).strip().casefold()
    if folded in PLACEHOLDER_VALUES:
        return True
    stripped = folded.strip(_PLACEHOLDER_STRIP)
    if stripped in PLACEHOLDER_VALUES:
        return True
    # Only dashes, dots, question marks or other punctuation: names nobody.
    return not any(ch.isalnum() for ch in stripped)


def _alias_pattern(alias: str) -> str:
    escaped = re.escape(alias)
    # Word boundaries only make sense around word characters (not around 新华社).
    left = r"(?<!\w)" if alias[0].isalnum() else ""
    right = r"(?!\w)" if alias[-1].isalnum() else ""
    return left + escaped + right


def _build_wire_regexes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out: list[tuple[str, re.Pattern[str]]] = []
    for canonical, aliases in WIRE_SERVICES.items():
        long_names = [a for a in aliases if len(a) > 4 or not a.isascii()]
        short_names = [a for a in aliases if a not in long_names]
        parts: list[str] = []
        if long_names:
            parts.append("(?i:" + "|".join(_alias_pattern(a) for a in long_names) + ")")
        if short_names:
            parts.append("|".join(_alias_pattern(a) for a in short_names))
        out.append((canonical, re.compile("|".join(parts))))
    return tuple(out)


_WIRE_REGEXES = _build_wire_regexes()


def find_wire_services(text: str) -> tuple[str, ...]:
    """Return the canonical names of the wire services named in `text`, in order of appearance."""
    hits: list[tuple[int, str]] = []
    for canonical, regex in _WIRE_REGEXES:
        m = regex.search(text)
        if m:
            hits.append((m.start(), canonical))
    return tuple(name for _, name in sorted(hits))


def canonical_wire_service(name: str) -> str | None:
    """Return the canonical agency name when `name` is one of its aliases, else None."""
    folded = name.strip().casefold()
    for canonical, aliases in WIRE_SERVICES.items():
        if any(folded == a.casefold() for a in aliases):
            return canonical
    return None


_LABELS_SORTED = sorted(CREDIT_LABELS, key=len, reverse=True)
CREDIT_LINE_RE: re.Pattern[str] = re.compile(
    r"^\s*[\(\[]?\s*(?P<label>"
    + "|".join(re.escape(label) for label in _LABELS_SORTED)
    + r")\s*[:：]\s*(?P<value>.*?)\s*[\)\]]?\s*$",
    re.IGNORECASE | re.DOTALL,
)

# Whole paragraphs that are page furniture, not article text (matched case-insensitively
# against the full paragraph, after trimming punctuation).
BOILERPLATE_LINE_RE: re.Pattern[str] = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored|sponsored content|anzeige|publicidad|"
    r"quảng cáo|реклама|广告|story continues below(?: advertisement)?|continue reading|"
    r"read more|read more:?.{0,80}|related|related:.{0,120}|related articles?|most read|"
    r"most popular|recommended|share|share this(?: article| story)?|share on \w+|"
    r"follow us on .{0,40}|sign up for .{0,80}newsletter.{0,40}|subscribe(?: now)?|"
    r"click here to .{0,60}|tap here to .{0,60}|watch:.{0,80}|listen to this article|"
    r"comments?|\d+ comments?|leave a comment|don'?t miss|more:?|see more:.{0,120}|"
    r"you may also like.{0,40}|you might also like.{0,40}|also on .{0,150}|also:.{0,100}|"
    r"\[?related(?: post| story| article)?:.{0,150}\]?|filed under:.{0,100}|"
    r"tempo de leitura:.{0,20}|reading time:.{0,20}|\d+ min(?:ute)?s? read|"
    r"most read(?: in .{0,40})?|popular on .{0,40}|trending(?: now)?|"
    r"(?:published|updated|posted)(?: on| at)?:? .{0,40}\d.{0,30}|"
    r"thanks for signing up!?|keep an eye on your inbox.{0,80}|"
    r"(?:get|sign up for) the latest .{0,100}|subscribe to .{0,100}|sign up:.{0,120}|"
    r"(?:we|this (?:site|website)) uses? cookies.{0,300}|"
    r"\(?(?:with )?(?:additional )?(?:reporting|writing|editing) by .{0,250}|"
    r"like this story\? share it.{0,40}|follow .{0,60} on (?:facebook|twitter|instagram).{0,100}|"
    # Furniture printed after the body: contributions, standards and corrections notes,
    # sign-up blurbs (read as the original's last paragraphs, a cut copy would lose them).
    r"with (?:files|reporting|contributions) from .{0,150}|our standards:.{0,200}|"
    r"we strive for accuracy and fairness.{0,300}|"
    r"(?:if )?you (?:see|spot|find|notice) (?:something|an error|a mistake|a typo).{0,200}|"
    r"(?:to )?(?:report|submit) (?:an error|a correction|a typo).{0,150}|"
    r"(?:read )?our (?:corrections?|editorial|ethics)(?: and \w+)? (?:policy|policies|standards)"
    r".{0,200}|corrections? policy.{0,200}|.{0,100}delivered (?:straight |right )?to your "
    r"inbox.{0,150}|(?:get|receive) .{0,80} in your inbox.{0,100}|about the author|"
    r".{0,200}contributed (?:to )?(?:this|the) (?:report|story|article)|"
    r"sign up for (?:our )?(?:free )?(?:e-?mails?|newsletters?|alerts?).{0,80}|"
    r".{0,150}sign up for our newsletters?.{0,40}|.{0,200}please bookmark .{0,200}|"
    # Comment sections and their prompts.
    r"(?:please )?read our comment(?:ing)? policy.{0,80}|would you like to comment.{0,80}|"
    r"you must .{0,60} before commenting.{0,80}|.{0,40}einen kommentar abzugeben.{0,20}|"
    r"kommentar abgeben|"
    r"enjoying (?:our|this) .{0,40}\?|fehler gefunden\?.{0,60}|"
    r"ähnliche(?: artikel| beiträge| themen)?|"
    # Share, follow and copy-link widgets in other scripts.
    r"分享让更多人看到|评论|关注|カテゴリーをフォローする|기사 url이 복사되었습니다)$",
    re.IGNORECASE,
)
# An author bio after the body: a name, then "is a reporter covering …", "covers …",
# "writes about …". Only the trailing lines are tested (mid-body, a sentence about a
# journalist is article text).
AUTHOR_BIO_RE: re.Pattern[str] = re.compile(
    r"^[A-Z][\w'’.-]*(?:\s+(?:(?:de|da|del|la|van|von|der|al|el|le|bin)\s+)*[A-Z][\w'’.-]*){0,3}"
    r"(?:\s+(?:is|was|has been|serves as)\s+(?:a|an|the|our)\s+(?:[\w’'-]+\s+){0,5}?"
    r"(?:reporter|correspondent|writer|editor|journalist|columnist|contributor|producer|"
    r"photographer|photojournalist|critic|analyst|intern|fellow|anchor|bureau chief)s?"
    r"(?:\s+(?:covering|who covers|who writes|based|for|at|with|on)\b|\s*[.,;]|\s*$)"
    r"|\s+(?:covers|writes about|reports on|writes for|reports for)\b"
    r"|\s+(?:ist|war)\s+(?:[\w-]+\s+){0,3}?(?:Redaktor|Redakteur|Korrespondent|Journalist|"
    r"Reporter|Autor)(?:in)?\b"
    r"|\s+(?:est|était)\s+(?:[\w'’-]+\s+){0,3}?(?:journaliste|correspondante?|reporter|"
    r"rédact(?:eur|rice))\b"
    r"|\s+(?:es|era)\s+(?:[\w-]+\s+){0,3}?(?:periodista|corresponsal|redactora?)\b)",
)


# Lines that are furniture when they close a body: copyright notices, a newsletter's
# pitch, a paywall's "the rest is for subscribers" (mid-body they may be article text).
TRAILING_LINE_RE: re.Pattern[str] = re.compile(
    r"^(?:(?:copyright\s*)?©|copyright\b|\(c\)\s).{0,250}$|"
    r"^(?=.*\b(?:you|your|sie|du|dich|dir|vous|votre)\b).{0,150}\bnewsletter\b.{0,250}$|"
    r"^il vous reste .{0,40} à lire.{0,120}$|^.{0,60}(?:有料会員|会員限定).{0,80}$",
    re.IGNORECASE,
)


def is_trailing_furniture(text: str) -> bool:
    """Tell whether a paragraph at the end of a body is furniture (boilerplate, author bio)."""
    if is_boilerplate_line(text):
        return True
    return len(text) < 600 and (
        AUTHOR_BIO_RE.match(text) is not None or TRAILING_LINE_RE.match(text) is not None
    )


def is_boilerplate_line(text: str) -> bool:
    """Tell whether a short paragraph is page furniture ("Advertisement", "Read more: …")."""
    stripped = text.strip(" \t\r\n\u00a0.…:|>»›-–—")
    return len(stripped) < 400 and BOILERPLATE_LINE_RE.match(stripped) is not None


# Class/id words of page furniture boxes (sign-up, promotion, related stories, sharing,
# comments, author boxes): drift.blocks does not read paragraphs into a box named so.
FURNITURE_CLASS_RE: re.Pattern[str] = re.compile(
    r"newsletter|sign-?up|subscri|promo|related|recommend|share|social|comment(?!ary)|"
    r"advert|\bads?\b|sponsor|teaser|most-?read|popular|trending|sidebar|donat|"
    r"author-?(?:bio|box|info)|\bbio\b|cookie|consent",
    re.IGNORECASE,
)
# Class words and styles of text a reader does not see (screen-reader labels, hidden copies).
HIDDEN_CLASS_RE: re.Pattern[str] = re.compile(
    r"\bhidden\b|sr-only|screen-reader|visually-?hidden|\binvisible\b", re.IGNORECASE
)
HIDDEN_STYLE_RE: re.Pattern[str] = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE
)
