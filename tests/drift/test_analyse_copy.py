"""analyse_copy end to end: no findings for non-copies, sorted findings, never raises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drift.analyse import analyse_copy
from drift.model import SEVERITY_RANK, Article

ORIGINAL = Article(
    "https://o.example/a",
    title="Floods force 2,800 from their homes",
    paragraphs=(
        "Floods forced 2,800 people from their homes on Tuesday, state media reported.",
        "The river rose 3.5 metres overnight. Officials said it would not recede before Friday.",
        "“We have moved everyone,” Governor Wang Kai told reporters in Zhengzhou.",
        "Residents were told to avoid the riverbanks until the water level drops again.",
    ),
)


def test_not_a_copy_has_no_findings() -> None:
    page = Article("https://c.example/b", title="Cake recipe", paragraphs=("Mix flour and eggs.",))
    analysis = analyse_copy(ORIGINAL, page)
    assert analysis.match.kind == "none"
    assert analysis.findings == ()
    assert analysis.drift_score == 0
    assert analysis.severity == "none"
    assert not analysis.is_copy


def test_faithful_copy_has_no_content_findings() -> None:
    copy = Article("https://c.example/a", title=ORIGINAL.title, paragraphs=ORIGINAL.paragraphs)
    analysis = analyse_copy(ORIGINAL, copy)
    assert analysis.match.kind == "verbatim"
    assert [f for f in analysis.findings if f.category == "content"] == []
    assert len(analysis.alignment.pairs) == 5


def test_drifted_copy_findings_sorted_and_scored() -> None:
    copy = Article(
        "https://c.example/a",
        title="Thousands flee as river bursts",
        paragraphs=(
            "Floods forced 28,000 people from their homes on Wednesday, state media reported.",
            ORIGINAL.paragraphs[1].replace("would not recede", "would recede"),
            ORIGINAL.paragraphs[2],
        ),
    )
    analysis = analyse_copy(ORIGINAL, copy)
    content = [f.code for f in analysis.findings if f.category == "content"]
    assert sorted(content) == [
        "content.date_changed",
        "content.headline_changed",
        "content.negation_flipped",
        "content.number_changed",
        "content.truncated",
    ]
    ranks = [(-SEVERITY_RANK[f.severity], f.code) for f in analysis.findings]
    assert ranks == sorted(ranks)
    assert analysis.severity == "high"
    assert analysis.drift_score > 50


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abc XYZ.,!?“”\"'«»…—-\n0123456789%$") + list("北京下雨。！？") + list("مرحبا؟")
    ),
    max_size=300,
)
_PARAS = st.lists(_TEXT, max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, _PARAS, _TEXT, _PARAS, st.booleans())
def test_analyse_copy_never_raises(
    t1: str, p1: list[str], t2: str, p2: list[str], share: bool
) -> None:
    original = Article("o", title=t1, paragraphs=tuple(p1))
    copy = Article("c", title=t2, paragraphs=tuple(p1 + p2) if share else tuple(p2))
    analysis = analyse_copy(original, copy)
    assert 0 <= analysis.drift_score <= 100
    m = analysis.match
    assert all(0.0 <= x <= 1.0 for x in (m.containment, m.verbatim, m.added))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "北京今天下雨。",
                "明天晴天！",
                "真的吗？",
                "هذا نص عربي.",
                "وهذا آخر؟",
                "The minister said 2,800 people left on Tuesday.",
                "“We will not go,” she said.",
                "Related: more",
                "",
                "One.",
                "Prices rose 12% in 2021, activists say.",
            ]
        ),
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_analyse_copy_never_raises_on_shuffled_sentences(sentences: list[str], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(sentences)
    rnd.shuffle(shuffled)
    analysis = analyse_copy(
        Article("o", paragraphs=tuple(sentences)), Article("c", paragraphs=tuple(shuffled[:-1]))
    )
    assert analysis.match.kind in ("verbatim", "full", "partial", "none")


HOSTILE = {
    "apostrophes": "'a " * 3000,
    "straight quotes": '"' * 5000,
    "curly quotes": "“ab " * 2000,
    "digit runs": "1,1" * 3000,
    "titles": "Mr. " * 3000,
    "line breaks": "a\n" * 3000,
    "dates": "May 5 " * 2000,
    "one long sentence": " ".join(f"w{i}" for i in range(20000)),
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_text_on_either_side(text: str) -> None:
    page = Article("p", title=text[:200], paragraphs=(text,))
    assert analyse_copy(ORIGINAL, page).match.kind == "none"
    assert analyse_copy(page, ORIGINAL).match.kind == "none"
