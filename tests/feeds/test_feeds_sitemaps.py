"""parse_lastmod and is_fresh: sitemap dates in their usual shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeds import is_fresh, parse_lastmod


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-05-24", datetime(2022, 5, 24, tzinfo=UTC)),
        ("2022-05-24T10:00:00Z", datetime(2022, 5, 24, 10, tzinfo=UTC)),
        ("2022-05-24T10:00:00+02:00", datetime(2022, 5, 24, 8, tzinfo=UTC)),
        ("2022-05-24T10:00:00.250+00:00", datetime(2022, 5, 24, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2022-05-24T10:00", datetime(2022, 5, 24, 10, tzinfo=UTC)),
        ("Tue, 24 May 2022 10:00:00 GMT", datetime(2022, 5, 24, 10, tzinfo=UTC)),
        (" 2022-05-24 ", datetime(2022, 5, 24, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("yesterday", None),
        ("2022-13-45", None),
    ],
)
def test_parse_lastmod(value: str | None, expected: datetime | None) -> None:
    assert parse_lastmod(value) == expected


@pytest.mark.parametrize(
    ("lastmod", "last_seen", "expected"),
    [
        (None, None, True),  # never seen
        ("2022-05-24T10:00:00Z", None, True),
        ("2022-05-24T10:00:00Z", "garbage", True),  # our own record unreadable: fetch
        (None, "2022-05-24T10:00:00Z", False),  # seen, sitemap gives no date
        ("not a date", "2022-05-24T10:00:00Z", False),
        ("2022-05-24T12:00:00Z", "2022-05-24T10:00:00Z", True),
        ("2022-05-24T10:00:00Z", "2022-05-24T10:00:00Z", False),
        ("2022-05-24T09:00:00Z", "2022-05-24T10:00:00Z", False),
        ("2022-05-24T12:00:00+02:00", "2022-05-24T10:30:00Z", False),  # 10:00 UTC
        ("2022-05-25", "2022-05-24T23:00:00Z", True),
        ("2022-05-24", "2022-05-24T10:00:00Z", False),  # same day: wait for a later lastmod
    ],
)
def test_is_fresh(lastmod: str | None, last_seen: str | None, expected: bool) -> None:
    assert is_fresh(lastmod, last_seen) is expected
