"""Alembic: the ledger, replaying migrations on a scratch server, and check/compare."""
