"""The sign-in blueprint: login, logout and the password change.

Its route modules add their routes to ``bp``; the package imports them all, so importing
the package is the one step that gives a blueprint with every route."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")
