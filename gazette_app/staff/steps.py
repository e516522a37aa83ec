"""One workflow step run from a staff form: done, or refused with the service's Vietnamese
reason shown to the user (rolled back), never a server error; either way back to the page."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from werkzeug.wrappers import Response

from ..extensions import db


def run_step(action: Callable[[], object], refusal: type[Exception], success: str,
             back_to: str) -> Response:
    """Call ``action``; a ``refusal`` it raises is flashed as an error after a rollback."""
    try:
        action()
        flash(success, "success")
    except refusal as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(back_to)
