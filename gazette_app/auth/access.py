"""Role checks for staff routes."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from ..models import Role


def require_role(role: Role) -> None:
    """401 for the anonymous (the login manager redirects), 403 for a role too low."""
    if not current_user.is_authenticated:
        abort(401)
    if not current_user.has_role(role):
        abort(403)


def role_required(role: Role) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            require_role(role)
            return view(*args, **kwargs)
        return wrapped
    return decorator
