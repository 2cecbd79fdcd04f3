"""Settings from AGENTDIR_* variables (spec 4 "the operator can change each limit", 10)."""

from __future__ import annotations

import pytest

from agentdir.ratelimit.policy import Limit
from agentdir.settings import (
    SettingsError,
    load_settings,
    normalise_database_url,
)

# Spec section 4's table, written out independently of the implementation's constant.
SPEC_LIMITS = {
    "updateAgent": Limit(5, 60),
    "createAgent": Limit(5, 60),
    "deleteAgent": Limit(5, 60),
    "AgentDetails": Limit(10, 60),
    "skill": Limit(10, 60),
    "generateToken": Limit(10, 3600),
}


def test_defaults_with_an_empty_environment() -> None:
    s = load_settings({})
    assert s.database_url == "sqlite:///agentdir.sqlite3"  # a file in the working directory
    assert s.async_database_url == "sqlite+aiosqlite:///agentdir.sqlite3"
    assert s.is_sqlite
    assert s.redis_url is None
    assert s.token_secret is None
    assert dict(s.rate_limits) == SPEC_LIMITS
    assert s.rate_limit_fail_open is False
    assert s.log_level == "info"
    assert s.max_body_bytes == 65_536
    assert s.token_ttl_seconds == 3600
    assert s.hash_threads >= 1


def test_load_settings_reads_only_the_mapping_it_is_given(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("AGENTDIR_REDIS_URL", "redis://elsewhere:6379/0")
    monkeypatch.setenv("AGENTDIR_RATE_LIMITS", "updateAgent=1/1")
    s = load_settings({})
    assert s.redis_url is None
    assert s.rate_limits["updateAgent"] == Limit(5, 60)


def test_empty_variables_mean_unset() -> None:
    s = load_settings({
        "AGENTDIR_DATABASE_URL": "", "AGENTDIR_REDIS_URL": "", "AGENTDIR_TOKEN_SECRET": "",
        "AGENTDIR_RATE_LIMITS": "", "AGENTDIR_RATE_LIMIT_FAIL_OPEN": "",
    })
    assert s.database_url == "sqlite:///agentdir.sqlite3"
    assert s.redis_url is None
    assert s.token_secret is None
    assert dict(s.rate_limits) == SPEC_LIMITS
    assert s.rate_limit_fail_open is False


def test_plain_values_are_taken() -> None:
    s = load_settings({
        "AGENTDIR_REDIS_URL": "redis://127.0.0.1:6379/3",
        "AGENTDIR_TOKEN_SECRET": "k" * 64,
        "AGENTDIR_LOG_LEVEL": "debug",
        "AGENTDIR_HASH_THREADS": "3",
    })
    assert s.redis_url == "redis://127.0.0.1:6379/3"
    assert s.token_secret == "k" * 64
    assert s.log_level == "debug"
    assert s.hash_threads == 3
    assert "k" * 64 not in repr(s)  # the secret stays out of reprs and logs


# --- AGENTDIR_RATE_LIMITS -----------------------------------------------------------


def test_rate_limit_override_changes_only_the_named_endpoints() -> None:
    s = load_settings({"AGENTDIR_RATE_LIMITS": "updateAgent=1000/60,AgentDetails=20/30"})
    assert s.rate_limits["updateAgent"] == Limit(1000, 60)
    assert s.rate_limits["AgentDetails"] == Limit(20, 30)
    for endpoint in ("createAgent", "deleteAgent", "skill", "generateToken"):
        assert s.rate_limits[endpoint] == SPEC_LIMITS[endpoint]


def test_rate_limit_override_tolerates_spaces_and_empty_items() -> None:
    s = load_settings({"AGENTDIR_RATE_LIMITS": " skill = 7 / 90 ,, generateToken=1/1 ,"})
    assert s.rate_limits["skill"] == Limit(7, 90)
    assert s.rate_limits["generateToken"] == Limit(1, 1)


def test_the_last_override_of_an_endpoint_wins() -> None:
    s = load_settings({"AGENTDIR_RATE_LIMITS": "skill=7/90,skill=8/90"})
    assert s.rate_limits["skill"] == Limit(8, 90)


@pytest.mark.parametrize(("value", "mentions"), [
    ("updateAgnet=5/60", "updateAgnet"),  # a typo must not silently keep the default
    ("updateagent=5/60", "updateagent"),  # endpoint names are case-sensitive
    ("updateAgent=5", "updateAgent=5"),
    ("updateAgent:5/60", "updateAgent:5/60"),
    ("updateAgent=5/60s", "updateAgent=5/60s"),
    ("updateAgent=five/60", "five"),
    ("updateAgent=-1/60", "-1"),
    ("updateAgent=1.5/60", "1.5"),
    ("updateAgent=0/60", "updateAgent"),
    ("updateAgent=5/0", "updateAgent"),
    ("skill=10/60,bogus=1/1", "bogus"),
])
def test_bad_rate_limit_overrides_are_errors(value: str, mentions: str) -> None:
    with pytest.raises(SettingsError, match="AGENTDIR_RATE_LIMITS") as info:
        load_settings({"AGENTDIR_RATE_LIMITS": value})
    assert mentions in str(info.value)


# --- the database URL ---------------------------------------------------------------


@pytest.mark.parametrize(("url", "normalised"), [
    ("sqlite:///agentdir.sqlite3", "sqlite+aiosqlite:///agentdir.sqlite3"),
    ("sqlite:////var/lib/agentdir/db.sqlite3", "sqlite+aiosqlite:////var/lib/agentdir/db.sqlite3"),
    ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ("postgresql://u:p@db:5432/agentdir", "postgresql+asyncpg://u:p@db:5432/agentdir"),
    ("postgres://u@db/agentdir", "postgresql+asyncpg://u@db/agentdir"),
    ("postgresql+asyncpg://u@db/agentdir", "postgresql+asyncpg://u@db/agentdir"),
])
def test_database_urls_are_normalised_to_the_async_drivers(url: str, normalised: str) -> None:
    assert normalise_database_url(url) == normalised
    s = load_settings({"AGENTDIR_DATABASE_URL": url})
    assert s.database_url == url  # kept as given (workers read it back)
    assert s.async_database_url == normalised
    assert s.is_sqlite is normalised.startswith("sqlite")


@pytest.mark.parametrize("url", [
    "mysql://u@db/agentdir", "agentdir.sqlite3", "/srv/x.sqlite3", "http://db",
    "sqlite+pysqlite:///x.db", "postgresql+psycopg://u@db/x",
])
def test_unknown_database_url_schemes_are_errors(url: str) -> None:
    with pytest.raises(SettingsError, match="AGENTDIR_DATABASE_URL"):
        load_settings({"AGENTDIR_DATABASE_URL": url})
    with pytest.raises(SettingsError):
        normalise_database_url(url)


@pytest.mark.parametrize("url", [
    "sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite+aiosqlite:///:memory:",
    "sqlite:///:memory:?cache=shared",
])
def test_in_memory_sqlite_is_refused(url: str) -> None:
    # agentdir opens several SQLite connections: each would see its own empty database.
    with pytest.raises(SettingsError, match="SQLite file"):
        load_settings({"AGENTDIR_DATABASE_URL": url})


# --- AGENTDIR_RATE_LIMIT_FAIL_OPEN --------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "True", "yes", "on", " on "])
def test_fail_open_true_values(value: str) -> None:
    assert load_settings({"AGENTDIR_RATE_LIMIT_FAIL_OPEN": value}).rate_limit_fail_open is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "off", "", "  "])
def test_fail_open_false_values(value: str) -> None:
    assert load_settings({"AGENTDIR_RATE_LIMIT_FAIL_OPEN": value}).rate_limit_fail_open is False


@pytest.mark.parametrize("value", ["maybe", "2", "tru", "enabled"])
def test_fail_open_other_values_are_errors(value: str) -> None:
    with pytest.raises(SettingsError, match="AGENTDIR_RATE_LIMIT_FAIL_OPEN"):
        load_settings({"AGENTDIR_RATE_LIMIT_FAIL_OPEN": value})


@pytest.mark.parametrize("value", ["0", "-2", "four", "1.5"])
def test_bad_hash_threads_are_errors(value: str) -> None:
    with pytest.raises(SettingsError, match="AGENTDIR_HASH_THREADS"):
        load_settings({"AGENTDIR_HASH_THREADS": value})


def test_with_overrides_ignores_unset_flags() -> None:
    base = load_settings({"AGENTDIR_DATABASE_URL": "sqlite:///a.sqlite3"})
    assert base.with_overrides(database_url=None).database_url == "sqlite:///a.sqlite3"
    assert base.with_overrides(database_url="sqlite:///b.sqlite3").database_url == (
        "sqlite:///b.sqlite3")
