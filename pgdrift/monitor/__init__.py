"""The monitor's use case: one run, its settings and the S3 layout it writes."""
