"""Lambda handler tests: moto for AWS, embedded PostgreSQL, handlers called with a fake context."""
