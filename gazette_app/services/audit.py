"""Writing the audit trail: every change of state records who, when, what, before and after."""
from __future__ import annotations

import getpass

from flask import has_request_context, request
from flask_login import current_user

from ..extensions import db
from ..models import AuditEvent, User


def record(action: str, object_type: str = "", object_id: object = "", *,
           before: dict | None = None, after: dict | None = None, note: str = "",
           actor: User | None = None, actor_name: str | None = None) -> AuditEvent:
    """Add an audit event to the current unit of work (the caller commits)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if actor_name is None:
        actor_name = actor.username if actor else _anonymous_name()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_name=actor_name[:64],
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        before=before,
        after=after,
        note=note,
        remote_addr=(request.remote_addr or "")[:64] if has_request_context() else "cli",
    )
    db.session.add(event)
    return event


def _anonymous_name() -> str:
    if has_request_context():
        return "anonymous"
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
