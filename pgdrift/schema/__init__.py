"""The snapshot model: object kinds, identity, the canonical JSON form and snapshot files."""
