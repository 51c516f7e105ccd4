"""Table tests for each content check, sentence pair by sentence pair."""

from __future__ import annotations

from collections import Counter

import pytest

from drift.align import align
from drift.checks.facts import find_date_changes, find_name_changes, find_number_changes
from drift.checks.pair import PassagePair
from drift.checks.structure import find_headline_change, is_boilerplate
from drift.checks.wording import find_hedge_removals, find_negation_flips, is_reworded
from drift.content import find_content_findings
from drift.lexicon import name_words
from drift.model import Article


def _pair(original: str, copy: str) -> PassagePair:
    known = name_words(original) | name_words(copy)
    return PassagePair(original, copy, original, copy, original, copy, known)


@pytest.mark.parametrize(
    ("original", "copy", "changes"),
    [
        ("2,800 people fled.", "28,000 people fled.", [("2,800", "28,000")]),
        ("2,800 people fled.", "2800 people fled.", []),
        ("2,800 people fled.", "2.800 people fled.", []),
        ("It cost $1 million.", "It cost $1,000,000.", []),
        ("It cost $1 million.", "It cost $1m.", []),
        ("It cost $1 million.", "It cost $10m.", [("$1 million", "$10m")]),
        ("Profit was 17 (17) times.", "Profit was (17) 17 times.", []),
        ("It rose 12%.", "It rose 21%.", [("12%", "21%")]),
        ("It rose 12%.", "It rose 12 per cent.", []),
        ("She came third.", "She came 3rd.", []),
        ("She came third.", "She came fourth.", [("third", "fourth")]),
        ("Twenty-one died.", "21 died.", []),
        ("Five died and 3 were hurt.", "Six died and 4 were hurt.", [("Five", "Six"), ("3", "4")]),
        ("One of the men left.", "The men left.", []),
        ("On May 24, 2022 it rained.", "On May 25, 2022 it rained.", []),
    ],
)
def test_number_changes(original: str, copy: str, changes: list[tuple[str, str]]) -> None:
    facts = find_number_changes(_pair(original, copy))
    assert [(f.detail["from"], f.detail["to"]) for f in facts] == changes


@pytest.mark.parametrize(
    ("original", "copy", "changes"),
    [
        ("It began on Tuesday.", "It began on Wednesday.", [("Tuesday", "Wednesday")]),
        ("It began on March 3.", "It began on 3 March.", []),
        ("It began on March 3.", "It began on March 13.", [("March 3", "March 13")]),
        ("It began on 14 June 2022.", "It began on June 14.", []),
        ("It began at 3 p.m.", "It began at 15:00.", []),
        ("It began at 3 p.m.", "It began at 3 a.m.", [("3 p.m.", "3 a.m.")]),
        ("The flood of 2021 was worse.", "The flood of 2012 was worse.", [("2021", "2012")]),
        ("It began in July 2021.", "It began in July, 2021.", []),
        ("They may march.", "They might march.", []),
    ],
)
def test_date_changes(original: str, copy: str, changes: list[tuple[str, str]]) -> None:
    facts = find_date_changes(_pair(original, copy))
    assert [(f.detail["from"], f.detail["to"]) for f in facts] == changes


@pytest.mark.parametrize(
    ("original", "copy", "changes"),
    [
        (
            "It said Governor Wang Kai left.",
            "It said Governor Li Qiang left.",
            [("Governor Wang Kai", "Governor Li Qiang")],
        ),
        ("Talks in Paris ended.", "Talks in Berlin ended.", [("Paris", "Berlin")]),
        (
            "The Bank of England agreed.",
            "The Bank of France agreed.",
            [("Bank of England", "Bank of France")],
        ),
        ("He met Maria Lopez today.", "He met someone today.", [("Maria Lopez", None)]),
        ("He met Maria Lopez today.", "He met Lopez today.", []),
        ("Said Tom Becker on Monday.", "Tom Becker said on Monday.", []),
        ("Police in New York said so.", "Police in New York said so.", []),
        ("The talks ended.", "Talks ended, officials said.", []),
        ("Okafor said the plan works.", "Adeyemi said the plan works.", [("Okafor", "Adeyemi")]),
        ("It works. Okafor said so.", "It works. Adeyemi said so.", [("Okafor", "Adeyemi")]),
        ("Police said it works.", "Officials said it works.", []),
        (
            "It hit, the U.S. Geological Survey said.",
            "It hit hard, the U.S. Geological Survey said.",
            [],
        ),
        ("The U.S. Treasury agreed.", "The US Treasury agreed.", []),
    ],
)
def test_name_changes(original: str, copy: str, changes: list[tuple[str, str | None]]) -> None:
    facts = find_name_changes(_pair(original, copy))
    assert [(f.detail["from"], f.detail["to"]) for f in facts] == changes


@pytest.mark.parametrize(
    ("original", "copy", "removed"),
    [
        ("He allegedly stole it.", "He stole it.", ["allegedly"]),
        ("He reportedly stole it.", "Reportedly, he stole it.", []),
        ("He may have stole it.", "He stole it.", ["may"]),
        ("He could have stole it.", "He might have stole it.", []),
        ("Prices rose, activists say.", "Prices rose.", ["attribution"]),
        ("Prices rose, according to AFP.", "Prices rose, AFP said.", []),
        ("Prices rose, Lee told AFP.", "Prices rose.", ["attribution"]),
        ("Residents were told to leave.", "Residents were asked to leave.", []),
        ("An unconfirmed report says so.", "A report says so.", ["unconfirmed"]),
        ("The suspected thief fled.", "The thief fled.", ["suspected"]),
        ("He claims it was stolen.", "It was stolen.", ["attribution"]),
    ],
)
def test_hedge_removals(original: str, copy: str, removed: list[str]) -> None:
    assert [f.detail["hedge"] for f in find_hedge_removals(_pair(original, copy))] == removed


def test_hedge_detail_names_the_phrase() -> None:
    (fact,) = find_hedge_removals(
        _pair("Fewer, the opposition claims, were sent.", "Fewer were sent.")
    )
    assert fact.detail == {"hedge": "attribution", "from": "claims"}


def test_hedge_moved_to_neighbour_sentence_is_kept() -> None:
    pair = PassagePair(
        "The man allegedly stole a car.",
        "The man stole a car.",
        "The man allegedly stole a car.",
        "The man stole a car.",
        "The man allegedly stole a car. He fled.",
        "The man stole a car. He allegedly fled.",
    )
    assert find_hedge_removals(pair) == []


@pytest.mark.parametrize(
    ("original", "copy", "flips"),
    [
        ("It would not recede.", "It would recede.", 1),
        ("It would not recede.", "It wouldn't recede.", 0),
        ("It never happened.", "It happened.", 1),
        ("It happened.", "It did not happen.", 1),
        ("He is unlikely to win.", "He is likely to win.", 1),
        ("They agreed.", "They disagreed.", 1),
        ("He left without a word.", "He left with no word.", 0),
        ("No. 10 said so.", "Number 10 said so.", 0),
        ("Neither side won.", "Both sides won.", 1),
    ],
)
def test_negation_flips(original: str, copy: str, flips: int) -> None:
    assert len(find_negation_flips(_pair(original, copy))) == flips


@pytest.mark.parametrize(
    ("original", "copy", "reworded"),
    [
        ("Residents were told to leave.", "Residents were urged to go.", True),
        ("It rose 2,800 times — “fast”.", 'It rose 2800 times - "fast".', False),
        ("It rose. It fell.", "It rose, and it fell.", False),
        ("He would not go.", "He wouldn't go.", False),
    ],
)
def test_is_reworded(original: str, copy: str, reworded: bool) -> None:
    assert is_reworded(_pair(original, copy)) is reworded


@pytest.mark.parametrize(
    ("original", "copy", "changed"),
    [
        ("Floods force 2,800 from homes", "Floods force 2,800 from homes | Daily Buzz", False),
        ("Floods force 2,800 from homes", "FLOODS FORCE 2,800 FROM HOMES!", False),
        ("Floods force 2,800 from homes", "Daily Buzz: Floods force 2,800 from homes", False),
        ("Floods force 2,800 from homes", "Floods force 28,000 from homes", True),
        ("Floods force 2,800 from homes", "Thousands flee rising river", True),
        ("Floods force 2,800 from homes", "", False),
    ],
)
def test_headline_change(original: str, copy: str, changed: bool) -> None:
    assert bool(find_headline_change(original, copy)) is changed


@pytest.mark.parametrize(
    ("line", "boilerplate"),
    [
        ("Related: Storm hits coast", True),
        ("Advertisement", True),
        ("READ MORE: the rest of the story", True),
        ("(Reporting by Li Na; Editing by Tom Hogue)", True),
        ("Subscribe to our newsletter for more.", True),
        ("Local residents said the dam was unsafe.", False),
    ],
)
def test_boilerplate(line: str, boilerplate: bool) -> None:
    assert is_boilerplate(line) is boilerplate


def _codes(original: tuple[str, ...], copy: tuple[str, ...]) -> Counter[str]:
    o, c = Article("o", paragraphs=original), Article("c", paragraphs=copy)
    return Counter(f.code for f in find_content_findings(o, c, align(o, c)))


BODY = (
    "Floods forced 2,800 people from their homes on Tuesday, state media reported.",
    "The river rose 3.5 metres overnight. Officials said it would not recede before Friday.",
    "Rescue teams searched the lower valley for missing residents during the night.",
    "Residents were told to avoid the riverbanks until the water level drops again.",
)


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        (BODY[:3], {"content.truncated": 1}),
        ((BODY[0], BODY[3]), {"content.passage_dropped": 1}),
        ((BODY[0], BODY[2]), {"content.passage_dropped": 1, "content.truncated": 1}),
        ((BODY[0], BODY[2], BODY[3]), {"content.passage_dropped": 1}),
        (
            (BODY[0], "Critics say the dam was never safe to begin with.", *BODY[1:]),
            {"content.text_inserted": 1},
        ),
        ((BODY[0], "Advertisement", *BODY[1:], "Related: Storm hits coast"), {}),
        ((BODY[1], BODY[0], BODY[3], BODY[2]), {}),
    ],
)
def test_structure_findings(copy: tuple[str, ...], expected: dict[str, int]) -> None:
    assert dict(_codes(BODY, copy)) == expected


def test_honest_ellipsis_in_a_quote_is_no_finding() -> None:
    original = Article(
        "o", paragraphs=("“The walls fell down around us. We had no time,” she said.", *BODY)
    )
    copy = Article("c", paragraphs=("“The walls fell down … We had no time,” she said.", *BODY))
    assert find_content_findings(original, copy, align(original, copy)) == []


def test_three_changed_numbers_are_three_distinct_findings() -> None:
    original = Article(
        "o", paragraphs=("Of 40 people, 12 were hurt and 3 died, police said.", *BODY[1:])
    )
    copy = Article(
        "c", paragraphs=("Of 50 people, 14 were hurt and 5 died, police said.", *BODY[1:])
    )
    findings = find_content_findings(original, copy, align(original, copy))
    assert [f.code for f in findings] == ["content.number_changed"] * 3
    assert len({f.key for f in findings}) == 3
    assert [f.evidence.detail["to"] for f in findings] == ["50", "14", "5"]
