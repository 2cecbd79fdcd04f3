"""The relational schema. Alembic migrations are the source of truth for the
database; these Table objects mirror them for queries (a test checks both agree).

Times are stored as epoch seconds (double precision): the service's clock is
injected, and floats compare the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

__all__ = [
    "MODE_FIELDS",
    "account_table",
    "agent_group_table",
    "agent_table",
    "audit_table",
    "deployment_setting_table",
    "metadata",
    "sip_location_table",
    "skill_table",
]

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
Epoch = sa.Float(precision=53)

# The channel/mode switches of spec 5.1, in the order reads and checks use.
MODE_FIELDS = (
    "inbound",
    "manual",
    "preview",
    "progressive",
    "chat",
    "blended",
    "blendedInbound",
    "blendedManual",
    "blendedPreview",
    "blendedProgressive",
    "blendedChat",
)


def mode_column(field: str) -> str:
    """Column name of a mode switch: `blendedInbound` -> `mode_blended_inbound`."""
    snake = "".join("_" + c.lower() if c.isupper() else c for c in field)
    return f"mode_{snake}"


deployment_setting_table = sa.Table(
    "deployment_settings",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

account_table = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_name", sa.String(100), nullable=False, unique=True),
    sa.Column("api_key_hash", sa.String(64), nullable=False),
    sa.Column("auth_mode", sa.String(16), nullable=False),
    sa.Column("token_generation", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", Epoch, nullable=False),
)

skill_table = sa.Table(
    "skills",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("detail", sa.String(100), nullable=True),
    sa.Column("record", sa.String(40), nullable=False),
    sa.Column("created_at", Epoch, nullable=False),
    sa.UniqueConstraint("account_id", "name", name="uq_skills_account_name"),
)

agent_group_table = sa.Table(
    "agent_groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", Epoch, nullable=False),
    sa.UniqueConstraint("account_id", "name", name="uq_agent_groups_account_name"),
)

sip_location_table = sa.Table(
    "sip_locations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", Epoch, nullable=False),
    sa.UniqueConstraint("account_id", "name", name="uq_sip_locations_account_name"),
)

agent_table = sa.Table(
    "agents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("agent_id", sa.String(50), nullable=False),
    sa.Column("agent_name", sa.String(50), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("agent_data", sa.String(100), nullable=True),
    sa.Column("sip_location", sa.String(100), nullable=True),
    sa.Column("screen_recording", sa.Boolean, nullable=False),
    sa.Column("auto_answer", sa.String(20), nullable=True),
    sa.Column("locked", sa.Boolean, nullable=False),
    *(sa.Column(mode_column(field), sa.Boolean, nullable=False) for field in MODE_FIELDS),
    # Flat control name -> bool.
    sa.Column("call_controls", JSONDocument, nullable=False),
    # [[skillName, priority], ...]; skills cannot be renamed or deleted, so names are stable.
    sa.Column("skills", JSONDocument, nullable=False),
    # [groupName, ...]
    sa.Column("groups", JSONDocument, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", Epoch, nullable=False),
    sa.Column("updated_at", Epoch, nullable=False),
    sa.Column("deleted_at", Epoch, nullable=True),
    sa.Index("ix_agents_account_agent", "account_id", "agent_id"),
    # One live agent per ID and account; deleted agents keep their row (spec 7).
    sa.Index(
        "uq_agents_live_id",
        "account_id",
        "agent_id",
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    ),
)

audit_table = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", Epoch, nullable=False),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("agent_pk", sa.ForeignKey("agents.id"), nullable=False),
    sa.Column("agent_id", sa.String(50), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    # "apiKey", "token:<generation>" or "cli".
    sa.Column("actor", sa.String(40), nullable=False),
    # {field: {"old": ..., "new": ...}}; passwords appear only as "changed".
    sa.Column("changes", JSONDocument, nullable=False),
    sa.Index("ix_audit_log_account_at", "account_id", "at"),
    sa.Index("ix_audit_log_agent_pk", "agent_pk"),
    sa.Index("ix_audit_log_account_agent_at", "account_id", "agent_id", "at"),
)
