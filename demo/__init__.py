"""`make demo`: the credentialmate example end to end (outside the package)."""
