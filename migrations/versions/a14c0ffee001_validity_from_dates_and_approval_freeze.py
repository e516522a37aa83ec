"""validity from dates and relations; approval freezes the composed documents

documents.recorded_status keeps a status the source recorded that no date explains (the stored
``status`` is now refreshed every day from the dates and relations); document_relations.partial
says whether a repeal or replacement concerns only some articles; issue_entries remember the
PDF and metadata each document had when the issue was composed, so that publishing can refuse
an issue whose documents changed after approval.

Revision ID: a14c0ffee001
Revises: 1028cdce09cd
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a14c0ffee001'
down_revision = '1028cdce09cd'
branch_labels = None
depends_on = None

RECORDED = ("expired", "partly_expired", "suspended", "partly_suspended")


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_status', sa.String(length=24), nullable=True))
    with op.batch_alter_table('document_relations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partial', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('issue_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('metadata_sha256', sa.String(length=64), nullable=True))
    # A status set before this revision that no confirmed relation explains was recorded by
    # the feed or by staff: keep it as such. Relations that left a partial status were partial.
    documents = sa.table('documents', sa.column('id'), sa.column('status'),
                         sa.column('recorded_status'))
    relations = sa.table('document_relations', sa.column('target_id'), sa.column('kind'),
                         sa.column('confirmed'), sa.column('partial'))
    acted = sa.select(relations.c.target_id).where(relations.c.confirmed.is_(True),
                                                   relations.c.target_id.is_not(None))
    op.execute(documents.update().where(documents.c.status.in_(RECORDED),
                                        documents.c.id.not_in(acted))
               .values(recorded_status=documents.c.status))
    partly = sa.select(documents.c.id).where(documents.c.status == "partly_expired")
    op.execute(relations.update().where(relations.c.target_id.in_(partly),
                                        relations.c.kind.in_(("repeals", "replaces")))
               .values(partial=True))


def downgrade():
    with op.batch_alter_table('issue_entries', schema=None) as batch_op:
        batch_op.drop_column('metadata_sha256')
        batch_op.drop_column('pdf_sha256')
    with op.batch_alter_table('document_relations', schema=None) as batch_op:
        batch_op.drop_column('partial')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('recorded_status')
