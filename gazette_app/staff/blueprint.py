"""The staff area's blueprint, under /staff: receiving, documents, issues, volumes, statistics.

Its route modules add their routes to ``bp``; the package imports them all, so importing
the package is the one step that gives a blueprint with every route."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")
