"""Gazette titles (issue 22): the current title and former provinces' ones; every issue,
issue number and volume belongs to a title, numbers unique per title and year; past issues
being imported from their PDFs.

Revision ID: d22_gazette_titles
Revises: c21_intake
Create Date: 2026-12-02 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd22_gazette_titles'
down_revision = 'c21_intake'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gazette_titles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('province', sa.String(length=120), nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.Column('first_year', sa.Integer(), nullable=True),
        sa.Column('last_year', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('masthead', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gazette_titles')),
        sa.UniqueConstraint('slug', name=op.f('uq_gazette_titles_slug')))
    # The current title: its name and masthead come from the masthead settings file.
    op.execute("INSERT INTO gazette_titles (slug, name, province, current, note, created_at) "
               "VALUES ('hien-hanh', '', '', TRUE, '', CURRENT_TIMESTAMP)")
    current = "(SELECT id FROM gazette_titles WHERE slug = 'hien-hanh')"
    for table in ('issues', 'issue_numbers', 'volumes'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('title_id', sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET title_id = {current}")
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.alter_column('title_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_issues_title_id_gazette_titles'),
                                    'gazette_titles', ['title_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_issues_title_id'), ['title_id'], unique=False)
    with op.batch_alter_table('issue_numbers', schema=None) as batch_op:
        batch_op.alter_column('title_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_issue_numbers_title_id_gazette_titles'),
                                    'gazette_titles', ['title_id'], ['id'])
        batch_op.drop_constraint('uq_issue_numbers_year_number', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_issue_numbers_title_id_year_number'),
                                          ['title_id', 'year', 'number'])
    with op.batch_alter_table('volumes', schema=None) as batch_op:
        batch_op.alter_column('title_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_volumes_title_id_gazette_titles'),
                                    'gazette_titles', ['title_id'], ['id'])
        batch_op.drop_constraint('uq_volumes_year_quarter', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_volumes_title_id_year_quarter'),
                                          ['title_id', 'year', 'quarter'])
    op.create_table(
        'past_issue_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('numbers', sa.JSON(), nullable=False),
        sa.Column('issue_date', sa.Date(), nullable=False),
        sa.Column('source_name', sa.String(length=255), nullable=False),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
        sa.Column('page_count', sa.Integer(), nullable=False),
        sa.Column('page_offset', sa.Integer(), nullable=True),
        sa.Column('layout', sa.String(length=16), nullable=False),
        sa.Column('ocr_pages', sa.JSON(), nullable=False),
        sa.Column('problems', sa.JSON(), nullable=False),
        sa.Column('entries', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('issue_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('registered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['title_id'], ['gazette_titles.id'],
                                name=op.f('fk_past_issue_imports_title_id_gazette_titles')),
        sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], ondelete='SET NULL',
                                name=op.f('fk_past_issue_imports_issue_id_issues')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_past_issue_imports_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_past_issue_imports')),
        sa.UniqueConstraint('title_id', 'pdf_sha256',
                            name=op.f('uq_past_issue_imports_title_id_pdf_sha256')))
    with op.batch_alter_table('past_issue_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_past_issue_imports_title_id'), ['title_id'],
                              unique=False)


def downgrade():
    op.drop_table('past_issue_imports')
    op.execute("DELETE FROM issues WHERE title_id <> "
               "(SELECT id FROM gazette_titles WHERE slug = 'hien-hanh')")
    with op.batch_alter_table('volumes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_volumes_title_id_year_quarter'), type_='unique')
        batch_op.create_unique_constraint('uq_volumes_year_quarter', ['year', 'quarter'])
        batch_op.drop_constraint(batch_op.f('fk_volumes_title_id_gazette_titles'),
                                 type_='foreignkey')
        batch_op.drop_column('title_id')
    with op.batch_alter_table('issue_numbers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_issue_numbers_title_id_year_number'),
                                 type_='unique')
        batch_op.create_unique_constraint('uq_issue_numbers_year_number', ['year', 'number'])
        batch_op.drop_constraint(batch_op.f('fk_issue_numbers_title_id_gazette_titles'),
                                 type_='foreignkey')
        batch_op.drop_column('title_id')
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issues_title_id'))
        batch_op.drop_constraint(batch_op.f('fk_issues_title_id_gazette_titles'),
                                 type_='foreignkey')
        batch_op.drop_column('title_id')
    op.drop_table('gazette_titles')
