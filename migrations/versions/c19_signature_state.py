"""issues.signature_state and issues.signed_revisions: the e-edition's signature as validated at
publication or re-stamping, and the re-stamped revisions that extend the published file

Revision ID: c19_signature_state
Revises: b15_session_version
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c19_signature_state'
down_revision = 'b15_session_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature_state', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('signed_revisions', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.drop_column('signed_revisions')
        batch_op.drop_column('signature_state')
