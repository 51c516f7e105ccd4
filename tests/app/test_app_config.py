"""syndiwatch.config: defaults, file loading, precedence and one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from syndiwatch.config import (
    DEFAULT_DATABASE_URL,
    ConfigError,
    load_config,
    parse_duration,
    scrapy_settings,
)

FULL = """
[database]
url = "sqlite:///from-file.db"

[network]
user_agent = "testbot/1.0"
obey_robots = false
allow_private = true
download_timeout = 5
max_page_bytes = 1_000_000

[[stories]]
url = "https://news.example/2022/05/24/leak"
name = "Leak story"

[[sources]]
kind = "feed"
url = "https://republisher.example/rss.xml"
every = "15m"

[[sources]]
kind = "sitemap"
url = "https://republisher.example/sitemap.xml"
cron = "*/15 * * * *"
story = "https://news.example/2022/05/24/leak"

[notify]
urls = ["json://127.0.0.1:9000/hook"]
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SYNDIWATCH_CONFIG", raising=False)
    monkeypatch.delenv("SYNDIWATCH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_without_a_file() -> None:
    config = load_config()
    assert config.database_url == DEFAULT_DATABASE_URL
    assert config.network.allow_private is False
    assert config.network.obey_robots is True
    assert config.path is None


def test_full_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(FULL)
    config = load_config(path)
    assert config.database_url == "sqlite:///from-file.db"
    assert config.network.user_agent == "testbot/1.0"
    assert config.network.allow_private is True
    assert config.network.download_timeout == 5.0
    assert config.stories[0].name == "Leak story"
    assert [s.kind for s in config.sources] == ["feed", "sitemap"]
    assert config.sources[1].story == "https://news.example/2022/05/24/leak"
    assert config.notify.urls == ("json://127.0.0.1:9000/hook",)


def test_local_file_is_picked_up(tmp_path: Path) -> None:
    (tmp_path / "syndiwatch.toml").write_text('[database]\nurl = "sqlite:///local.db"\n')
    assert load_config().database_url == "sqlite:///local.db"


def test_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.toml"
    path.write_text(FULL)
    monkeypatch.setenv("SYNDIWATCH_CONFIG", str(path))
    assert load_config().database_url == "sqlite:///from-file.db"
    monkeypatch.setenv("SYNDIWATCH_DATABASE_URL", "sqlite:///from-env.db")
    assert load_config().database_url == "sqlite:///from-env.db"
    assert load_config(database_url="sqlite:///flag.db").database_url == "sqlite:///flag.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[network\n", "invalid TOML"),
        ('[network]\nallow_private = "yes"\n', "allow_private must be true/false"),
        ("[network]\ndownload_timeout = -1\n", "download_timeout must be a positive"),
        ("[network]\nmax_page_bytes = 1.5\n", "max_page_bytes must be a positive integer"),
        ('[[sources]]\nkind = "rss"\nurl = "https://x.example/"\n', "kind must be one of"),
        ('[[sources]]\nkind = "feed"\nurl = "ftp://x.example/"\n', "url must be http(s)"),
        ('[[sources]]\nkind = "feed"\nurl = "https://x/"\nevery = "soon"\n', "not a duration"),
        ('[[stories]]\nname = "x"\n', "[[stories]] url must be http(s)"),
        ('[notify]\nurls = "json://x"\n', "[notify] urls must be a list"),
    ],
)
def test_invalid_files_give_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)) as ei:
        load_config(path)
    assert "\n" not in str(ei.value)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("6h", 21600), ("1d", 86400), ("90", 90), ("1.5h", 5400)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "0s", "5 parsecs"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_scrapy_settings_mapping(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(FULL)
    settings = scrapy_settings(load_config(path))
    assert settings["USER_AGENT"] == "testbot/1.0"
    assert settings["ROBOTSTXT_OBEY"] is False
    assert settings["DOWNLOAD_TIMEOUT"] == 5.0
    assert settings["DOWNLOAD_MAXSIZE"] == 1_000_000
    assert settings["SYNDIWATCH_ALLOW_PRIVATE"] is True
