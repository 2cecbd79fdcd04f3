"""`agentdir serve --workers N` shares the cores among the workers' hash threads."""

from __future__ import annotations

from agentdir.cli.serve import worker_environment
from agentdir.settings import Settings

SETTINGS = Settings(database_url="sqlite:///x.sqlite3")


def test_one_worker_hashes_on_every_core() -> None:
    env = worker_environment(SETTINGS, 1, {}, cpus=8)
    assert env == {"AGENTDIR_DATABASE_URL": "sqlite:///x.sqlite3",
                   "AGENTDIR_HASH_THREADS": "8"}


def test_workers_share_the_cores() -> None:
    assert worker_environment(SETTINGS, 2, {}, cpus=8)["AGENTDIR_HASH_THREADS"] == "4"
    assert worker_environment(SETTINGS, 3, {}, cpus=8)["AGENTDIR_HASH_THREADS"] == "2"


def test_more_workers_than_cores_still_get_one_thread_each() -> None:
    assert worker_environment(SETTINGS, 4, {}, cpus=2)["AGENTDIR_HASH_THREADS"] == "1"


def test_an_operator_choice_is_kept() -> None:
    env = worker_environment(SETTINGS, 2, {"AGENTDIR_HASH_THREADS": "6"}, cpus=8)
    assert "AGENTDIR_HASH_THREADS" not in env
