"""refresh_all visits only the documents whose status can have moved since the last refresh
(issue 20), and ends with every stored status equal to the one a full visit computes."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from gazette_app.extensions import db
from gazette_app.models import Document, DocumentRelation, StatusRefresh
from gazette_app.services.records import import_records
from gazette_app.services.statuses import refresh_all, to_refresh
from tests.support.paths import DEMO_RECORDS

FIRST, LATER = date(2026, 7, 25), date(2026, 8, 20)


def _could_move(document: Document, low: date, high: date) -> bool:
    """By brute force: a date of the document's, or of a relation acting on it, in (low, high]."""
    dates = [document.issued, document.effective, document.expires]
    dates += [r.source.effective or r.source.issued for r in document.acted_on_by
              if r.confirmed and r.source is not None]
    return any(d is not None and low < d <= high for d in dates)


def test_refresh_visits_only_documents_whose_status_can_move(app):
    with app.app_context(), DEMO_RECORDS.open(encoding="utf-8") as handle:
        import_records(handle)
        documents = db.session.scalars(select(Document).order_by(Document.id)).all()
        expiring, repealed, repealing = documents[3], documents[4], documents[5]
        expiring.expires = LATER - timedelta(days=2)
        repealing.effective = LATER - timedelta(days=1)
        db.session.add(DocumentRelation(source_id=repealing.id, kind="repeals",
                                        target_id=repealed.id, confirmed=True))
        db.session.commit()
        refresh_all(FIRST)  # the first refresh visits every document
        last = db.session.scalars(select(StatusRefresh)).one()
        assert last.day == FIRST

        visited = {d.id for d in db.session.scalars(to_refresh(last.day, last.started_at,
                                                               LATER))}
        expected = {d.id for d in db.session.scalars(select(Document)).all()
                    if d.state != "withdrawn" and _could_move(d, FIRST, LATER)}
        assert visited == expected
        assert {expiring.id, repealed.id, repealing.id} <= visited
        assert len(visited) < len(documents) // 2  # not every document

        moved = refresh_all(LATER)
        assert moved >= 2
        assert db.session.get(Document, expiring.id).status == "expired"
        assert db.session.get(Document, repealed.id).status == "expired"
        for document in db.session.scalars(select(Document)).all():  # as a full visit
            if document.state != "withdrawn":
                assert document.status == document.status_on(LATER), document.notation
        assert db.session.scalars(select(StatusRefresh.day).order_by(StatusRefresh.id)
                                  ).all() == [FIRST, LATER]

        # Nothing dated between: a second refresh the same day visits only what the previous
        # one changed (changed after it began), and moves nothing.
        last = db.session.scalars(select(StatusRefresh).order_by(StatusRefresh.id.desc())
                                  ).first()
        again = {d.id for d in db.session.scalars(to_refresh(last.day, last.started_at, LATER))}
        assert {expiring.id, repealed.id} <= again < visited and len(again) <= moved
        assert refresh_all(LATER) == 0
