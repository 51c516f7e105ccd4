"""Attribution checks: compare an original's credits, byline and links with a copy's.

Pure functions over drift.model dataclasses; no I/O. Finding codes come from
drift.codes; credit vocabularies from drift.patterns; name folding from
drift.attribution_names; link and canonical checks from drift.attribution_links.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from drift.attribution_links import find_canonical_findings, find_link_findings
from drift.attribution_names import (
    NameSet,
    fold,
    is_person_name,
    outlet_names,
    person_named_in,
    same_person,
    site_names,
)
from drift.codes import make_finding
from drift.model import Article, Caption, Credit, Finding
from drift.patterns import WIRE_SERVICES, canonical_wire_service, find_wire_services, is_placeholder

# Credit labels that credit a picture, not the story: a photo agency there is no wrong credit.
PHOTO_CREDIT_LABELS: frozenset[str] = frozenset(
    {"photo", "photos", "image", "images", "picture", "pictures", "photo credit", "anh", "foto"}
)

# rapidfuzz token_sort_ratio (0–100, on folded text) from which a copy caption is "the
# same caption": tuned on tests/drift/test_attribution_bylines.py — the same caption
# re-punctuated or with its credit folded in scores >= 85, a caption of another photo
# of the same person (other place, other day) ~75, unrelated captions < 55.
CAPTION_MATCH_CUTOFF = 80.0


def find_attribution_findings(original: Article, copy: Article) -> list[Finding]:
    """Compare how a copy credits its original; return one finding per distinct fact."""
    publisher_missing = _find_publisher_findings(original, copy)
    found = [
        *publisher_missing,
        *_find_placeholder_findings(original, copy),
        *_find_wrong_credit_findings(original, copy, bool(publisher_missing)),
        *_find_wire_findings(original, copy),
        *_find_byline_findings(original, copy),
        *find_link_findings(original, copy, _original_parties(original)),
        *find_canonical_findings(original, copy),
        *_find_photo_credit_findings(original, copy),
    ]
    # Two identical lines ("Source: –" twice) are one fact: same code, same evidence.
    return list({finding.key: finding for finding in found}.values())


def _credit_line(credit: Credit) -> str:
    return f"{credit.label}: {credit.value}".strip()


def _first_credit_line(article: Article) -> str | None:
    real = [c for c in article.credits if not is_placeholder(c.value)]
    return _credit_line(real[0]) if real else None


def _copy_naming_texts(copy: Article, *, captions: bool = True) -> list[str]:
    """Every place a copy can name someone: text, title, credits, captions, link text, metadata.

    Link hrefs are left out on purpose: a link to the original's site is a link
    (attribution.link_missing judges it), not a naming of the publisher.
    """
    texts = [copy.title, *copy.paragraphs, *copy.authors, *copy.wire_services]
    texts += [_credit_line(c) for c in copy.credits]
    if captions:
        texts += [t for cap in copy.captions for t in (cap.text, cap.credit or "")]
    texts += [link.text for link in copy.links]
    texts += [copy.publisher or "", copy.is_based_on or ""]
    return [t for t in texts if t]


def _original_wires(original: Article) -> list[str]:
    """Return the canonical wire services the original credits, in order, without repeats."""
    names: list[str] = []
    for name in original.wire_services:
        names += [canonical_wire_service(name) or name, *find_wire_services(name)]
    for credit in original.credits:
        names += find_wire_services(credit.value)
    return list(dict.fromkeys(n for n in names if n))


def _wire_names(canonical: str) -> NameSet:
    aliases = WIRE_SERVICES.get(canonical, (canonical,))
    out = NameSet()
    for alias in aliases:
        out = out | outlet_names(alias)
    return out


def _original_parties(original: Article) -> NameSet:
    """Return the spellings of everyone the original credits: publisher, site, credits, wires."""
    parties = outlet_names(original.publisher) | site_names(original.url)
    for url in (original.canonical, original.og_url):
        parties = parties | site_names(url)
    for credit in original.credits:
        if not is_placeholder(credit.value):
            parties = parties | outlet_names(credit.value)
    for wire in _original_wires(original):
        parties = parties | _wire_names(wire)
    return parties


def _find_publisher_findings(original: Article, copy: Article) -> list[Finding]:
    """Report a copy that names the original's publisher nowhere (n/a without a publisher)."""
    if not original.publisher or is_placeholder(original.publisher):
        return []
    names = outlet_names(original.publisher) | site_names(original.url)
    for url in (original.canonical, original.og_url):
        names = names | site_names(url)
    if names.found_in(_copy_naming_texts(copy)):
        return []
    return [
        make_finding(
            "attribution.publisher_missing",
            original=original.publisher,
            copy=_first_credit_line(copy),
            detail={"publisher": original.publisher},
        )
    ]


def _find_placeholder_findings(original: Article, copy: Article) -> list[Finding]:
    """Report each copy credit line whose value names nobody ("Source: –").

    A placeholder the original prints under the same label is the original's own
    (a "Sources:" heading over a list, a template left empty): the copy changed nothing.
    """
    kept = {fold(c.label) for c in original.credits if is_placeholder(c.value)}
    return [
        make_finding(
            "attribution.credit_placeholder",
            original=_first_credit_line(original),
            copy=_credit_line(credit),
        )
        for credit in copy.credits
        if is_placeholder(credit.value) and fold(credit.label) not in kept
    ]


def _find_wrong_credit_findings(
    original: Article, copy: Article, publisher_missing: bool
) -> list[Finding]:
    """Report copy credit lines that name an outlet or agency the original does not credit.

    A line naming the copy's own site is wrong only when the original's publisher
    is named nowhere (then the copy passes the story off as its own).
    """
    parties = _original_parties(original)
    own = outlet_names(copy.publisher) | site_names(copy.url)
    wires = set(_original_wires(original))
    findings: list[Finding] = []
    for credit in copy.credits:
        if is_placeholder(credit.value) or fold(credit.label) in PHOTO_CREDIT_LABELS:
            continue
        named_wires = set(find_wire_services(credit.value))
        if named_wires & wires or parties.found_in([credit.value]):
            continue
        if any(person_named_in(author, [credit.value]) for author in original.authors):
            continue
        if own.found_in([credit.value]) and not named_wires and not publisher_missing:
            continue
        findings.append(
            make_finding(
                "attribution.credit_wrong",
                original=_first_credit_line(original) or original.publisher,
                copy=_credit_line(credit),
                detail={"credited": credit.value.strip()},
            )
        )
    return findings


def _find_wire_findings(original: Article, copy: Article) -> list[Finding]:
    """Report each wire service the original credits and the copy names nowhere.

    A photo credit ("Li Wei/AFP") credits the picture, not the story: captions do not count.
    """
    texts = _copy_naming_texts(copy, captions=False)
    # Only the original's few wires are looked for: scanning the copy with every
    # agency's pattern (find_wire_services) cost 4× the rest of this module.
    named = {canonical_wire_service(w) or w for w in copy.wire_services}
    findings: list[Finding] = []
    for wire in _original_wires(original):
        if wire in named or _wire_names(wire).found_in(texts):
            continue
        line = next((c for c in original.credits if wire in find_wire_services(c.value)), None)
        findings.append(
            make_finding(
                "attribution.wire_dropped",
                original=_credit_line(line) if line else wire,
                copy=_first_credit_line(copy),
                detail={"wire": wire},
            )
        )
    return findings


def _find_byline_findings(original: Article, copy: Article) -> list[Finding]:
    """Report original authors the copy does not name, or names replaced by someone else.

    A copy byline that is no original author is a replacement only when it names a
    plausible person (drift.attribution_names.author_kind), the original named a person
    and that person is gone; without a named original author we cannot tell a
    replacement from a byline the original never showed. A CMS placeholder ("admin",
    "Staff", the copy's site name) or junk on the copy leaves the author missing. A
    replacement is reported instead of byline_missing.
    """
    named = [a for a in original.authors if is_person_name(a)]
    texts = _copy_naming_texts(copy)
    missing = [
        a
        for a in named
        if not any(same_person(a, c) for c in copy.authors) and not person_named_in(a, texts)
    ]
    if not missing:
        return []
    parties = _original_parties(original)
    own = outlet_names(copy.publisher) | site_names(copy.url)
    # Only a plausible person replaces an author: a placeholder ("admin", the copy's own
    # site name), an outlet or junk names nobody, so the author is missing instead.
    # Someone the original itself names (a photographer, a person in the story) is no
    # impostor: an author reader that falls back to them on a copy proves nothing.
    named_by_original = _copy_naming_texts(original)
    impostors = [
        c
        for c in copy.authors
        if is_person_name(c, own)
        and not any(same_person(c, a) for a in original.authors)
        and not parties.found_in([c])
        and not person_named_in(c, named_by_original)
    ]
    if impostors:
        return [_replaced_finding(missing, impostor) for impostor in impostors]
    return [
        make_finding(
            "attribution.byline_missing",
            original=author,
            copy=_byline(copy.authors),
            detail={"author": author},
        )
        for author in missing
    ]


def _byline(authors: Iterable[str]) -> str | None:
    names = [a.strip() for a in authors if a.strip()]
    return "By " + ", ".join(names) if names else None


def _replaced_finding(missing: list[str], impostor: str) -> Finding:
    return make_finding(
        "attribution.byline_replaced",
        original=_byline(missing),
        copy=_byline([impostor]),
        detail={"from": list(missing), "to": impostor.strip()},
    )


def _find_photo_credit_findings(original: Article, copy: Article) -> list[Finding]:
    """Report captions kept in the copy whose credit is gone or a placeholder."""
    choices = {i: fold(cap.text) for i, cap in enumerate(copy.captions) if cap.text.strip()}
    findings: list[Finding] = []
    for caption in original.captions:
        if not caption.credit or is_placeholder(caption.credit) or not fold(caption.text):
            continue
        best = process.extractOne(
            fold(caption.text),
            choices,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=CAPTION_MATCH_CUTOFF,
        )
        if best is None:
            continue
        kept = copy.captions[best[2]]
        del choices[best[2]]
        if not _credit_dropped(caption.credit, kept):
            continue
        findings.append(
            make_finding(
                "attribution.photo_credit_dropped",
                original=f"{caption.text.strip()} ({caption.credit.strip()})",
                copy=kept.text.strip() + (f" ({kept.credit.strip()})" if kept.credit else ""),
                detail={"credit": caption.credit.strip()},
            )
        )
    return findings


def _credit_dropped(credit: str, kept: Caption) -> bool:
    if kept.credit and not is_placeholder(kept.credit):
        return False
    # Some copies fold the credit into the caption text: "… on May 24. Photo: AFP".
    return not outlet_names(credit).found_in([kept.text])
