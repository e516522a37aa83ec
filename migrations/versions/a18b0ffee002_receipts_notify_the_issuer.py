"""receipts: an error notified to the issuer, and the corrected copy received against it

Revision ID: a18b0ffee002
Revises: a14c0ffee001
Create Date: 2026-12-01 22:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a18b0ffee002'
down_revision = 'a14c0ffee001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer_problem', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('problem_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('notified_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('notified_via', sa.String(length=32), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('corrected_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('superseded_files', sa.JSON(), nullable=False,
                                      server_default='[]'))


def downgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        for name in ('superseded_files', 'corrected_at', 'notified_via', 'notified_at',
                     'problem_at', 'issuer_problem'):
            batch_op.drop_column(name)
