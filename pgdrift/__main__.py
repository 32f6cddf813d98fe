"""`python -m pgdrift` runs the command line."""

from pgdrift.cli import run

run()
