"""targets that are ranks; rows that state several indicators

A target whose unit column reads "Thứ bậc", "Hạng", … is a rank (a smaller
value is better): `target_rank`, so analysts can sort such targets apart.
A row stating two indicators links the first; `more_indicators` lists the rest.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('target_rows', sa.Column('target_rank', sa.Boolean(), nullable=True))
    op.add_column('target_rows', sa.Column('more_indicators', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('target_rows') as batch:
        batch.drop_column('target_rank')
        batch.drop_column('more_indicators')
