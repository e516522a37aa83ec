"""Models on both databases: constraints, UTC datetimes, JSON columns, password hashing."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gazette_app.extensions import db
from gazette_app.models import (
    AuditEvent,
    Document,
    Issue,
    IssueEntry,
    IssueNumber,
    Issuer,
    Role,
    User,
    Volume,
)

pytestmark = pytest.mark.both_databases


def _document(issuer: Issuer, notation: str = "37/2026/QĐ-UBND") -> Document:
    return Document(issuer=issuer, notation=notation, notation_key=notation, seq=37, year=2026,
                    type_code="QĐ", issuer_code="UBND", legal=True,
                    doc_type="Quyết định của UBND tỉnh", abstract="Bãi bỏ Quyết định số 90",
                    issued=date(2026, 7, 13))


def test_document_issue_and_volume_round_trip(app):
    with app.app_context():
        issuer = Issuer(name="UBND tỉnh", code="ubnd-tinh", level="province")
        doc = _document(issuer)
        issue = Issue(year=2026, date=date(2026, 7, 20))
        issue.numbers = [IssueNumber(year=2026, number=44), IssueNumber(year=2026, number=45)]
        issue.entries = [IssueEntry(document=doc, position=1, part="legal", start_page=4)]
        volume = Volume(year=2026, quarter=3, issues=[issue])
        db.session.add_all([doc, issue, volume])
        db.session.commit()
        db.session.expire_all()

        issue = db.session.scalar(select(Issue))
        assert issue.label == "Số 44 + 45"
        assert issue.entries[0].document.notation == "37/2026/QĐ-UBND"
        assert issue.entries[0].document.issuer.name == "UBND tỉnh"
        assert db.session.scalar(select(Volume)).label == "Quý III/2026"
        created = db.session.scalar(select(Document)).created_at
        assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0


def test_issue_number_is_never_reused_in_a_year(app):
    with app.app_context():
        first = Issue(year=2026, date=date(2026, 1, 10), numbers=[IssueNumber(year=2026, number=1)])
        db.session.add(first)
        db.session.commit()
        other_year = Issue(year=2027, date=date(2027, 1, 5),
                           numbers=[IssueNumber(year=2027, number=1)])
        db.session.add(other_year)
        db.session.commit()
        again = Issue(year=2026, date=date(2026, 2, 1), numbers=[IssueNumber(year=2026, number=1)])
        db.session.add(again)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_same_source_reference_is_refused(app):
    with app.app_context():
        issuer = Issuer(name="UBND tỉnh", code="ubnd-tinh")
        a, b = _document(issuer), _document(issuer)
        a.source_ref = b.source_ref = "x" * 64
        db.session.add_all([a, b])
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_password_is_hashed_and_roles_rank(app):
    with app.app_context():
        user = User(username="lan", role=Role.APPROVER.value)
        user.set_password("mật-khẩu-dài-2026")
        db.session.add(user)
        db.session.commit()
        stored = db.session.scalar(select(User))
        assert "mật-khẩu" not in stored.password_hash
        assert stored.check_password("mật-khẩu-dài-2026")
        assert not stored.check_password("sai")
        assert stored.has_role(Role.EDITOR) and stored.has_role(Role.APPROVER)
        assert not stored.has_role(Role.ADMIN)


def test_audit_event_keeps_json_and_utc(app):
    with app.app_context():
        db.session.add(AuditEvent(action="document.update", object_type="document",
                                  object_id="7", before={"abstract": "Cũ"},
                                  after={"abstract": "Mới", "legal": True}))
        db.session.commit()
        db.session.expire_all()
        event = db.session.scalar(select(AuditEvent))
        assert event.after == {"abstract": "Mới", "legal": True}
        assert event.changed_fields() == ["abstract", "legal"]
        assert event.at <= datetime.now(UTC)
