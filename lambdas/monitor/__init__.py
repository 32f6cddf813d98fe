"""The monitor Lambda: snapshot, check, store, alert (runs inside the VPC, next to RDS)."""
