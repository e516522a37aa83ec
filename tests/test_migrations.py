"""The migrations build, from empty, exactly the schema the models describe, on both databases."""
import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from gazette_app.extensions import db

pytestmark = pytest.mark.both_databases

TABLES = {"documents", "document_files", "document_relations", "duplicate_flags", "issuers",
          "issues", "issue_numbers", "issue_entries", "volumes", "volume_issues", "users",
          "audit_events", "search_outbox", "receipts", "jobs", "verifications", "alembic_version"}


def test_upgrade_from_empty_matches_the_models(app):
    with app.app_context():
        assert TABLES <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            from gazette_app.models.types import include_object
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_object": include_object})
            assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_empty_and_back(app):
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert TABLES <= set(inspect(db.engine).get_table_names())
