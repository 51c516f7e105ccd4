"""Content checks on the shapes real pages take: one edit gives exactly its one finding.

Quotations running over several paragraphs and in every quoting style, names
replaced by names of another length, numbers in scripts written without spaces,
and each content code's edit alone (no extra content.sentence_modified, no duplicate).
"""

from __future__ import annotations

from collections import Counter

import pytest

from drift.align import align
from drift.analyse import analyse_copy
from drift.content import find_content_findings
from drift.model import Article
from drift.normalise import normalise
from drift.numbers import find_numbers
from drift.quotes import find_paragraph_quotes, find_quotes


def _findings(original: list[str], copy: list[str]) -> list[tuple[str, dict[str, object]]]:
    o, c = Article("o", paragraphs=tuple(original)), Article("c", paragraphs=tuple(copy))
    return [
        (f.code, dict(f.evidence.detail or {})) for f in find_content_findings(o, c, align(o, c))
    ]


def _codes(original: list[str], copy: list[str]) -> Counter[str]:
    return Counter(code for code, _ in _findings(original, copy))


def _edit(paragraphs: list[str], index: int, old: str, new: str) -> list[str]:
    assert old in paragraphs[index]
    edited = list(paragraphs)
    edited[index] = edited[index].replace(old, new, 1)
    return edited


BODY = [
    "Floods forced 2,800 people from their homes on Tuesday, state media reported.",
    "The river rose 3.5 metres overnight. Officials said it would not recede before Friday.",
    "Mayor Ana Costa said the town had asked the army for help, according to a statement.",
    "“We have never seen water this high in the valley,” Costa told reporters on Wednesday.",
    "The suspect allegedly opened the dam gates without permission, police said.",
    "Rescue teams searched the lower valley for missing residents during the night.",
    "Residents were told to avoid the riverbanks until the water level drops again.",
]

# English style: each continued paragraph reopens the quote, only the last one closes it.
LONG_QUOTE = [
    "Ana Costa spoke to reporters outside the town hall on Wednesday morning.",
    "“We have never seen water this high in the valley, not in my lifetime.",
    "“Every family on the lower streets has lost something this week, many everything.",
    "“We will rebuild, but we need the national government to help us now,” she said.",
    "The national government has not yet answered the mayor's request for help.",
]


def test_quote_over_several_paragraphs_is_one_quote() -> None:
    (quote,) = find_paragraph_quotes(LONG_QUOTE)
    text = "\n\n".join(LONG_QUOTE)
    assert text[quote.start : quote.end] == quote.text
    assert quote.text.startswith("We have never seen")
    assert quote.text.endswith("help us now,")


@pytest.mark.parametrize(
    ("index", "old", "new"),
    [
        (2, "many everything", "a few everything"),  # a middle paragraph of the quote
        (1, "not in my lifetime", "not in my memory"),  # its first paragraph
        (3, "national government", "regional government"),  # the paragraph that closes it
    ],
)
def test_altered_multi_paragraph_quote_is_quote_altered_only(
    index: int, old: str, new: str
) -> None:
    copy = _edit(BODY + LONG_QUOTE, len(BODY) + index, old, new)
    assert _codes(BODY + LONG_QUOTE, copy) == Counter({"content.quote_altered": 1})


def test_multi_paragraph_quote_retyped_is_not_altered() -> None:
    copy = [p.replace("“", '"').replace("”", '"') for p in LONG_QUOTE]
    assert _findings(BODY + LONG_QUOTE, BODY + copy) == []


def test_quote_left_open_until_the_last_continuing_paragraph_ends_there() -> None:
    paragraphs = ["“We will stay here until the water goes down.", "“Nobody is leaving.", "Next."]
    (quote,) = find_paragraph_quotes(paragraphs)
    assert quote.text.endswith("Nobody is leaving.")


def test_open_quote_not_continued_is_no_quote() -> None:
    assert find_paragraph_quotes(["“We will stay here, she said.", "The water kept rising."]) == []


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("Er sagte: „Wir gehen nicht zurück an die Arbeit“, und ging.", "Wir gehen nicht zurück"),
        ("Il a dit : « Nous ne reprendrons pas le travail » hier.", "Nous ne reprendrons pas"),
        ("Han sagde: »Vi går ikke tilbage på arbejde« i går.", "Vi går ikke tilbage"),
        ("He said ‘we will not go back to work’ on Monday.", "we will not go back"),
        ('He said "we will not go back to work" on Monday.', "we will not go back"),
        ("他说：「我们不会回去工作」。", "我们不会回去工作"),
        ("彼は『私たちは仕事に戻らない』と述べた。", "私たちは仕事に戻らない"),
    ],
)
def test_every_quoting_style_pairs(text: str, inside: str) -> None:
    (quote,) = find_quotes(text)
    assert quote.text.strip().startswith(inside)


@pytest.mark.parametrize(
    ("paragraphs", "old", "new"),
    [
        (["„Wir gehen nicht an die Arbeit, bis der Hafen zahlt“, sagte Holm."], "zahlt", "bietet"),
        (["« Nous ne reprendrons pas le travail tant que le port ne paie pas »."], "paie", "offre"),
        (["»Vi går ikke tilbage på arbejde, før havnen betaler«, siger Holm."], "betaler", "giver"),
        (["‘We will not go back to work until the port pays us,’ Holm said."], "pays", "asks"),
        (['"We will not go back to work until the port pays us," Holm said.'], "pays", "asks"),
        (["霍尔姆说：「在港口付钱之前，我们不会回去工作。」"], "付钱", "道歉"),
    ],
)  # fmt: skip
def test_altered_quote_in_every_style_is_quote_altered_only(
    paragraphs: list[str], old: str, new: str
) -> None:
    tail = ["Rescue teams searched the lower valley for missing residents during the night."]
    copy = _edit(paragraphs, 0, old, new)
    assert _codes(paragraphs + tail, copy + tail) == Counter({"content.quote_altered": 1})


@pytest.mark.parametrize(
    ("index", "old", "new", "names"),
    [
        (2, "Ana Costa", "Maria da Luz Ferreira", ("Ana Costa", "Maria da Luz Ferreira")),
        (2, "Mayor Ana Costa", "Mayor Jo Li", ("Ana Costa", "Jo Li")),
        # the surname alone, while the previous sentence still names Ana Costa
        (3, "Costa told", "Ferreira told", ("Costa", "Ferreira")),
    ],
)
def test_name_replaced_by_one_of_another_length_is_name_changed(
    index: int, old: str, new: str, names: tuple[str, str]
) -> None:
    found = _findings(BODY, _edit(BODY, index, old, new))
    assert found == [("content.name_changed", {"from": names[0], "to": names[1]})]


def test_name_moved_to_a_neighbouring_sentence_is_not_changed() -> None:
    original = ["Ana Costa asked the army for help.", "The town waited for an answer all day."]
    copy = ["The army was asked for help.", "Ana Costa and the town waited for an answer all day."]
    assert not [f for f in _findings(original, copy) if f[0] == "content.name_changed"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("暴雨已造成33人死亡，另有12人失踪。", [33.0, 12.0]),
        ("当局によると33人が死亡した。", [33.0]),
        ("사고로 33명이 숨졌다.", [33.0]),
        ("The A380 and B52 flew.", []),  # digits inside a Latin word are no number
    ],
)
def test_numbers_in_unspaced_scripts(text: str, values: list[float]) -> None:
    assert [n.value for n in find_numbers(text)] == values


ZH = [
    "暴雨导致河水暴涨，当局周二表示，事故已造成33人死亡，另有多人失踪。",
    "救援人员正在下游地区搜寻失踪人员。",
    "居民被告知远离河岸，直到水位再次下降。",
]
JA = [
    "大雨の影響で川が増水し、当局によると33人が死亡した。",
    "救助隊は下流域で行方不明者の捜索を続けている。",
    "住民は水位が下がるまで川岸に近づかないよう求められた。",
]


@pytest.mark.parametrize("paragraphs", [ZH, JA])
def test_changed_number_in_chinese_or_japanese_is_number_changed(paragraphs: list[str]) -> None:
    found = _findings(paragraphs, _edit(paragraphs, 0, "33人", "43人"))
    assert found == [("content.number_changed", {"from": "33", "to": "43"})]


@pytest.mark.parametrize(
    ("index", "old", "new", "code"),
    [
        (0, "2,800", "3,800", "content.number_changed"),
        (1, "3.5 metres", "4.5 metres", "content.number_changed"),
        (0, "Tuesday", "Monday", "content.date_changed"),
        (3, "Wednesday", "Thursday", "content.date_changed"),
        (2, "Ana Costa", "Maria Ferreira", "content.name_changed"),
        (1, "would not recede", "would recede", "content.negation_flipped"),
        (6, "were told to avoid", "were not told to avoid", "content.negation_flipped"),
        (4, "allegedly ", "", "content.hedge_removed"),
        (2, ", according to a statement", "", "content.hedge_removed"),
        (4, ", police said", "", "content.hedge_removed"),
        (3, "this high", "this deep", "content.quote_altered"),
    ],
)
def test_one_edit_gives_exactly_its_one_finding(index: int, old: str, new: str, code: str) -> None:
    assert _codes(BODY, _edit(BODY, index, old, new)) == Counter({code: 1})


def _page(paragraphs: list[str], wrap: str = "p") -> bytes:
    body = "".join(f"<{wrap}>{p}</{wrap}>" for p in paragraphs)
    return (
        "<html><head><title>Floods force thousands from homes</title></head><body>"
        f"<article><h1>Floods force thousands from homes</h1>{body}</article></body></html>"
    ).encode()


def test_html_pages_with_a_multi_paragraph_quote_altered() -> None:
    """The same through normalise and analyse_copy: HTML in, content findings out."""
    paragraphs = BODY + LONG_QUOTE
    original = normalise(_page(paragraphs), "https://a.example/floods", {})
    copy_text = _edit(paragraphs, len(BODY) + 2, "many everything", "a few everything")
    copy = normalise(_page(copy_text), "https://b.example/floods", {})
    content = [
        f.code for f in analyse_copy(original, copy).findings if f.code.startswith("content.")
    ]
    assert content == ["content.quote_altered"]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("lost 40 homes", "lost 45 homes", "content.number_changed"),
        ("Ana Costa", "Maria da Luz Ferreira", "content.name_changed"),
        ("we have not finished", "we have finished", "content.negation_flipped"),
        ("on Monday", "on Tuesday", "content.date_changed"),
        ("rebuild them", "replace them", "content.quote_altered"),
    ],
)
def test_a_fact_changed_inside_a_quote_is_that_fact(old: str, new: str, code: str) -> None:
    """A quote whose words differ by a fact alone reports the fact, once."""
    quote = (
        "“We lost 40 homes on Monday and we have not finished counting, Ana Costa knows it,"
        " but we will rebuild them,” the mayor said."
    )
    assert _codes([*BODY, quote], [*BODY, quote.replace(old, new)]) == Counter({code: 1})


def test_altered_quote_repeated_unquoted_as_a_pull_quote_is_still_altered() -> None:
    pull = "We have never seen water this high in the valley, not in my lifetime."
    quote = f"“{pull[:-1]},” Costa said on the steps of the town hall."
    copy = quote.replace("this high", "this deep")
    assert _codes([*BODY, pull, quote], [*BODY, pull, copy]) == Counter(
        {"content.quote_altered": 1}
    )


def test_paragraphs_of_marks_without_words_are_no_passage() -> None:
    original = [*BODY[:3], "...", *BODY[3:], ".“"]
    copy = _edit(original, 0, "2,800", "3,800")
    assert _codes(original, copy) == Counter({"content.number_changed": 1})


STATES = "Emissions in the United States, at 8%, fell again last year."
DASHED = "Contenders such as Ron DeSantis and Nikki Haley—were unwilling to speak."
CYRILLIC = "— Отношения очень добрые, — начал Владимир Путин. — Премьер сказал, что рад."


@pytest.mark.parametrize(
    ("text", "old", "new"),
    [
        (STATES, "United States", "Tom Oakes"),  # "States" is no reporting verb
        (DASHED, "Nikki Haley", "Ivo Brandt"),
        (CYRILLIC, "Владимир Путин", "Annabel Whitcombe-Ferris"),
    ],
)
def test_names_in_any_script_or_next_to_a_dash_are_name_changed(
    text: str, old: str, new: str
) -> None:
    assert _codes([*BODY, text], [*BODY, text.replace(old, new)]) == Counter(
        {"content.name_changed": 1}
    )


def test_removed_attribution_takes_the_number_inside_it_along() -> None:
    text = "Halting it would cause only a small dip in output, according to a 2017 analysis."
    copy = "Halting it would cause only a small dip in output."
    assert _codes([*BODY, text], [*BODY, copy]) == Counter({"content.hedge_removed": 1})


STORY = [
    "Floods forced 2,800 people from their homes on Tuesday, state media reported.",
    "The river rose 3.5 metres overnight and kept rising through the morning hours.",
    "Rescue teams searched the lower valley for missing residents during the night.",
    "Residents were told to avoid the riverbanks until the water level drops again.",
    "Insurers expect claims to run into the hundreds of millions over the coming months.",
    "“We lost everything in one night and nobody warned us,” said one farmer near the dam.",
    "Engineers will inspect the dam on Friday before any of the families may return home.",
    "The regional government promised emergency funds for every household that was hit.",
]


def test_truncated_copy_keeping_a_crosshead_of_the_cut_part_is_truncated_only() -> None:
    original = [*STORY[:4], "Insurers brace for claims", *STORY[4:]]
    copy = [*STORY[:3], "Insurers brace for claims"]  # the cut left the subheading
    assert _codes(original, copy) == Counter({"content.truncated": 1})


def test_truncated_copy_keeping_a_pull_quote_is_truncated_only() -> None:
    pull = "“We lost everything in one night and nobody warned us.”"
    original = [*STORY[:5], pull, *STORY[5:]]  # the pull quote repeats STORY[5]'s words
    copy = [*STORY[:3], pull]  # cut after three paragraphs; the pull quote stayed
    assert _codes(original, copy) == Counter({"content.truncated": 1})


def test_dropped_middle_paragraph_next_to_a_crosshead_is_one_passage_dropped() -> None:
    original = [*STORY[:4], "Insurers brace for claims", *STORY[4:]]
    copy = [p for p in original if p != STORY[4]]
    assert _codes(original, copy) == Counter({"content.passage_dropped": 1})


@pytest.mark.parametrize("dropped", [1, 2])  # the quote's first paragraph, a middle one
def test_dropped_paragraph_of_a_multi_paragraph_quote_is_passage_dropped_only(
    dropped: int,
) -> None:
    original = BODY + LONG_QUOTE
    copy = [p for p in original if p != LONG_QUOTE[dropped]]
    assert _codes(original, copy) == Counter({"content.passage_dropped": 1})
