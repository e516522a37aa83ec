"""The JSON API's blueprint, under /api/v1, for the mobile app and other clients.

Its route modules add their routes to ``bp``; the package imports them all, so importing
the package is the one step that gives a blueprint with every route."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")
