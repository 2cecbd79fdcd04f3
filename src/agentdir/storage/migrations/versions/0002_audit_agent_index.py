"""Index the audit trail by agent, for `agentdir audit USERNAME --agent ID`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_log_account_agent_at", "audit_log", ["account_id", "agent_id", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_log_account_agent_at", table_name="audit_log")
