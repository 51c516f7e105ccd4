"""Attribution checks end to end from small hand-written pages through drift.normalise.

One original page and one copy page per row; each row names the code it must
(or must not) give, so a change in what normalise reads shows up here too.
"""

from __future__ import annotations

import pytest

from drift.attribution import find_attribution_findings
from drift.model import Article
from drift.normalise import normalise

ORIGINAL_URL = "https://www.example-times.com/2022/05/24/leak"
COPY_URL = "https://republisher.example/a/123"
BODY = """
<p>The ministry responded on Tuesday to the leaked files, saying the documents were
incomplete and that an inquiry would follow.</p>
<p>Officials said 2,800 pages had been released and that the ministry had asked the
courts to stop further publication.</p>
<p>The spokesperson declined to say when the inquiry would report, adding that its
findings would be made public.{link}</p>
"""
CAPTION = "Spokesperson Zhao Lijian at a press conference on May 24."
ORIGINAL_HTML = f"""<!doctype html><html lang="en"><head>
<title>Leaked files: ministry responds | The Example Times</title>
<link rel="canonical" href="{ORIGINAL_URL}">
<meta property="og:site_name" content="The Example Times">
<meta name="author" content="Jane Q. Doe">
</head><body><article><h1>Leaked files: ministry responds</h1>
<p class="byline">By Jane Q. Doe</p>
{BODY.format(link="")}
<figure><img src="a.jpg"><figcaption>{CAPTION}
<span class="credit">Photo: Li Wei/AFP</span></figcaption></figure>
<p>Source: AFP</p>
</article></body></html>"""

# The faithful copy's parts; each row replaces one.
FAITHFUL = {
    "canonical": ORIGINAL_URL,
    "byline": "By Jane Doe",
    "link": f' <a href="{ORIGINAL_URL}">Read the original article</a>',
    "caption_credit": '<span class="credit">Photo: Li Wei/AFP</span>',
    "credit": "Source: The Example Times / AFP",
}
COPY_TEMPLATE = """<!doctype html><html lang="en"><head>
<title>Leak of files, ministry spoke up - Daily Buzz Hub</title>
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="Daily Buzz Hub">
</head><body><article><h1>Leak of files, ministry spoke up</h1>
<p class="byline">{byline}</p>
{body}
<figure><img src="a.jpg"><figcaption>{caption} {caption_credit}</figcaption></figure>
<p>{credit}</p>
</article></body></html>"""


def _copy(**parts: str) -> Article:
    values = {**FAITHFUL, **parts}
    html = COPY_TEMPLATE.format(
        body=BODY.format(link=values.pop("link")), caption=CAPTION, **values
    )
    return normalise(html.encode(), COPY_URL)


def _codes(**parts: str) -> list[str]:
    original = normalise(ORIGINAL_HTML.encode(), ORIGINAL_URL)
    return [f.code for f in find_attribution_findings(original, _copy(**parts))]


def test_faithful_copy_page_gives_no_findings() -> None:
    assert _codes() == []


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        pytest.param({"credit": "Source: AFP"}, "attribution.publisher_missing", id="publisher"),
        pytest.param({"credit": "Source: –"}, "attribution.credit_placeholder", id="placeholder"),
        pytest.param({"credit": "Source: Reuters"}, "attribution.credit_wrong", id="wrong"),
        pytest.param(
            {"credit": "Source: The Example Times"}, "attribution.wire_dropped", id="wire"
        ),
        pytest.param({"byline": ""}, "attribution.byline_missing", id="byline-missing"),
        pytest.param({"byline": "By John Smith"}, "attribution.byline_replaced", id="replaced"),
        # The copy's own canonical: a canonical naming the original is a link back too.
        pytest.param(
            {"link": ' <a href="/a/124">Related story</a>', "canonical": COPY_URL},
            "attribution.link_missing",
            id="link",
        ),
        pytest.param(
            {"link": ' <a href="#">Read the original article here</a>'},
            "attribution.link_broken",
            id="broken",
        ),
        pytest.param({"canonical": COPY_URL}, "attribution.canonical_elsewhere", id="canonical"),
        pytest.param({"caption_credit": ""}, "attribution.photo_credit_dropped", id="photo"),
    ],
)
def test_copy_page_gives_code(parts: dict[str, str], code: str) -> None:
    assert code in _codes(**parts)


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        pytest.param(
            {"credit": "Nguồn: example-times.com"}, "attribution.publisher_missing", id="domain"
        ),
        pytest.param(
            {"link": ' <a href="https://example-times.com/">Example Times</a>'},
            "attribution.link_missing",
            id="home-link",
        ),
        pytest.param({"byline": "By JANE DOE"}, "attribution.byline_missing", id="byline-case"),
        pytest.param(
            {"credit": "Source: Agence France-Presse, The Example Times"},
            "attribution.wire_dropped",
            id="wire-alias",
        ),
    ],
)
def test_copy_page_near_miss(parts: dict[str, str], code: str) -> None:
    assert code not in _codes(**parts)
