"""OCR confidence and review items on target rows

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('target_rows') as batch:
        batch.add_column(sa.Column('ocr_confidence', sa.Float(), nullable=True))
        batch.add_column(sa.Column('ocr_review', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('ocr_pending', sa.Integer(), nullable=False, server_default='0'))
        batch.create_index('ix_target_rows_ocr_pending', ['ocr_pending'])


def downgrade() -> None:
    with op.batch_alter_table('target_rows') as batch:
        batch.drop_index('ix_target_rows_ocr_pending')
        batch.drop_column('ocr_pending')
        batch.drop_column('ocr_review')
        batch.drop_column('ocr_confidence')
