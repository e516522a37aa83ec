"""Intake (issue 21): OCR settings and Circular 02/2025 checks on receipts, the intake API's
per-issuer keys and idempotency keys.

Revision ID: c21_intake
Revises: c20_status_refresh
Create Date: 2026-12-02 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c21_intake'
down_revision = 'c20_status_refresh'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_api_keys_issuer_id', 'issuers', ['issuer_id'], ['id'],
                                    ondelete='CASCADE')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ocr_settings', sa.String(length=120), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('checks', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('api_key_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('sender_metadata', sa.JSON(), nullable=True))
        batch_op.create_foreign_key('fk_receipts_api_key_id', 'api_keys', ['api_key_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_unique_constraint('uq_receipts_idempotency',
                                          ['api_key_id', 'idempotency_key'])


def downgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_receipts_idempotency', type_='unique')
        batch_op.drop_constraint('fk_receipts_api_key_id', type_='foreignkey')
        batch_op.drop_column('sender_metadata')
        batch_op.drop_column('idempotency_key')
        batch_op.drop_column('api_key_id')
        batch_op.drop_column('checks')
        batch_op.drop_column('ocr_settings')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_constraint('fk_api_keys_issuer_id', type_='foreignkey')
        batch_op.drop_column('issuer_id')
