"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 08:08:00.826131
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('format', sa.String(), nullable=False),
    sa.Column('commune', sa.String(), nullable=True),
    sa.Column('plan_number', sa.String(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_commune'), ['commune'], unique=False)

    op.create_table('indicators',
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name_vi', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=True),
    sa.Column('level', sa.String(), nullable=True),
    sa.Column('origin', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mention_key', sa.String(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_mention_key'), ['mention_key'], unique=False)

    op.create_table('target_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('table_index', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('row_no', sa.String(), nullable=True),
    sa.Column('section', sa.JSON(), nullable=False),
    sa.Column('indicator_text', sa.Text(), nullable=False),
    sa.Column('indicator_code', sa.String(), nullable=True),
    sa.Column('unit_cell', sa.Text(), nullable=True),
    sa.Column('target_cell', sa.Text(), nullable=True),
    sa.Column('target_raw', sa.Text(), nullable=True),
    sa.Column('target_kind', sa.String(), nullable=True),
    sa.Column('target_op', sa.String(), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=True),
    sa.Column('target_value_max', sa.Float(), nullable=True),
    sa.Column('target_unit', sa.String(), nullable=True),
    sa.Column('target_per', sa.String(), nullable=True),
    sa.Column('target_qualifier', sa.Text(), nullable=True),
    sa.Column('target_boolean', sa.Boolean(), nullable=True),
    sa.Column('more_targets', sa.JSON(), nullable=False),
    sa.Column('deadline_raw', sa.String(), nullable=True),
    sa.Column('deadline_kind', sa.String(), nullable=True),
    sa.Column('deadline_year', sa.Integer(), nullable=True),
    sa.Column('deadline_month', sa.Integer(), nullable=True),
    sa.Column('deadline_day', sa.Integer(), nullable=True),
    sa.Column('deadline_quarter', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('target_rows', schema=None) as batch_op:
        batch_op.create_index('ix_target_rows_doc_pos', ['document_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_target_rows_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_target_rows_indicator_code'), ['indicator_code'], unique=False)

    op.create_table('unit_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(), nullable=False),
    sa.Column('origin', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'alias')
    )
    with op.batch_alter_table('unit_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_aliases_unit_id'), ['unit_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('mention_key', sa.String(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['row_id'], ['target_rows.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_mention_key'), ['mention_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_row_id'), ['row_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_status'))
        batch_op.drop_index(batch_op.f('ix_assignments_row_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_mention_key'))

    op.drop_table('assignments')
    with op.batch_alter_table('unit_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_aliases_unit_id'))

    op.drop_table('unit_aliases')
    with op.batch_alter_table('target_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_rows_indicator_code'))
        batch_op.drop_index(batch_op.f('ix_target_rows_document_id'))
        batch_op.drop_index('ix_target_rows_doc_pos')

    op.drop_table('target_rows')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_mention_key'))

    op.drop_table('decisions')
    op.drop_table('units')
    op.drop_table('indicators')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_commune'))

    op.drop_table('documents')
