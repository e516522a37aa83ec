"""Citizens' feedback: received from the site or the app, answered by staff.

Anti-spam without CAPTCHA: a honeypot field people do not see, a signed time stamp that must be
a few seconds old (bots post at once), and a rate limit per address on the routes."""
from __future__ import annotations

import logging

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..models import Feedback, User
from ..models.types import utcnow
from .audit import record

log = logging.getLogger(__name__)
MIN_SECONDS_TO_FILL = 3
FORM_MAX_AGE = 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="feedback-form")


def form_stamp() -> str:
    """Put in the form when it is shown; checked when it comes back."""
    return _serializer().dumps("gop-y")


def looks_automated(values: dict, stamp: str | None) -> str | None:
    """Why a submission looks like a bot's (None if it looks human). ``stamp`` None: the app."""
    if values.get("website"):
        return "honeypot filled"
    if stamp is not None:
        try:
            _, signed_at = _serializer().loads(stamp, max_age=FORM_MAX_AGE,
                                               return_timestamp=True)
        except SignatureExpired:
            return "form too old"
        except BadSignature:
            return "form stamp missing or forged"
        age = (utcnow() - signed_at).total_seconds()
        if age < MIN_SECONDS_TO_FILL:
            return f"filled in {age:.1f} s"
    return None


def receive(values: dict, channel: str) -> Feedback:
    feedback = Feedback(document_id=values.get("document_id"), name=values.get("name") or "",
                        email=values.get("email") or "", message=values["message"],
                        channel=channel)
    db.session.add(feedback)
    db.session.flush()
    record("feedback.create", "feedback", feedback.id, after={"channel": channel,
                                                              "document_id": feedback.document_id})
    db.session.commit()
    return feedback


def answer(feedback: Feedback, text: str, actor: User) -> None:
    text = text.strip()
    if not text:
        raise ValueError("Vui lòng nhập nội dung trả lời.")
    before = feedback.audit_state()
    feedback.answer = text[:10_000]
    feedback.answered_at = utcnow()
    feedback.answered_by_id = actor.id
    record("feedback.answer", "feedback", feedback.id, before=before,
           after=feedback.audit_state(), actor=actor)
    db.session.commit()
