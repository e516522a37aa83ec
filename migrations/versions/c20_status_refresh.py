"""status_refreshes: the day statuses were last refreshed to, so a refresh visits only the
documents whose status can have moved since

Revision ID: c20_status_refresh
Revises: c19_signature_state
Create Date: 2026-12-02 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c20_status_refresh'
down_revision = 'c19_signature_state'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('status_refreshes',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('started_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))


def downgrade():
    op.drop_table('status_refreshes')
