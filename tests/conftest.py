"""Fixtures in the manner of Flask's tutorial: a fresh instance and database per test.

Database tests marked ``both_databases`` run on SQLite and on PostgreSQL. PostgreSQL is taken
from GAZETTE_TEST_POSTGRES_URL or the local server; without one they are skipped and the run
says so, except under CI=true, where PostgreSQL is mandatory.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import flask_migrate
import pytest

from gazette_app import create_app
from gazette_app.extensions import db
from tests.support.databases import POSTGRES_URL, postgres_database, postgres_problem
from tests.support.demo_instance import (
    BUILD_CONFIG,
    app_in,
    built_demo,  # noqa: F401  (built once per session)
    built_demo_with_former_title,  # noqa: F401  (built once per session)
    close,
    copy_instance,
    migrated_sqlite,  # noqa: F401  (built once per session)
)
from tests.support.demo_server import served_demo  # noqa: F401  (a fixture shared by the session)
from tests.support.web import AuthActions


def pytest_configure(config: pytest.Config) -> None:
    problem = postgres_problem()
    if problem and os.environ.get("CI") == "true":
        pytest.exit(f"PostgreSQL is mandatory in CI: {problem}", returncode=1)


def _postgres_line() -> str:
    problem = postgres_problem()
    if problem:
        return f"PostgreSQL: SKIPPED database tests on PostgreSQL ({problem})"
    return f"PostgreSQL: database tests run on SQLite and on {POSTGRES_URL}"


def pytest_report_header(config: pytest.Config) -> str:
    return _postgres_line()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    terminalreporter.write_line(_postgres_line())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("both_databases"):
            backends.append("postgresql")
        if metafunc.definition.get_closest_marker("postgres_only"):
            backends = ["postgresql"]
        metafunc.parametrize("db_url", backends, indirect=True)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gazette.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def app(request: pytest.FixtureRequest, db_url: str, tmp_path: Path):
    """The app on a fresh instance folder, its database migrated from empty (on SQLite, a
    copy of the session's ``migrated_sqlite``); or, for a test marked
    ``from_template("fixture")``, on its own copy of the instance that fixture built
    (``built_demo``: the demo loaded)."""
    template = request.node.get_closest_marker("from_template")
    if template is not None:
        assert db_url.startswith("sqlite:"), "a built instance is copied on SQLite only"
        copy_instance(request.getfixturevalue(template.args[0]), tmp_path)
    elif db_url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"),
                        db_url.removeprefix("sqlite:///"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": db_url,
                      "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": True,
                      "JOB_RUNNER": "manual"},
                     instance=tmp_path / "instance")
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(app, client) -> AuthActions:
    return AuthActions(app, client)


@pytest.fixture(scope="module")
def demo_app(request: pytest.FixtureRequest, tmp_path_factory):
    """One app per test module with the demo's year loaded (records, PDFs, published issues),
    on the module's own copy of the session's built demo: for tests that read; writes must
    not disturb the other tests of the module. The former title is left out (these tests
    count the Sơn La year): see ``built_demo_with_former_title``."""
    folder = tmp_path_factory.mktemp("demo")
    copy_instance(request.getfixturevalue("built_demo"), folder)
    app = app_in(folder, BUILD_CONFIG)
    yield app
    close(app)
