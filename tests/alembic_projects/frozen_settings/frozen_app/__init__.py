"""A tiny application whose settings are frozen when first imported."""
