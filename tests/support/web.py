"""The staff side as a browser drives it: CSRF tokens read from forms, staff accounts and the
login through the real form."""
from __future__ import annotations

import re

from gazette_app.services.users import create_user


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
