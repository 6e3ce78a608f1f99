"""analysts' links of a row wording to an indicator

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'indicator_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('wording_key', sa.Text(), nullable=False),
        sa.Column('raw', sa.Text(), nullable=False),
        sa.Column('code', sa.String(), nullable=False),
        sa.Column('decided_by', sa.String(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['code'], ['indicators.code']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_indicator_links_wording_key', 'indicator_links', ['wording_key'])


def downgrade() -> None:
    op.drop_index('ix_indicator_links_wording_key', table_name='indicator_links')
    op.drop_table('indicator_links')
