"""Control and bidi characters in scraped text never reach the terminal (issue 13, item 11).

A page's title, byline and body carry ESC sequences (raw and as &#27;), the 8-bit CSI
U+009B, DEL and U+202E. `extract` and `check` run as real subprocesses; their output
must hold none of them, and JSON output must keep the same data with \\u escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostsites import PageSite
from runcli import CliRun

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PARAGRAPHS = [
    "The harbour authority said on Tuesday that container traffic would resume next week "
    "after a strike that halted loading at every terminal for nine days.",
    "Union leaders agreed to a pay rise of 4.5 percent over two years, ending a dispute "
    "that had left more than 40 ships waiting at anchor outside the port.",
    "Shipping companies warned that clearing the backlog could take a month, and that "
    "some cargo bound for the region had already been rerouted through other ports.",
    "The transport minister welcomed the deal and said the government would review how "
    "the port handles labour disputes so that trade is not interrupted again.",
]


def page(title: str, author: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta name='author' content='{author}'></head>"
        f"<body><article><h1>{title}</h1><p class='byline'>By {author}</p>{body}"
        "</article></body></html>"
    ).encode()


HOSTILE_TITLE = "Port strike ends\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07 after nine days\u202eevil"
HOSTILE_AUTHOR = "Jane\x9b31m Doe\x7f"
HOSTILE_PARAGRAPHS = [
    PARAGRAPHS[0].replace("Tuesday", "Tuesday&#27;[31m\x1b[1A"),
    PARAGRAPHS[1].replace("4.5", "\u202e5.4\u202c\x9b"),  # U+009B is C2 9B in UTF-8
    PARAGRAPHS[2].replace("month", "month\x7f\u2066x\u2069&#x9b;"),
    PARAGRAPHS[3],
]


def assert_clean(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})
    assert not found, f"control characters reached the terminal: {found}"


@pytest.fixture(scope="module")
def site() -> Iterator[PageSite]:
    served = PageSite(
        {
            "/original": page("Port strike ends after nine days", "Jane Doe", PARAGRAPHS),
            "/copy": page(HOSTILE_TITLE, HOSTILE_AUTHOR, HOSTILE_PARAGRAPHS),
        }
    )
    yield served
    served.close()


def test_extract_strips_controls(cli: CliRun, tmp_path: Path, site: PageSite) -> None:
    saved = tmp_path / "hostile.html"
    saved.write_bytes(page(HOSTILE_TITLE, HOSTILE_AUTHOR, HOSTILE_PARAGRAPHS))
    proc = cli("extract", str(saved), "--url", "https://copy.example/a")
    assert proc.returncode == 0, proc.stderr
    assert_clean(proc.stdout + proc.stderr)
    assert "Port strike ends[2J" in proc.stdout  # the text stays, without its ESC
    assert "pay rise of 5.4 percent" in proc.stdout
    as_json = cli("extract", str(saved), "--url", "https://copy.example/a", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert_clean(as_json.stdout.replace("\n", ""))
    article = json.loads(as_json.stdout)
    assert "\u202e" in article["title"]  # the data is whole; only its display is escaped


def test_check_strips_controls(cli: CliRun, site: PageSite) -> None:
    proc = cli("check", site.url("/original"), site.url("/copy"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert site.url("/copy") in proc.stdout
    assert_clean(proc.stdout + proc.stderr)
    as_json = cli("check", site.url("/original"), site.url("/copy"), "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert_clean(as_json.stdout.replace("\n", "") + as_json.stderr)
    report = json.loads(as_json.stdout)
    assert report["stories"][0]["copies"][0]["url"] == site.url("/copy")


def test_error_lines_strip_controls(cli: CliRun, tmp_path: Path) -> None:
    saved = tmp_path / "not-an-article.html"
    saved.write_bytes(b"<html><head><title>x</title></head><body></body></html>")
    proc = cli("extract", str(saved), "--url", "https://e.example/\x1b[2J\u202e")
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: ")
    assert_clean(proc.stderr.replace("\n", ""))
