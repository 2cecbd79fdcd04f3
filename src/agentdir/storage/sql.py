"""Statements compiled once, at import, into each driver's own SQL.

Statements are written with SQLAlchemy Core against `storage.schema` (one schema, no
hand-quoted names), then compiled for SQLite (`?` placeholders) and for asyncpg
(`$n`). At run time `Database` hands the text straight to the driver: SQLAlchemy's
per-execution machinery cost more than the statements themselves on the request
path (see bench/README.md).

JSON columns are where the drivers differ: asyncpg encodes and decodes them through
a codec set on each connection, while SQLite stores text, so `Query` records which
parameters and result columns hold JSON and the SQLite connection converts them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement, ColumnElement

__all__ = ["Compiled", "Query", "postgres_only", "query"]

_SQLITE = sqlite.dialect(paramstyle="qmark")
_POSTGRES = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]


@dataclasses.dataclass(frozen=True, slots=True)
class Compiled:
    """One statement for one driver: its text and the parameter names in order."""

    text: str
    params: tuple[str, ...]
    json_params: frozenset[str]
    constants: Mapping[str, Any]  # values the statement itself holds (`x + 1`)

    def args(self, values: Mapping[str, Any]) -> list[Any]:
        if self.constants:
            values = {**self.constants, **values}
        return [values[name] for name in self.params]


@dataclasses.dataclass(frozen=True, slots=True)
class Query:
    """A statement for both drivers, plus the shape of its result rows."""

    sqlite: Compiled
    postgres: Compiled
    columns: tuple[str, ...]  # result column names, in order ("" when it returns none)
    json_columns: tuple[int, ...]  # positions of result columns holding JSON


def _compile(statement: ClauseElement, dialect: Any) -> Compiled:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    params = tuple(compiled.positiontup or ())
    json_params = frozenset(
        name for name in params if isinstance(compiled.binds[name].type, sa.JSON)
    )
    constants = {name: bind.value for name, bind in compiled.binds.items()
                 if not bind.required and name in params}
    return Compiled(str(compiled), params, json_params, constants)


def _result_columns(statement: ClauseElement) -> list[ColumnElement[Any]]:
    if isinstance(statement, sa.Select):
        return list(statement.selected_columns)
    returning = getattr(statement, "_returning", ())
    return list(returning)


def query(statement: ClauseElement, *, postgres: ClauseElement | None = None) -> Query:
    """Compile `statement` for both drivers; `postgres` overrides it on PostgreSQL
    where the dialects need different SQL (the same parameters and result shape)."""
    return _query(_compile(statement, _SQLITE),
                  postgres if postgres is not None else statement)


def postgres_only(statement: ClauseElement) -> Query:
    """A statement SQLite cannot run (a data-modifying CTE, say); the caller checks
    `Connection.dialect` and never sends it to SQLite."""
    return _query(Compiled("", (), frozenset(), {}), statement)


def _query(sqlite: Compiled, postgres: ClauseElement) -> Query:
    columns = _result_columns(postgres)  # both dialects' variants return the same shape
    return Query(
        sqlite=sqlite,
        postgres=_compile(postgres, _POSTGRES),
        columns=tuple(getattr(c, "name", "") or "" for c in columns),
        json_columns=tuple(i for i, c in enumerate(columns) if isinstance(c.type, sa.JSON)),
    )
