"""Contract tests: the code registry matches CONTRACT.md §4; the CLI keeps its options."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from drift.codes import CODES
from syndiwatch.cli import main

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "CONTRACT.md"


@pytest.fixture(scope="module")
def contract_text() -> str:
    if not CONTRACT.exists():
        pytest.skip(f"{CONTRACT} not present (it is beside the repository in CI)")
    return CONTRACT.read_text(encoding="utf-8")


def test_registry_matches_contract_codes(contract_text: str) -> None:
    section = contract_text.split("## 4. Finding codes", 1)[1]
    rows = re.findall(r"^\| `([a-z]+\.[a-z_]+)` \| .*? \| (low|medium|high) \|$", section, re.M)
    assert rows, "no code rows found in CONTRACT.md §4"
    assert {code: sev for code, sev in rows} == {c: i.severity for c, i in CODES.items()}


def _options(command: click.Command, prefix: str = "") -> set[str]:
    names = {f"{prefix}{opt}" for p in command.params for opt in getattr(p, "opts", [])}
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            names |= {f"{prefix}{name}"} | _options(sub, f"{prefix}{name} ")
    return names


# Renaming or removing any of these breaks users' scripts (CONTRACT.md §1): add, never remove.
CONTRACT_CLI = {
    "--config", "--database", "-v", "-q",
    "check", "check --format", "extract", "extract --url", "extract --format",
    "story", "story add", "story add --name", "story list", "story remove",
    "source", "source add", "source add --every", "source add --cron", "source add --story",
    "source list", "source remove",
    "report", "report --story", "report --format", "report --output",
    "demo",
}  # fmt: skip


def test_cli_keeps_contract_commands_and_options() -> None:
    missing = CONTRACT_CLI - _options(main)
    assert not missing, f"commands/options of CONTRACT.md §1 missing: {sorted(missing)}"


@pytest.mark.parametrize(("text", "expected"), [("s_01", 1), ("s_1", 1), ("7", 7), ("S_12", 12)])
def test_story_ids_parse(text: str, expected: int) -> None:
    from storage.records import parse_story_id

    assert parse_story_id(text) == expected


@pytest.mark.parametrize("text", ["", "s_", "x_1", "s_-1", "s_1.5", "s_99999999999"])
def test_story_ids_that_name_no_row_are_refused(text: str) -> None:
    from storage.records import parse_story_id

    with pytest.raises(ValueError, match="not a story id"):
        parse_story_id(text)
