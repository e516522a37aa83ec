"""Records and documents for tests: sample documents imported with
generated PDFs (and the two staff accounts that work on them), an approved issue."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from gazette_app.extensions import db
from gazette_app.models import Document, Issue, User
from gazette_app.services import issues as workflow
from gazette_app.services.documents import attach_pdf
from gazette_app.services.records import import_records
from gazette_app.services.users import create_user
from tests.support.issues import SAMPLE, issue_documents, records
from tests.support.paths import DEMO_RECORDS

ISSUE_DATE = date(2026, 8, 10)


def load_documents(app, tmp_path, count: int = 6) -> list[int]:
    """Import ``count`` sample records, attach generated PDFs; returns their ids."""
    wanted, seen, lines = SAMPLE[:count], set(), []
    for record in records():
        if record["number"] in wanted and record["number"] not in seen:
            seen.add(record["number"])
            lines.append(json.dumps(record, ensure_ascii=False))
    pdfs = {d.notation: d.pdf_path for d in issue_documents(tmp_path, count)}
    with app.app_context():
        import_records(lines)
        ids = []
        for document in db.session.scalars(select(Document).order_by(Document.id)):
            attach_pdf(document, pdfs[document.notation].read_bytes(), "ban-ky.pdf")
            ids.append(document.id)
        create_user("lan", "biên-tập-2026!", "editor")
        create_user("hoa", "phê-duyệt-2026!", "approver")
    return ids


def staff_pair() -> tuple[User, User]:
    """The editor "lan" and the approver "hoa" that ``load_documents`` created."""
    return (db.session.scalar(select(User).where(User.username == "lan")),
            db.session.scalar(select(User).where(User.username == "hoa")))


def approved_issue(app, tmp_path, count: int = 3) -> int:
    """An issue Số 01 of ``count`` sample documents, composed and approved; returns its id."""
    ids = load_documents(app, tmp_path, count)
    with app.app_context():
        editor, approver = staff_pair()
        issue = workflow.create_issue(2026, [1], ISSUE_DATE, ids, editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        return issue.id


def published_issue(app, tmp_path, count: int = 1) -> int:
    """An issue Số 01 of ``count`` sample documents, published; returns its id."""
    issue_id = approved_issue(app, tmp_path, count)
    with app.app_context():
        workflow.publish(db.session.get(Issue, issue_id), staff_pair()[1])
    return issue_id


def load_public_demo_records(app) -> None:
    """The demo records, public before publication (GAZETTE_SHOW_UNPUBLISHED): these tests are
    about the index following the database, not about publishing."""
    app.config["SHOW_UNPUBLISHED"] = True
    with app.app_context(), DEMO_RECORDS.open(encoding="utf-8") as handle:
        import_records(handle)
