"""Comparing snapshots: the keyed diff, renames, findings, grading and drift rules."""
