"""Keeping the archive's e-editions verifiable: re-stamping (PAdES B-LTA) and its rule.

The rule: ``Issue.signed_pdf_sha256`` is the e-edition as published and never changes (volume
manifests, the audit trail and citations name it). A re-stamping appends one incremental update
(the validation data of the last timestamp, then a new document timestamp) and stores the result
as a new file, recorded in ``Issue.signed_revisions``; readers download the latest. Every
revision must start with the exact bytes of the published file, so the published hash stays
provable from any later revision: ``sha256(revision[:published size]) == signed_pdf_sha256``.
``verify`` checks this for every issue (``revision_problems``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from issues.signing import SigningError
from issues.signing_ltv import LtvError, SignatureState, add_archival_timestamp, signature_state

from .. import clock
from ..extensions import db
from ..models import Issue, IssueState
from ..storage import get_store
from .audit import record
from .signing_setup import configured_timestamper, configured_trust


@dataclass(frozen=True)
class Restamped:
    issue: Issue
    sha256: str
    state: SignatureState


def stored_state(issue: Issue) -> SignatureState | None:
    return SignatureState.from_json(issue.signature_state) if issue.signature_state else None


def is_due(state: SignatureState | None, *, before: dt.datetime, now: dt.datetime) -> bool:
    """Due when the last timestamp is older than ``before``, or its TSA certificate expires
    within the configured margin (GAZETTE_RETIMESTAMP_MARGIN_DAYS), or there is none."""
    if state is None or state.timestamped_at is None:
        return True
    margin = dt.timedelta(days=current_app.config["RETIMESTAMP_MARGIN_DAYS"])
    return state.timestamped_at < before or (
        state.timestamp_expires is not None and state.timestamp_expires < now + margin)


def default_threshold(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=current_app.config["RETIMESTAMP_AGE_DAYS"])


def signed_issues() -> Iterator[Issue]:
    yield from db.session.scalars(select(Issue).where(
        Issue.state == IssueState.PUBLISHED, Issue.signed_pdf_sha256.is_not(None))
        .order_by(Issue.id))


def restamp(issue: Issue) -> Restamped:
    """Add a fresh document timestamp to ``issue``'s latest e-edition and record it."""
    timestamper, trust = configured_timestamper(), configured_trust()
    if timestamper is None or trust is None:
        raise SigningError("Chưa cấu hình dịch vụ cấp dấu thời gian (GAZETTE_SIGNING_TSA_URL) "
                           "và chứng thư gốc tin cậy (GAZETTE_SIGNING_TRUST_ROOTS).")
    store, latest = get_store(), issue.current_signed_sha256
    current = store.path(latest or "").read_bytes()
    if hashlib.sha256(current).hexdigest() != latest:
        raise SigningError(f"Bản ký số của {issue.label}/{issue.year} trong kho bị sai mã băm.")
    try:
        new = add_archival_timestamp(current, timestamper, trust)
    except LtvError as error:
        raise SigningError(str(error)) from error
    now = clock.wall_now()
    state = signature_state(new, trust, now=now)
    if state is None or not state.valid:
        raise SigningError(f"Bản đóng dấu thời gian mới của {issue.label}/{issue.year} không "
                           "hợp lệ khi kiểm tra lại; giữ nguyên bản cũ.")
    sha = store.put_bytes(new).sha256
    before = {"signed_revisions": issue.signed_revisions, "signature_state": issue.signature_state}
    issue.signed_revisions = [*(issue.signed_revisions or []),
                              {"sha256": sha, "size": len(new), "at": now.isoformat()}]
    issue.signature_state = state.as_json()
    record("issue.retimestamp", "issue", issue.id, before=before,
           after={"signed_revisions": issue.signed_revisions, "signature_state": state.as_json()},
           actor_name="retimestamp")
    db.session.commit()
    return Restamped(issue, sha, state)


def revision_problems(store) -> list[dict]:
    """Each re-stamped revision must be in the store and start with the published bytes."""
    problems = []
    for issue in signed_issues():
        published = issue.signed_pdf_sha256 or ""
        if not issue.signed_revisions or not store.exists(published):
            continue  # nothing re-stamped, or reported as missing
        size = store.path(published).stat().st_size
        for revision in issue.signed_revisions:
            if not store.exists(revision["sha256"]):
                continue  # reported as missing (references() names it)
            with open(store.path(revision["sha256"]), "rb") as handle:
                prefix = handle.read(size)
            if hashlib.sha256(prefix).hexdigest() != published:
                problems.append({"what": f"{issue.label}/{issue.year}: bản đóng dấu thời gian "
                                         f"{revision['sha256'][:12]}… không bắt đầu bằng bản "
                                         "ký số đã phát hành"})
    return problems
