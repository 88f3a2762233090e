"""Alembic environment: the store passes its own connection; no alembic.ini is needed at run time."""

from alembic import context

from analytics_maestro.inventory.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
