"""Fixtures in the manner of Flask's tutorial: a fresh instance and database per test.

Database tests marked ``both_databases`` run on SQLite and on PostgreSQL. PostgreSQL is taken
from GAZETTE_TEST_POSTGRES_URL or the local server; without one they are skipped and the run
says so, except under CI=true, where PostgreSQL is mandatory.
"""
from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import psycopg
import pytest

from gazette_app import create_app
from gazette_app.extensions import db
from tests.demo_server import served_demo  # noqa: F401  (a fixture shared by the session)

POSTGRES_URL = os.environ.get("GAZETTE_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_postgres_problem: str | None = None


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _check_postgres() -> str | None:
    try:
        with psycopg.connect(_libpq(POSTGRES_URL), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL at {POSTGRES_URL}: {str(error).strip().splitlines()[0]}"


def pytest_configure(config: pytest.Config) -> None:
    global _postgres_problem
    _postgres_problem = _check_postgres()
    if _postgres_problem and os.environ.get("CI") == "true":
        pytest.exit(f"PostgreSQL is mandatory in CI: {_postgres_problem}", returncode=1)


def _postgres_line() -> str:
    if _postgres_problem:
        return f"PostgreSQL: SKIPPED database tests on PostgreSQL ({_postgres_problem})"
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


@contextmanager
def postgres_database():
    """A new, empty PostgreSQL database for one test (or module); dropped afterwards."""
    if _postgres_problem:
        pytest.skip(_postgres_problem)
    name = f"gazette_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", POSTGRES_URL)
    finally:
        with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gazette.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def app(db_url: str, tmp_path: Path):
    """The app on a fresh instance folder, its database migrated from empty."""
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


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of a form page, read the way a browser gets it."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


PASSWORDS = {"editor": "biên-tập-2026!", "approver": "phê-duyệt-2026!", "admin": "quản-trị-2026!"}


class AuthActions:
    """Creates staff accounts and logs in through the real login form."""

    def __init__(self, app, client):
        self.app, self.client = app, client
        self.roles: dict[str, str] = {}

    def create(self, username: str, role: str) -> None:
        from gazette_app.services.users import create_user
        with self.app.app_context():
            create_user(username, PASSWORDS[role], role, f"Cán bộ {username}")
        self.roles[username] = role

    def login(self, username: str = "admin", role: str | None = None, password: str | None = None):
        if role is not None:
            self.create(username, role)
        password = password or PASSWORDS[self.roles.get(username, username)]
        token = csrf_token(self.client)
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token})

    def logout(self):
        token = csrf_token(self.client, "/staff/")
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(app, client) -> AuthActions:
    return AuthActions(app, client)


DEMO_RECORDS = Path(__file__).resolve().parent.parent / "gazette_app" / "demo" / \
    "sonla-2026-documents.jsonl"


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """One app per test module with the whole demo loaded (records, PDFs, published issues):
    for tests that read; writes must not disturb the other tests of the module."""
    folder = tmp_path_factory.mktemp("demo")
    app = create_app({"TESTING": True, "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": False,
                      "JOB_RUNNER": "manual",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'gazette.sqlite3'}"},
                     instance=folder / "instance")
    with app.app_context():
        flask_migrate.upgrade()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
