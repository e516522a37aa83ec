"""The masthead settings this instance prints with (GAZETTE_MASTHEAD, else the bundled
``print_templates/masthead.toml``): cover, colophon, volume front matter, page footers."""
from __future__ import annotations

from flask import current_app

from print_templates import Masthead


def current_masthead() -> Masthead:
    return Masthead.load(current_app.config["GAZETTE_MASTHEAD"] or None)
