"""The findings of the independent security scan (issue 15), one test or more each: sessions
the server can end, active content never published as received, login timing and throttle,
CSV cells, the Host header, oversized integers, rate limits, bounded forms, control
characters. (The earlier attack tests: tests/test_security.py and tests/test_auth.py.)"""
from __future__ import annotations

from datetime import datetime, timezone

import time_machine
from sqlalchemy import select

from gazette_app.extensions import db
from gazette_app.models import User
from tests.conftest import PASSWORDS


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


# --- 1. sessions the server can end ---------------------------------------------------------

def _copy_of_session(app, client):
    """Another browser holding the same session cookie (what a thief replays)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_session_cookie_dies_at_logout(app, client, auth):
    auth.login("lan", role="editor")
    assert client.get("/staff/").status_code == 200
    thief = _copy_of_session(app, client)
    assert thief.get("/staff/").status_code == 200
    auth.logout()
    replay = thief.get("/staff/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_a_copied_session_cookie_dies_at_a_password_or_role_change(app, client, auth):
    from gazette_app.services.users import set_password, update_user
    auth.login("lan", role="editor")
    client.get("/staff/")
    thief = _copy_of_session(app, client)
    with app.app_context():
        set_password(_user("lan"), "một-mật-khẩu-mới-2026")
    assert thief.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 302  # every session of the account ended
    assert auth.login("lan", password="một-mật-khẩu-mới-2026").status_code == 302
    thief = _copy_of_session(app, client)
    with app.app_context():
        update_user(_user("lan"), "approver", True)
    assert thief.get("/staff/").status_code == 302


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app, client, auth):
    """GAZETTE_SESSION_MINUTES=1, a request every 20 s: open at 60 s, closed from 80 s."""
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    start = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        assert auth.login("lan", role="editor").status_code == 302
        answers = []
        for _ in range(6):
            clock.shift(20)
            answers.append(client.get("/staff/").status_code)
    assert answers == [200, 200, 200, 302, 302, 302]
