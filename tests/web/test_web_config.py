"""The `[web]` table: defaults, the new desk keys, and one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from syndiwatch.config import ConfigError, load_config
from syndiwatch.web.serving import host_allow_list, is_loopback


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("SYNDIWATCH_CONFIG", "SYNDIWATCH_DATABASE_URL", "SYNDIWATCH_WEB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "syndiwatch.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path).web


def test_defaults(tmp_path: Path) -> None:
    web = _load(tmp_path, "")
    assert (web.host, web.port, web.token) == ("127.0.0.1", 8000, None)
    assert web.allowed_hosts == ()
    assert web.trust_proxy == ()  # no proxy's X-Forwarded-* is believed
    assert web.secure_cookies is None  # auto
    assert web.read_timeout == 10.0


def test_every_key(tmp_path: Path) -> None:
    web = _load(
        tmp_path,
        '[web]\nallowed_hosts = ["Desk.Example.org", "*.example.net"]\n'
        'trust_proxy = ["10.0.0.2", "10.1.0.0/16"]\nsecure_cookies = true\nread_timeout = "30s"\n',
    )
    assert web.allowed_hosts == ("desk.example.org", "*.example.net")
    assert web.trust_proxy == ("10.0.0.2", "10.1.0.0/16")
    assert web.secure_cookies is True
    assert web.read_timeout == 30.0
    assert _load(tmp_path, "[web]\ntrust_proxy = true\n").trust_proxy == ("127.0.0.1", "::1")
    assert _load(tmp_path, '[web]\nsecure_cookies = "auto"\n').secure_cookies is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('allowed_hosts = "desk.example.org"', "allowed_hosts must be a list of host names"),
        ('allowed_hosts = ["de*sk.example.org"]', "allowed_hosts must be a list"),
        ('allowed_hosts = ["desk.example.org/x"]', "allowed_hosts must be a list"),
        ('trust_proxy = ["proxy.example"]', "trust_proxy must be true, false or a list"),
        ("trust_proxy = []", "trust_proxy must be true, false or a list"),
        ('secure_cookies = "yes"', 'secure_cookies must be true, false or "auto"'),
        ("read_timeout = -1", "[web] read_timeout"),
        ("allowed_host = []", "[web] has no key 'allowed_host'"),
    ],
)
def test_invalid_keys_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as ei:
        _load(tmp_path, f"[web]\n{text}\n")
    assert "\n" not in str(ei.value)


@pytest.mark.parametrize(
    ("bind", "configured", "expected"),
    [
        ("127.0.0.1", (), ["127.0.0.1", "localhost", "::1", "[::1]"]),
        ("127.0.0.2", (), ["127.0.0.2", "127.0.0.1", "localhost", "::1", "[::1]"]),
        ("192.0.2.5", (), ["192.0.2.5", "127.0.0.1", "localhost", "::1", "[::1]"]),
        ("0.0.0.0", (), None),  # a wildcard bind must name its hosts
        ("::", (), None),
        ("0.0.0.0", ("desk.example.org",), ["desk.example.org", "127.0.0.1", "localhost",
                                            "::1", "[::1]"]),
        ("0.0.0.0", ("*",), ["*"]),
    ],
)  # fmt: skip
def test_host_allow_list(
    bind: str, configured: tuple[str, ...], expected: list[str] | None
) -> None:
    assert host_allow_list(bind, configured) == expected


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("0.0.0.0", False), ("192.0.2.5", False), ("desk.example", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
