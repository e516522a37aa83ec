"""The public site's blueprint: the home page, documents, issues, search, feeds and feedback.

Its route modules add their routes to ``bp``; the package imports them all, so importing
the package is the one step that gives a blueprint with every route."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="templates")
