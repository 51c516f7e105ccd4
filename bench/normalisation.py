"""Score drift.normalise's fields on the fundus annotations, next to trafilatura in one run.

For every page of shared/bench/fundus (title, authors, published date, body, photo
captions and credits annotated) runs drift.normalise and trafilatura's
bare_extraction on the same bytes and scores each field against the annotation:

- title: equal after NFKC, whitespace collapse and casefold (strict); lenient also
  accepts equality once a trailing " | Site" / " - Site" part is dropped from either;
- authors: micro-averaged precision and recall of name matches (casefold, accents
  stripped, punctuation dropped; equal, or same last name and first initial, or one
  name's tokens a superset of the other's); pages with no annotated author count
  toward precision only;
- published: the same calendar day (date part of the ISO value), over annotated pages;
- body: word-4-gram F1 as bench/extraction.py computes it (summary + section
  paragraphs joined as the expected body);
- photo credit recall over annotated images with a credit: found when one caption
  credit (or, second, one credit line of the article) holds every annotated credit
  name, word by word (case, accents and punctuation ignored);
  caption recall over annotated images with a caption.

Every figure for three groups: all pages, tune (publishers not in
bench/holdout/fundus-publishers.txt) and holdout. See bench/README.md.
Usage: python bench/normalisation.py [--worst N] [--failures-of tune] [--json OUT]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

HOLDOUT = REPO / "bench" / "holdout" / "fundus-publishers.txt"
GROUPS = ("all", "tune", "holdout")
SYSTEMS = ("syndiwatch", "trafilatura")
_WS = re.compile(r"\s+")
_NAME_TOKEN = re.compile(r"\w+")
# A trailing site part of a title: " | Site", " - Site", " – Site", " — Site".
_SITE_SUFFIX = re.compile(r"\s+[|\-–—·•»:]\s+[^|\-–—·•»:]*$")


def data_dir() -> Path:
    """Return the fundus data directory (SYNDIWATCH_FUNDUS_DATA or ../shared/bench/fundus)."""
    env = os.environ.get("SYNDIWATCH_FUNDUS_DATA")
    return Path(env) if env else REPO.parent / "shared" / "bench" / "fundus"


def _load_extraction_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_extraction", REPO / "bench" / "extraction.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_EXTRACTION = _load_extraction_bench()


@dataclass(frozen=True)
class Page:
    page_id: str  # "<country>/<file stem>"
    publisher: str
    url: str
    html: bytes
    expected: Mapping[str, Any]


@dataclass
class Prediction:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    body: str = ""
    captions: list[str] | None = None  # None: the system does not read captions
    caption_credits: list[str] | None = None
    credit_lines: list[str] | None = None


def holdout_publishers(path: Path = HOLDOUT) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def load_pages(root: Path, limit: int | None = None) -> list[Page]:
    """Return the fundus pages (sorted by id) with their annotations."""
    pages = []
    for case in sorted(root.glob("*/*.json"))[:limit]:
        data = json.loads(case.read_text(encoding="utf-8"))
        html = gzip.decompress(case.with_name(data["file"]).read_bytes())
        page_id = f"{case.parent.name}/{case.stem}"
        pages.append(Page(page_id, data["publisher"], data["url"], html, data["expected"]))
    return pages


def group_of(page: Page, held: set[str]) -> str:
    return "holdout" if page.publisher in held else "tune"


# --- the systems ---------------------------------------------------------------------


def run_syndiwatch(html: bytes, url: str) -> Prediction:
    from drift.errors import NotAnArticle
    from drift.normalise import normalise

    try:
        art = normalise(html, url)
    except NotAnArticle:
        return Prediction(captions=[], caption_credits=[], credit_lines=[])
    return Prediction(
        title=art.title,
        authors=list(art.authors),
        published=art.published,
        body="\n\n".join(art.paragraphs),
        captions=[c.text for c in art.captions],
        caption_credits=[c.credit for c in art.captions if c.credit],
        credit_lines=[f"{c.label}: {c.value}" for c in art.credits],
    )


def run_trafilatura(html: bytes, url: str) -> Prediction:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return Prediction()
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    author = data.get("author") or ""
    return Prediction(
        title=data.get("title") or "",
        authors=[a.strip() for a in author.split(";") if a.strip()],
        published=data.get("date"),
        body=data.get("text") or "",
    )


RUNNERS: dict[str, Callable[[bytes, str], Prediction]] = {
    "syndiwatch": run_syndiwatch,
    "trafilatura": run_trafilatura,
}


# --- normalisers and matchers ----------------------------------------------------------


def norm_text(text: str) -> str:
    """NFKC, whitespace collapsed, casefolded."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_tokens(name: str) -> tuple[str, ...]:
    return tuple(_NAME_TOKEN.findall(strip_accents(norm_text(name))))


def names_match(a: str, b: str) -> bool:
    """Equal names, the same last name and first initial, or one's tokens cover the other's."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    if len(ta) >= 2 and len(tb) >= 2 and ta[-1] == tb[-1] and ta[0][0] == tb[0][0]:
        return True
    small, big = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return len(small) >= 2 and set(small) <= set(big)


def title_strict(pred: str, exp: str) -> bool:
    return norm_text(pred) == norm_text(exp)


def _drop_site_suffix(title: str) -> str:
    return _SITE_SUFFIX.sub("", norm_text(title)).strip()


def title_lenient(pred: str, exp: str) -> bool:
    p, e = norm_text(pred), norm_text(exp)
    return p == e or _drop_site_suffix(p) == e or p == _drop_site_suffix(e)


def day_of(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})", str(value))
    return m[1] if m else None


def expected_body(expected: Mapping[str, Any]) -> str:
    body = expected.get("body") or {}
    paragraphs = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        paragraphs.extend(section.get("paragraphs") or [])
    return "\n\n".join(paragraphs)


def _words(text: str) -> str:
    """Casefolded, accent-free word tokens joined by single spaces, padded for matching."""
    return " " + " ".join(_NAME_TOKEN.findall(strip_accents(norm_text(text)))) + " "


def credit_found(annotated: Sequence[str], credits: Iterable[str]) -> bool:
    """One credit read holds every annotated credit name, compared word by word."""
    wanted = [_words(a) for a in annotated if a.strip()]
    wanted = [w for w in wanted if w.strip()]
    return bool(wanted) and any(all(w in _words(c) for w in wanted) for c in credits)


def caption_found(annotated: str, captions: Iterable[str]) -> bool:
    """The annotated caption is inside a caption read, or covers ≥ 80 % of its words."""
    want = norm_text(annotated)
    want_tokens = set(_NAME_TOKEN.findall(want))
    for caption in captions:
        got = norm_text(caption)
        if want and want in got:
            return True
        got_tokens = set(_NAME_TOKEN.findall(got))
        if want_tokens and len(want_tokens & got_tokens) >= 0.8 * len(want_tokens | got_tokens):
            return True
    return False


# --- scoring --------------------------------------------------------------------------


@dataclass
class Counts:
    hit: int = 0
    total: int = 0

    def rate(self) -> float | None:
        return self.hit / self.total if self.total else None


@dataclass
class PageScore:
    """One page's per-field outcomes (None: the field is not scored on this page)."""

    title: bool
    title_lenient: bool
    authors_tp: int
    authors_pred: int
    authors_exp: int
    published: bool | None
    credits_hit: int | None
    credits_total: int
    captions_hit: int | None
    captions_total: int


def score_page(pred: Prediction, expected: Mapping[str, Any]) -> PageScore:
    exp_authors = [a for a in expected.get("authors") or [] if a.strip()]
    unmatched = list(pred.authors)
    tp = 0
    for want in exp_authors:
        hit = next((p for p in unmatched if names_match(p, want)), None)
        if hit is not None:
            unmatched.remove(hit)
            tp += 1
    exp_day = day_of(expected.get("publishing_date"))
    images = expected.get("images") or []
    credited = [i["authors"] for i in images if i.get("authors")]
    captioned = [i["caption"] for i in images if (i.get("caption") or "").strip()]
    credits_hit = captions_hit = None
    if pred.caption_credits is not None:
        all_credits = [*pred.caption_credits, *(pred.credit_lines or [])]
        credits_hit = sum(credit_found(c, all_credits) for c in credited)
    if pred.captions is not None:
        captions_hit = sum(caption_found(c, pred.captions) for c in captioned)
    return PageScore(
        title=title_strict(pred.title, expected.get("title") or ""),
        title_lenient=title_lenient(pred.title, expected.get("title") or ""),
        authors_tp=tp,
        authors_pred=len(pred.authors),
        authors_exp=len(exp_authors),
        published=None if exp_day is None else day_of(pred.published) == exp_day,
        credits_hit=credits_hit,
        credits_total=len(credited),
        captions_hit=captions_hit,
        captions_total=len(captioned),
    )


METRICS = (
    "title",
    "title_lenient",
    "authors_precision",
    "authors_recall",
    "published",
    "body_f1",
    "photo_credit_recall",
    "caption_recall",
)


def aggregate(
    pages: Sequence[Page], preds: Mapping[str, Prediction], scores: Mapping[str, PageScore]
) -> dict[str, float | None]:
    """The metrics over a group of pages (None when nothing in the group is scored)."""
    title, lenient, published = Counts(), Counts(), Counts()
    tp = n_pred = n_exp = tp_rec = 0
    credits, captions = Counts(), Counts()
    for page in pages:
        s = scores[page.page_id]
        title.hit += s.title
        title.total += 1
        lenient.hit += s.title_lenient
        lenient.total += 1
        tp += s.authors_tp
        n_pred += s.authors_pred
        if s.authors_exp:
            tp_rec += s.authors_tp
            n_exp += s.authors_exp
        if s.published is not None:
            published.hit += s.published
            published.total += 1
        if s.credits_hit is not None:
            credits.hit += s.credits_hit
            credits.total += s.credits_total
        if s.captions_hit is not None:
            captions.hit += s.captions_hit
            captions.total += s.captions_total
    truths = {p.page_id: expected_body(p.expected) for p in pages}
    body = _EXTRACTION.score({p.page_id: preds[p.page_id].body for p in pages}, truths)
    return {
        "title": title.rate(),
        "title_lenient": lenient.rate(),
        "authors_precision": tp / n_pred if n_pred else None,
        "authors_recall": tp_rec / n_exp if n_exp else None,
        "published": published.rate(),
        "body_f1": body.f1 if pages else None,
        "photo_credit_recall": credits.rate(),
        "caption_recall": captions.rate(),
    }


@dataclass
class Run:
    pages: list[Page]
    held: set[str]
    predictions: dict[str, dict[str, Prediction]]  # system -> page id -> prediction
    scores: dict[str, dict[str, PageScore]]
    metrics: dict[str, dict[str, dict[str, float | None]]]  # system -> group -> metric

    def group(self, name: str) -> list[Page]:
        if name == "all":
            return self.pages
        return [p for p in self.pages if group_of(p, self.held) == name]


def measure(pages: list[Page], systems: Sequence[str] = SYSTEMS) -> Run:
    """Run each system on every page (in turn, same process) and score every group."""
    held = holdout_publishers()
    predictions: dict[str, dict[str, Prediction]] = {s: {} for s in systems}
    for page in pages:
        for system in systems:
            predictions[system][page.page_id] = RUNNERS[system](page.html, page.url)
    scores = {
        s: {p.page_id: score_page(predictions[s][p.page_id], p.expected) for p in pages}
        for s in systems
    }
    run = Run(pages, held, predictions, scores, {})
    for system in systems:
        run.metrics[system] = {
            g: aggregate(run.group(g), predictions[system], scores[system]) for g in GROUPS
        }
    return run


# --- reporting ------------------------------------------------------------------------


def print_table(run: Run) -> None:
    counts = {g: len(run.group(g)) for g in GROUPS}
    header = f"{'metric':<20}" + "".join(
        f" {f'{s[:5]} {g}({counts[g]})':>17}" for g in GROUPS for s in run.metrics
    )
    print(header)
    for metric in METRICS:
        row = f"{metric:<20}"
        for g in GROUPS:
            for s in run.metrics:
                value = run.metrics[s][g][metric]
                row += f" {'n/a' if value is None else f'{value:.3f}':>17}"
        print(row)


def failures(run: Run, system: str, group: str) -> dict[str, list[tuple[str, Any, Any]]]:
    """Per metric, the (page, expected, got) failures of one system on one group."""
    out: dict[str, list[tuple[str, Any, Any]]] = {m: [] for m in METRICS}
    preds, scores = run.predictions[system], run.scores[system]
    body_pages = run.group(group)
    truths = {p.page_id: expected_body(p.expected) for p in body_pages}
    body = _EXTRACTION.score({p.page_id: preds[p.page_id].body for p in body_pages}, truths)
    for page in body_pages:
        pid, exp, pred, s = page.page_id, page.expected, preds[page.page_id], scores[page.page_id]
        if not s.title:
            out["title"].append((pid, exp.get("title"), pred.title))
        if not s.title_lenient:
            out["title_lenient"].append((pid, exp.get("title"), pred.title))
        if s.authors_tp < s.authors_pred:
            out["authors_precision"].append((pid, exp.get("authors"), pred.authors))
        if s.authors_tp < s.authors_exp:
            out["authors_recall"].append((pid, exp.get("authors"), pred.authors))
        if s.published is False:
            out["published"].append((pid, exp.get("publishing_date"), pred.published))
        if body.per_page[pid] < 0.8:
            out["body_f1"].append((pid, f"F1 {body.per_page[pid]:.3f}", pred.body[:160]))
        images = exp.get("images") or []
        if s.credits_hit is not None and s.credits_hit < s.credits_total:
            want = [i["authors"] for i in images if i.get("authors")]
            got = [*(pred.caption_credits or []), *(pred.credit_lines or [])]
            out["photo_credit_recall"].append((pid, want, got))
        if s.captions_hit is not None and s.captions_hit < s.captions_total:
            want = [i["caption"][:80] for i in images if (i.get("caption") or "").strip()]
            out["caption_recall"].append((pid, want, [c[:80] for c in pred.captions or []]))
    if body_pages:
        out["body_f1"].sort(key=lambda f: body.per_page[f[0]])
    return out


def print_failures(run: Run, group: str, count: int) -> None:
    for metric, items in failures(run, "syndiwatch", group).items():
        if not items:
            continue
        print(f"\n{metric}: {len(items)} failing pages in {group} (first {count})")
        for pid, exp, got in items[:count]:
            print(f"  {pid}\n    expected: {exp!r}\n    got:      {got!r}")


def to_json(run: Run) -> dict[str, Any]:
    return {
        "pages": {g: len(run.group(g)) for g in GROUPS},
        "metrics": run.metrics,
        "per_page": {
            system: {
                pid: {
                    "group": group_of(page, run.held),
                    "score": vars(run.scores[system][pid]),
                    "got": {
                        "title": pred.title,
                        "authors": pred.authors,
                        "published": pred.published,
                    },
                }
                for page in run.pages
                for pid, pred in [(page.page_id, run.predictions[system][page.page_id])]
            }
            for system in run.predictions
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--only", choices=SYSTEMS, action="append")
    parser.add_argument("--worst", type=int, default=0, help="list N failures per metric")
    parser.add_argument(
        "--failures-of",
        choices=GROUPS,
        default="tune",
        help="the group whose failures --worst lists (default tune: tune on tune pages only)",
    )
    parser.add_argument("--json", type=Path, help="write metrics and per-page outcomes here")
    args = parser.parse_args(argv)
    root = data_dir()
    if not any(root.glob("*/*.json")):
        print(f"fundus data not found in {root} (set SYNDIWATCH_FUNDUS_DATA)", file=sys.stderr)
        return 2
    run = measure(load_pages(root, args.limit), args.only or SYSTEMS)
    print_table(run)
    if args.worst > 0:
        print_failures(run, args.failures_of, args.worst)
    if args.json:
        args.json.write_text(json.dumps(to_json(run), indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
