"""Alembic environment: run on the connection handed over by store.db."""

from alembic import context

from chitieu.store.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
