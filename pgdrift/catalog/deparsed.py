"""Reading what PostgreSQL's deparsers print: kept at this path for its importers; the code lives
in `pgdrift.normalize`, which the registry of kinds imports (importing this package from there
would be a cycle: the reader imports the registry)."""

from pgdrift.normalize import depth_tokens, index_predicate, unqualify

__all__ = ["depth_tokens", "index_predicate", "unqualify"]
