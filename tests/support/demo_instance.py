"""The demo (`flask demo`: its records, their PDFs, a year of published issues, a bound
volume) built once per test session and copied for every module or test that starts from it.
Building it takes about a minute on 2 cores; copying its database and instance folder takes a
fraction of a second, and each copy is the consumer's own, so what one writes no other reads."""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask

from gazette_app import create_app
from gazette_app.extensions import db

DATABASE = "gazette.sqlite3"  # beside the instance folder, as the `app` fixture keeps it
BUILD_CONFIG = {"TESTING": True, "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": False,
                "JOB_RUNNER": "manual"}


def app_in(folder: Path, config: dict) -> Flask:
    """The app on ``folder``: its SQLite database ``folder/gazette.sqlite3`` and its instance
    folder ``folder/instance``, migrated to the newest revision (nothing to do on a copy)."""
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / DATABASE}"},
                     instance=folder / "instance")
    with app.app_context():
        flask_migrate.upgrade()
    return app


def close(app: Flask) -> None:
    """Sessions and connections closed: the SQLite file is whole and can be copied."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def copy_instance(template: Path, folder: Path) -> None:
    """The database and instance folder of ``template`` into ``folder`` (which may exist)."""
    shutil.copytree(template, folder, dirs_exist_ok=True)


def copy_into_instance(template: Path, instance: Path) -> None:
    """The same, for a server whose database lies in its instance folder (GAZETTE_INSTANCE
    and no DATABASE_URL, as `make run` keeps it)."""
    shutil.copytree(template / "instance", instance, dirs_exist_ok=True)
    shutil.copyfile(template / DATABASE, instance / DATABASE)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An empty SQLite database migrated from empty to the newest revision, once per session
    (the whole chain takes about a second; tests of the migrations themselves use db_url):
    the ``app`` fixture starts each test on a copy of it."""
    folder = tmp_path_factory.mktemp("migrated")
    close(app_in(folder, BUILD_CONFIG))
    return folder / DATABASE


def _shared(tmp_path_factory) -> Path:
    """The session's temporary folder; under pytest-xdist the one all workers share."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Path:
    """A folder holding the migrated database and instance with `flask demo --no-former-title`
    run in them (the Sơn La year),
    built by the first pytest-xdist worker that needs it (the others wait for it); never
    opened by a test: tests get copies (``copy_instance``, the ``from_template`` mark)."""
    folder, done = _shared(tmp_path_factory) / "built-demo", ".built-demo-done"
    with open(folder.with_name(".built-demo-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.with_name(done).exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
            folder.mkdir()
            app = app_in(folder, BUILD_CONFIG)
            result = app.test_cli_runner().invoke(args=["demo", "--no-former-title"])
            assert result.exit_code == 0, result.output
            close(app)
            folder.with_name(done).touch()
    return folder


@pytest.fixture(scope="session")
def built_demo_with_former_title(built_demo: Path, tmp_path_factory) -> Path:
    """The built demo with the former title added (what `make run` serves: Bình Phước's past
    issues brought in from their PDFs); built once, on a copy of ``built_demo``."""
    folder, done = _shared(tmp_path_factory) / "built-demo-former", ".built-demo-former-done"
    with open(folder.with_name(".built-demo-former-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.with_name(done).exists():
            shutil.rmtree(folder, ignore_errors=True)
            copy_instance(built_demo, folder)
            app = app_in(folder, BUILD_CONFIG)
            result = app.test_cli_runner().invoke(args=["demo"])  # adds only the former title
            assert result.exit_code == 0 and "former title:" in result.output, result.output
            close(app)
            folder.with_name(done).touch()
    return folder
