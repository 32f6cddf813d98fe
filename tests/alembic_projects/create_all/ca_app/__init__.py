"""An application whose base tables come from metadata.create_all(), not from a revision."""
