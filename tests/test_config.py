"""The settings table: every variable documented, wrong values refused at start by name,
older variable names still read."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gazette_app import create_app
from gazette_app.config import SETTINGS, SettingsError, from_environment

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Settings"):readme.index("## Commands")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    missing = [s.variable for s in SETTINGS if s.variable not in documented]
    assert not missing, missing


def test_defaults_need_no_variable(tmp_path):
    config = from_environment(tmp_path, environ={})
    assert config["SEARCH_BACKEND"] == "tantivy"
    assert config["FILE_STORE"] == str(tmp_path / "store")
    assert config["LOGIN_MAX_FAILURES"] == 5
    assert config["PERMANENT_SESSION_LIFETIME"] == 480 * 60
    assert config["MAX_FILE_BYTES"] == 50 * 1024 * 1024
    assert config["PUBLISH_DEADLINE_WORKING_DAYS"] is True
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["TRUSTED_HOSTS"] == ["127.0.0.1", "127.0.0.1", "localhost", "::1"]


def test_wrong_values_are_all_named_at_once(tmp_path):
    environ = {"GAZETTE_LOGIN_MAX_FAILURES": "abc", "GAZETTE_SEARCH_BACKEND": "elastic",
               "GAZETTE_PUBLISH_WORKING_DAYS": "maybe", "GAZETTE_MAX_FILE_MB": "999999",
               "GAZETTE_API_RATE": "lots", "GAZETTE_PUBLIC_URL": "congbao.example.vn"}
    with pytest.raises(SettingsError) as refused:
        from_environment(tmp_path, environ=environ)
    message = str(refused.value)
    for variable in environ:
        assert variable in message, (variable, message)
    assert "'abc' is not a whole number" in message
    assert "'elastic' is not one of tantivy, whoosh, tantivy-replica, postgres" in message


def test_older_variable_names_are_still_read(tmp_path):
    config = from_environment(tmp_path, environ={"SEARCH_BACKEND": "whoosh",
                                                 "GAZETTE_STORE": str(tmp_path / "shared")})
    assert config["SEARCH_BACKEND"] == "whoosh"
    assert config["FILE_STORE"] == str(tmp_path / "shared")
    newer = from_environment(tmp_path, environ={"GAZETTE_SEARCH_BACKEND": "postgres",
                                                "SEARCH_BACKEND": "whoosh"})
    assert newer["SEARCH_BACKEND"] == "postgres"  # the current name wins


def test_https_public_url_makes_cookies_secure(tmp_path):
    config = from_environment(tmp_path, environ={"GAZETTE_PUBLIC_URL": "https://cb.example.vn"})
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True
    assert config["TRUSTED_HOSTS"][0] == "cb.example.vn"


def test_create_app_refuses_a_wrong_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTE_JOB_RUNNER", "celery")
    with pytest.raises(SettingsError, match="GAZETTE_JOB_RUNNER"):
        create_app({"TESTING": True}, instance=tmp_path)


def test_the_server_stops_with_the_message_and_no_traceback(tmp_path):
    env = {**os.environ, "GAZETTE_INSTANCE": str(tmp_path), "GAZETTE_SESSION_MINUTES": "often"}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "GAZETTE_SESSION_MINUTES: 'often' is not a whole number" in result.stderr
    assert "Traceback" not in result.stderr
