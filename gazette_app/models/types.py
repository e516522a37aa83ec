"""Column types shared by the models."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from ..clock import now as utcnow  # noqa: F401 - the column default of every timestamp


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite keeps no zone) and always returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


def render_item(type_: str, obj, autogen_context):
    """Alembic hook: write UTCDateTime as plain sa.DateTime() so migrations never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


DERIVED_TABLES = {"search_documents"}  # owned by the PostgreSQL search backend, not Alembic


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: leave derived tables (rebuilt by ``flask reindex``) out of migrations."""
    return not (type_ == "table" and name in DERIVED_TABLES)
