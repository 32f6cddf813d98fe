"""AWS Lambda handlers: thin adapters around the pgdrift core (see pgdrift.contract)."""
