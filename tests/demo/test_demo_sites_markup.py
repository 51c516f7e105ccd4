"""The demo pages parse with BeautifulSoup(lxml) and carry the drift the manifest promises."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup

from syndiwatch.demo.server import DemoSites, load_manifest

MANIFEST = load_manifest()
STORY = MANIFEST["story"]
COPIES = [s for s in MANIFEST["sites"] if s["role"] == "copy"]
OTHERS = [s for s in MANIFEST["sites"] if s["role"] == "not_copy"]


def get(sites: DemoSites, key: str, path: str) -> bytes:
    with urllib.request.urlopen(sites.url(key, path), timeout=10) as resp:
        return resp.read()


def soup_of(sites: DemoSites, site: dict[str, Any]) -> BeautifulSoup:
    return BeautifulSoup(get(sites, site["key"], site["article"]["path"]), "lxml")


def paragraph_texts(soup: BeautifulSoup) -> set[str]:
    return {p.get_text(" ", strip=True) for p in soup.find_all("p")}


def expected_paragraphs(article: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """Return (paragraphs that must appear, that must not, inserted ones) for a copy."""
    start, end = article["original_paragraphs"]
    kept, gone, inserted = [], list(STORY["paragraphs"][end:]), []
    for para in STORY["paragraphs"][start:end]:
        for change in article["changes"]:
            if change["from"] and change["from"] in para:
                gone.append(para)
                para = para.replace(change["from"], change["to"]) if change["to"] else ""
        if para:
            kept.append(para)
    for change in article["changes"]:
        if change["from"] is None:
            inserted.append(change["to"])
    return kept, gone, inserted


def has_code(site: dict[str, Any], code: str) -> bool:
    return code in site["article"]["expect"]


def test_manifest_expectations_are_consistent() -> None:
    codes = {
        c for s in MANIFEST["sites"] if s["role"] != "original" for c in s["article"]["forbid"]
    }
    for site in MANIFEST["sites"][1:]:
        art = site["article"]
        lists = [set(art["expect"]), set(art["tolerate"]), set(art["forbid"])]
        assert set.union(*lists) == codes, site["key"]
        assert sum(map(len, lists)) == len(codes), site["key"]
        assert set(art["expect_counts"]) <= set(art["expect"])
        assert art["match_kind"] in art["match_kind_ok"]
        assert art["is_copy"] is (art["match_kind"] != "none")
    assert 600 <= STORY["words"] <= 900
    assert len(COPIES) >= 8


def test_original_carries_full_metadata(demo_sites: DemoSites) -> None:
    soup = soup_of(demo_sites, MANIFEST["sites"][0])
    assert soup.h1.get_text(strip=True) == STORY["title"]
    assert soup.find("meta", property="og:site_name")["content"] == STORY["publisher"]
    assert soup.find("meta", property="og:url")["content"] == demo_sites.original_url
    assert soup.find("link", rel="canonical")["href"] == demo_sites.original_url
    ld = json.loads(soup.find("script", type="application/ld+json").string)
    assert ld["@type"] == "NewsArticle"
    assert ld["headline"] == STORY["title"]
    assert [a["name"] for a in ld["author"]] == STORY["authors"]
    assert ld["publisher"]["name"] == STORY["publisher"]
    assert ld["datePublished"] == STORY["published"]
    assert STORY["photo_credit"] in soup.figcaption.get_text(" ", strip=True)
    assert "Source: AFP" in paragraph_texts(soup)
    assert set(STORY["paragraphs"]) <= paragraph_texts(soup)


@pytest.mark.parametrize("site", COPIES, ids=[s["key"] for s in COPIES])
def test_copy_text_matches_the_manifest(demo_sites: DemoSites, site: dict[str, Any]) -> None:
    paras = paragraph_texts(soup_of(demo_sites, site))
    kept, gone, inserted = expected_paragraphs(site["article"])
    assert set(kept) <= paras
    assert not set(gone) & paras
    for text in inserted:
        assert any(text in p for p in paras)


@pytest.mark.parametrize("site", COPIES, ids=[s["key"] for s in COPIES])
def test_copy_attribution_matches_the_manifest(demo_sites: DemoSites, site: dict[str, Any]) -> None:
    soup = soup_of(demo_sites, site)
    text = soup.get_text(" ", strip=True)
    hrefs = [a.get("href", "") for a in soup.find_all("a")]
    canonical = soup.find("link", rel="canonical")["href"]
    expect = site["article"]["expect"]
    assert (canonical != demo_sites.original_url) is ("attribution.canonical_elsewhere" in expect)
    if "attribution.publisher_missing" in expect:
        assert "harbour ledger" not in str(soup).lower()
    else:
        assert "The Harbour Ledger" in text
    if "attribution.link_missing" in expect:
        assert not any(h.startswith(demo_sites.sites["harbour"]) for h in hrefs)
    elif "attribution.link_broken" not in expect:
        assert demo_sites.original_url in hrefs
    if "attribution.byline_missing" in expect or "attribution.byline_replaced" in expect:
        assert not any(name in text for name in STORY["authors"])
    else:
        assert all(name in text for name in STORY["authors"])
    assert ("Source: –" in text) is has_code(site, "attribution.credit_placeholder")
    assert ("Source: Reuters" in text) is has_code(site, "attribution.credit_wrong")
    assert ("AFP" not in text) is has_code(site, "attribution.wire_dropped")


def test_source_links_that_lead_nowhere(demo_sites: DemoSites) -> None:
    for site in COPIES:
        if not has_code(site, "attribution.link_broken"):
            continue
        soup = soup_of(demo_sites, site)
        own = demo_sites.sites[site["key"]]
        labels = ("original", "read more", "source")
        broken = [
            a
            for a in soup.find_all("a")
            if any(x in a.get_text().lower() for x in labels)
            and (a["href"] in ("", "#") or a["href"].startswith(own))
        ]
        assert broken, site["key"]


def test_photo_captions(demo_sites: DemoSites) -> None:
    for site in COPIES:
        caption = soup_of(demo_sites, site).find("figcaption")
        if has_code(site, "attribution.photo_credit_dropped"):
            assert caption is not None
            assert "Photo:" not in caption.get_text()
        elif caption is not None:
            assert STORY["photo_credit"] in caption.get_text(" ", strip=True)


def test_headlines(demo_sites: DemoSites) -> None:
    for site in COPIES:
        h1 = soup_of(demo_sites, site).h1.get_text(strip=True)
        changed = has_code(site, "content.headline_changed")
        tolerated = "content.headline_changed" in site["article"]["tolerate"]
        assert (h1 != STORY["title"]) is (changed or tolerated), site["key"]


@pytest.mark.parametrize("site", OTHERS, ids=[s["key"] for s in OTHERS])
def test_non_copies_share_at_most_one_sentence(demo_sites: DemoSites, site: dict[str, Any]) -> None:
    text = soup_of(demo_sites, site).get_text(" ", strip=True)
    sentences = [s for p in STORY["paragraphs"] for s in p.split(". ") if len(s) > 40]
    assert sum(s in text for s in sentences) <= 1


@pytest.mark.parametrize("site", MANIFEST["sites"], ids=[s["key"] for s in MANIFEST["sites"]])
def test_feed_and_sitemaps_list_the_articles(demo_sites: DemoSites, site: dict[str, Any]) -> None:
    key = site["key"]
    feed = feedparser.parse(get(demo_sites, key, site["feed"]))
    assert not feed.bozo, feed.get("bozo_exception")
    wanted = {demo_sites.url(key, p) for p in [site["article"]["path"], *site["other_articles"]]}
    assert {entry.link for entry in feed.entries} == wanted
    locs = set()
    for path in site["sitemaps"]:
        locs |= {loc.get_text() for loc in BeautifulSoup(get(demo_sites, key, path), "xml")("loc")}
    assert wanted <= locs
    home = BeautifulSoup(get(demo_sites, key, "/"), "lxml")
    assert site["article"]["path"] in {a.get("href") for a in home.find_all("a")}


def test_variants_change_only_what_the_manifest_says(fresh_sites: DemoSites) -> None:
    corrected = MANIFEST["variants"]["original_corrected"]
    url = fresh_sites.apply_variant("original_corrected")
    paras = paragraph_texts(BeautifulSoup(urllib.request.urlopen(url).read(), "lxml"))
    change = corrected["change"]
    fixed = [p.replace(change["from"], change["to"]) for p in STORY["paragraphs"]]
    assert set(fixed) <= paras
    assert not any(change["from"] in p for p in paras)
    for key in corrected["stale_copies"]:
        site = next(s for s in COPIES if s["key"] == key)
        assert change["from"] in soup_of(fresh_sites, site).get_text(" ")
    fixed_url = fresh_sites.apply_variant("buzzhub_credit_fixed")
    text = BeautifulSoup(urllib.request.urlopen(fixed_url).read(), "lxml").get_text(" ")
    assert "Source: AFP" in text
    assert "Source: –" not in text
