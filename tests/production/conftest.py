"""Production-deployment tests: real `agentdir serve` processes over PostgreSQL and Redis."""

from __future__ import annotations

import pytest

from tests.production.processes import require_backends


@pytest.fixture(autouse=True, scope="session")
def _production_backends() -> None:
    """Every test here needs PostgreSQL and Redis: skip without them, fail under CI=true."""
    require_backends()
