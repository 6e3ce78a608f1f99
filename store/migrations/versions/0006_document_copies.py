"""Copies of one plan: documents.rows_digest and documents.copy_of, filled in
for the documents already stored

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import select, update

from chitieu.normalize.digest import rows_digest
from chitieu.store.documents import relink
from chitieu.store.models import DocumentT, TargetRowT


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN only, never a batch rebuild (see downgrade)
    op.add_column('documents', sa.Column('rows_digest', sa.String(64), nullable=True))
    op.add_column('documents', sa.Column('copy_of', sa.Integer(), nullable=True))
    op.create_index('ix_documents_copy_of', 'documents', ['copy_of'])
    op.create_index('ix_documents_rows_digest', 'documents', ['rows_digest'])
    op.create_index('ix_documents_issued_on', 'documents', ['issued_on'])
    conn = op.get_bind()
    for document_id in conn.scalars(select(DocumentT.id)).all():
        rows = conn.execute(
            select(TargetRowT.row_no, TargetRowT.indicator_text, TargetRowT.target_cell)
            .where(TargetRowT.document_id == document_id)
            .order_by(TargetRowT.position)
        ).all()
        conn.execute(update(DocumentT).where(DocumentT.id == document_id).values(rows_digest=rows_digest(rows)))
    relink(conn)


def downgrade() -> None:
    # plain ALTER TABLE (SQLite 3.35+): a batch rebuild of `documents` would drop the
    # table, and with foreign keys on, SQLite would delete every row and assignment with it
    op.drop_index('ix_documents_issued_on', table_name='documents')
    op.drop_index('ix_documents_rows_digest', table_name='documents')
    op.drop_index('ix_documents_copy_of', table_name='documents')
    op.execute('ALTER TABLE documents DROP COLUMN copy_of')
    op.execute('ALTER TABLE documents DROP COLUMN rows_digest')
