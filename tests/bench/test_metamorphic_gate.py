"""The metamorphic gate: findings on edited copies of real news pages keep their floors.

Runs bench/metamorphic.py in cli mode (real `syndiwatch check` per page, pages served on
loopback) on the fixed sample of tuning fundus pages in bench/floors.json, every variant,
and fails when a variant's detected/exact share (mirror: clean share) or its placed
count falls below its floor. Skips when the shared fundus data is absent.
A fast test checks the edit machinery itself on a small hand-written page.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from types import ModuleType

import pytest

from tests import benchload


def load_bench() -> ModuleType:
    return benchload.load_bench("metamorphic")


PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="iso-8859-1">
<title>Harbour plan</title><meta name="author" content="Jane Porter">
<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Jane Porter"},
"articleBody": "The council said it had approved 12 new berths for the harbour."}</script>
</head><body><div class="byline">By <a href="/authors/jane-porter/">Jane Porter</a>
<script>var dims = {author: "JANE PORTER"};</script></div>
<article><p>The council said it had approved <b>12</b> new berths for the harbour.</p>
<p>Work on the quay will start on March 3, and Mayor Tilda Brennan praised the plan.</p>
<p>“We have waited far too long for this harbour,” Brennan told the meeting.</p>
<h2>Worries on the quay</h2><ul><li>Noise and dust</li></ul>
<p>Fishermen are worried about the noise during the two years of building works.</p>
<p>The harbour master is expected to publish a timetable for the works next week.</p>
</article><h2>More from the harbour</h2>
<ul><li><a href="https://harbour.example/news/ferry">Ferry timetable changes</a></li></ul>
<p>Read <a href="https://harbour.example/">all our harbour news</a> online every day.</p>
</body></html>"""


@pytest.fixture
def bench_page(tmp_path: Path) -> tuple[ModuleType, object]:
    bench = load_bench()
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(PAGE.encode("cp1252")))
    paragraphs = [
        "The council said it had approved 12 new berths for the harbour.",
        "Work on the quay will start on March 3, and Mayor Tilda Brennan praised the plan.",
        "“We have waited far too long for this harbour,” Brennan told the meeting.",
        "Fishermen are worried about the noise during the two years of building works.",
        "The harbour master is expected to publish a timetable for the works next week.",
    ]
    case = bench.Case(
        key="fundus/xx/Harbour_2026_01_01", dataset="fundus", publisher="Harbour",
        held_out=False, url="https://harbour.example/news/plan", path=path, lead=[],
        paragraphs=paragraphs, authors=["Jane Porter"], image_credits=[],
    )  # fmt: skip
    return bench, bench.prepare(case)


def test_edits_land_in_the_located_paragraph_and_keep_inline_tags(
    bench_page: tuple[ModuleType, object],
) -> None:
    bench, page = bench_page
    assert len(page.located) == 5
    assert all(loc.exact for loc in page.located.values())
    assert b'charset="utf-8"' in page.original
    number = bench.build_variant(page, "number")
    assert number.skip is None
    html = number.html.decode()
    assert "<b>15</b> new berths" in html  # the inline tag stays, the number changed
    assert '"articleBody": "The council said it had approved 15 new berths' in html
    assert "March 3" in html  # a day of a date is not a number to change
    quote = bench.build_variant(page, "quote")
    assert "waited far too long" not in quote.html.decode()
    negation = bench.build_variant(page, "negation")
    assert negation.skip is None
    assert "We have waited far too long" in negation.html.decode()  # never inside a quote
    assert bench.build_variant(page, "photo_credit_removed").skip == "no annotated photo credit"
    removed = bench.build_variant(page, "byline_removed").html.decode()
    assert "Jane Porter" not in removed
    replaced = bench.build_variant(page, "placeholder_author").html.decode()
    assert "Jane Porter" not in replaced
    assert "By <a" in replaced
    assert "admin" in replaced
    assert "jane-porter" not in replaced  # the author's slug in a link
    assert "JANE PORTER" not in replaced  # in a script, upper case
    assert "jane-porter" not in removed
    page.case.authors = ["Reuters"]
    assert bench.build_variant(page, "byline_replaced").skip == "annotated author is no person"
    page.case.authors = ["Jane Porter"]
    truncate = bench.build_variant(page, "truncate").html.decode()
    assert "Mayor Tilda Brennan" in truncate
    assert "Fishermen" not in truncate
    assert "Worries on the quay" not in truncate  # a heading after the cut goes too
    assert "Noise and dust" not in truncate
    assert "More from the harbour" in truncate  # what follows the body stays
    unlinked = bench.build_variant(page, "links_removed").html.decode()
    assert "Ferry timetable changes" not in unlinked  # a related-story link goes
    assert "Read all our harbour news online" in unlinked  # a link in running text: unwrapped


@pytest.mark.slow
def test_metamorphic_figures_keep_their_floors() -> None:
    bench = load_bench()
    if not bench.fundus_dir().exists():
        pytest.skip(f"fundus data not found at {bench.fundus_dir()} (set SYNDIWATCH_FUNDUS_DATA)")
    floors = bench.read_floors()
    results = bench.run(bench.sample_cases(floors), bench.VARIANTS, "cli", jobs=2)
    problems = bench.below_floors(results, floors)
    table = bench.table(results, bench.VARIANTS)
    worst = bench.failures(results, 8)
    header = "below the floors in bench/floors.json:"
    assert not problems, "\n".join([header, *problems, table, worst])


def test_quotation_marks_pair_per_style() -> None:
    bench = load_bench()
    text = "Er sagte »das ist gut« und meinte dann »wir gehen jetzt alle nach Hause«."
    quoted = [text[a + 1 : b] for a, b in bench.quotations(text)]
    assert quoted == ["das ist gut", "wir gehen jetzt alle nach Hause"]  # never « und … »
    low = "Sie sagte: „Das stimmt nicht“, und er: „Doch, es stimmt“."
    assert [low[a + 1 : b] for a, b in bench.quotations(low)] == [
        "Das stimmt nicht",
        "Doch, es stimmt",
    ]
    french = "Il a dit « une chose très curieuse » hier."
    assert [french[a + 1 : b] for a, b in bench.quotations(french)] == [" une chose très curieuse "]
