"""users.session_version: sessions the server can end (logout, password, role, deactivation)

Revision ID: b15_session_version
Revises: a18b0ffee002
Create Date: 2026-12-01 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b15_session_version'
down_revision = 'a18b0ffee002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
