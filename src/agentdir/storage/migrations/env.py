"""Alembic environment. agentdir runs migrations through `agentdir.storage.migrate`,
which hands a live connection over in `config.attributes["connection"]`."""

from __future__ import annotations

from alembic import context

from agentdir.storage.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `agentdir migrate`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
