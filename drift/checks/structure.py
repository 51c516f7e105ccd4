"""Structure of the copy: headline, a cut-off end, dropped and inserted passages.

Reads the alignment only: a run of dropped original sentences reaching the
end is a truncation, any other run a dropped passage; a run of inserted copy
sentences that is not site boilerplate (ads, "Related:" lines) is inserted text.
"""

from __future__ import annotations

import re

from drift.codes import make_finding
from drift.model import Alignment, Finding, Sentence
from drift.text import words

BOILERPLATE = re.compile(
    r"^\W*(?:related|read more|read also|also read|see also|more on this|more:|advertisement|"
    r"advertising|sponsored|ad\b|subscribe|sign up|follow us|click here|share (?:this|on)|"
    r"share\b|tags?:|topics?:|photo:|image:|picture:|source:|sources:|via:|credit:|copyright|"
    r"©|all rights reserved|\(?reporting by|editing by|writing by|additional reporting|"
    r"this (?:article|story) (?:was|is|first)|loading|continue reading|recommended|trending|"
    r"watch:|most read|you may also like|newsletter|download (?:our|the) app|join our|"
    r"follow (?:us|our)|comments?\b|published:|updated:|last updated|editor's note|"
    r"(?:this (?:article|story) )?(?:was )?(?:originally|first) (?:published|appeared)|"
    r"republished (?:with|from|under)|(?:story|article|text) (?:by|from|via)\b)",
    re.IGNORECASE,
)
# A line of this many words or fewer without an end mark is a label, not a passage.
LABEL_MAX_WORDS = 4
LABEL_MAX_CHARS = 60
# A kept line of this many words or fewer without an end mark is a crosshead.
HEADING_MAX_WORDS = 12
_SITE_SEP = re.compile(r"\s*:\s+|\s+[|\-–—·•»]\s+")
_TITLE_STOP = frozenset(
    str.split("""a an the of to in on at for and or is are was were by with as""")
)
_EXCERPT_CHARS = 600


def is_boilerplate(text: str) -> bool:
    """Site furniture: ads, 'Related:' and share lines, credit lines, bare labels."""
    stripped = text.strip()
    if BOILERPLATE.match(stripped) or not words(stripped):
        return True  # furniture, or marks without a word ("...", ".“", "* * *")
    if len(stripped) > LABEL_MAX_CHARS or re.search(r"[.!?。！？]$", stripped):
        return False
    return len(words(stripped)) <= LABEL_MAX_WORDS


def is_heading(text: str) -> bool:
    """A crosshead or label: a short line that does not end as a sentence does."""
    stripped = text.strip().rstrip('"”’»«“)')  # “A Regret I Will Carry” is a crosshead
    if not stripped or re.search(r"[.!?:;,。！？]$", stripped):
        return False
    return len(words(stripped)) <= HEADING_MAX_WORDS


def find_headline_change(original: str, copy: str) -> list[Finding]:
    """content.headline_changed: content words differ once case, punctuation and a
    site name suffix or prefix are set aside."""
    if not original.strip() or not copy.strip():
        return []
    o_forms, c_forms = _title_forms(original), _title_forms(copy)
    if any(o == c for o in o_forms for c in c_forms):
        return []
    return [make_finding("content.headline_changed", original=original, copy=copy)]


def _title_forms(title: str) -> list[frozenset[str]]:
    parts = _SITE_SEP.split(title)
    forms = [title]
    if len(parts) > 1:
        forms += [" ".join(parts[:-1]), " ".join(parts[1:])]
        forms += [max(parts, key=lambda p: len(words(p)))]
    return [frozenset(w for w in words(f) if w not in _TITLE_STOP) for f in forms]


def find_cuts(alignment: Alignment) -> list[Finding]:
    """content.truncated (a trailing run) and content.passage_dropped (any other run)."""
    originals = _original_sentences(alignment)
    kept = {p.original.start for p in alignment.pairs if p.original and p.op != "dropped"}
    # A kept crosshead ("Sales grow by 110%") between dropped sentences does not mean
    # the copy goes on, nor does a pull quote (words the body says again) or a sentence
    # the copy printed before the ones preceding it: only kept prose, in order, ends a run.
    where: dict[int, int] = {}
    for p in alignment.pairs:
        if p.original and p.copy and p.op != "dropped":
            where[p.original.start] = min(where.get(p.original.start, p.copy.start), p.copy.start)
    prose: set[int] = set()
    furthest = -1
    everything = " ".join(" ".join(words(s.text)) for s in originals)
    for s in originals:
        if s.start not in kept or is_heading(s.text) or where.get(s.start, furthest) < furthest:
            continue
        said = " ".join(words(s.text))
        if len(said) > 40 and everything.count(said) > 1:
            continue  # a pull quote repeating words of the body
        prose.add(s.start)
        furthest = where.get(s.start, furthest)
    runs: list[list[Sentence]] = [[]]
    for s in originals:
        if s.start in prose:
            runs.append([])
        elif s.start not in kept and not is_boilerplate(s.text):
            runs[-1].append(s)
    runs = [r for r in runs if r]
    if not runs or not prose:
        return []
    findings = []
    for run in runs:
        trailing = all(s.start not in prose for s in originals if s.start >= run[0].start)
        code = "content.truncated" if trailing else "content.passage_dropped"
        findings.append(_cut_finding(code, run, alignment))
    return findings


def _cut_finding(code: str, run: list[Sentence], alignment: Alignment) -> Finding:
    text = " ".join(s.text for s in run)
    if len(text) > _EXCERPT_CHARS:
        text = text[:_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    detail = {"sentences": len(run), "words": sum(len(words(s.text)) for s in run)}
    copy_end = None
    if code == "content.truncated":
        copies = [p.copy for p in alignment.pairs if p.copy and p.op != "inserted"]
        copy_end = max(copies, key=lambda s: s.start).text if copies else None
    return make_finding(code, original=text, copy=copy_end, detail=detail)


def find_insertions(alignment: Alignment, copy_words: int) -> list[Finding]:
    """content.text_inserted: one finding per contiguous run of inserted, non-boilerplate
    copy sentences. Runs before or after the copied story are the page around it
    when the story is less than half the page (a roundup), and are not reported."""
    copies = sorted((p.copy for p in alignment.pairs if p.copy is not None), key=lambda s: s.start)
    inserted = {p.copy.start for p in alignment.pairs if p.copy and p.op == "inserted"}
    runs: list[list[Sentence]] = [[]]
    for s in dict.fromkeys(copies):
        if s.start not in inserted:
            runs.append([])
        elif not is_boilerplate(s.text):
            runs[-1].append(s)
    aligned = [s for s in copies if s.start not in inserted]
    if not aligned:
        return []
    story_words = sum(len(s.text.split()) for s in dict.fromkeys(aligned))
    roundup = story_words * 2 < copy_words
    lo, hi = aligned[0].start, aligned[-1].start
    findings = []
    for run in (r for r in runs if r):
        edge = run[-1].start < lo or run[0].start > hi
        if edge and roundup:
            continue
        text = " ".join(s.text for s in run)
        detail = {"sentences": len(run), "words": sum(len(words(s.text)) for s in run)}
        findings.append(make_finding("content.text_inserted", copy=text, detail=detail))
    return findings


def _original_sentences(alignment: Alignment) -> list[Sentence]:
    found = {p.original.start: p.original for p in alignment.pairs if p.original}
    return [found[k] for k in sorted(found)]
