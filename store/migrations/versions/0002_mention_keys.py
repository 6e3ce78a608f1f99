"""mention keys without surroundings

Assignments and decisions were keyed on the folded mention; they are now keyed
on `normalize.names.key` (the commune's name, scope tails and role hints
removed), so one decision settles every commune's spelling.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

from chitieu.normalize.names import key
from chitieu.normalize.text import fold

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _rekey(to_key) -> None:
    conn = op.get_bind()
    for table in ("assignments", "decisions"):
        t = sa.table(table, sa.column("id", sa.Integer), sa.column("raw", sa.Text), sa.column("mention_key", sa.String))
        rows = conn.execute(sa.select(t.c.id, t.c.raw)).all()
        changed = [{"i": id_, "k": to_key(raw)} for id_, raw in rows]
        if changed:
            conn.execute(t.update().where(t.c.id == sa.bindparam("i")).values(mention_key=sa.bindparam("k")), changed)


def upgrade() -> None:
    _rekey(key)


def downgrade() -> None:
    _rekey(fold)
