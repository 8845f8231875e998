"""Alembic environment for the congvan store, run programmatically by `pipelines.store.migrate`.

The caller passes an open connection in `config.attributes["connection"]` (inside its own
transaction, holding the migration lock), so migrations never open a second connection.
"""
from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes its connection
    raise RuntimeError("congvan migrations run through pipelines.store.migrate, not the alembic CLI")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
