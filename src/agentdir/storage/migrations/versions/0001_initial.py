"""Initial schema: accounts, catalog (skills, groups, SIP locations), agents, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
Epoch = sa.Float(precision=53)
MODE_COLUMNS = (
    "mode_inbound",
    "mode_manual",
    "mode_preview",
    "mode_progressive",
    "mode_chat",
    "mode_blended",
    "mode_blended_inbound",
    "mode_blended_manual",
    "mode_blended_preview",
    "mode_blended_progressive",
    "mode_blended_chat",
)


def upgrade() -> None:
    op.create_table(
        "deployment_settings",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_deployment_settings"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("api_key_hash", sa.String(64), nullable=False),
        sa.Column("auth_mode", sa.String(16), nullable=False),
        sa.Column("token_generation", sa.Integer, server_default="0", nullable=False),
        sa.Column("created_at", Epoch, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("user_name", name="uq_accounts_user_name"),
    )
    for table, name_length in (("skills", 50), ("agent_groups", 100), ("sip_locations", 100)):
        extra = (
            [
                sa.Column("detail", sa.String(100), nullable=True),
                sa.Column("record", sa.String(40), nullable=False),
            ]
            if table == "skills"
            else []
        )
        op.create_table(
            table,
            sa.Column("id", sa.Integer, nullable=False),
            sa.Column("account_id", sa.Integer, nullable=False),
            sa.Column("name", sa.String(name_length), nullable=False),
            *extra,
            sa.Column("created_at", Epoch, nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"], ["accounts.id"], name=f"fk_{table}_account_id_accounts"
            ),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.UniqueConstraint("account_id", "name", name=f"uq_{table}_account_name"),
        )
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("agent_id", sa.String(50), nullable=False),
        sa.Column("agent_name", sa.String(50), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("agent_data", sa.String(100), nullable=True),
        sa.Column("sip_location", sa.String(100), nullable=True),
        sa.Column("screen_recording", sa.Boolean, nullable=False),
        sa.Column("auto_answer", sa.String(20), nullable=True),
        sa.Column("locked", sa.Boolean, nullable=False),
        *(sa.Column(name, sa.Boolean, nullable=False) for name in MODE_COLUMNS),
        sa.Column("call_controls", JSONDocument, nullable=False),
        sa.Column("skills", JSONDocument, nullable=False),
        sa.Column("groups", JSONDocument, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", Epoch, nullable=False),
        sa.Column("updated_at", Epoch, nullable=False),
        sa.Column("deleted_at", Epoch, nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_agents_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_agents"),
    )
    op.create_index("ix_agents_account_agent", "agents", ["account_id", "agent_id"])
    op.create_index(
        "uq_agents_live_id",
        "agents",
        ["account_id", "agent_id"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("at", Epoch, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("agent_pk", sa.Integer, nullable=False),
        sa.Column("agent_id", sa.String(50), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("changes", JSONDocument, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_audit_log_account_id_accounts"
        ),
        sa.ForeignKeyConstraint(["agent_pk"], ["agents.id"], name="fk_audit_log_agent_pk_agents"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_account_at", "audit_log", ["account_id", "at"])
    op.create_index("ix_audit_log_agent_pk", "audit_log", ["agent_pk"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_index("uq_agents_live_id", table_name="agents")
    op.drop_index("ix_agents_account_agent", table_name="agents")
    op.drop_table("agents")
    for table in ("sip_locations", "agent_groups", "skills"):
        op.drop_table(table)
    op.drop_table("accounts")
    op.drop_table("deployment_settings")
