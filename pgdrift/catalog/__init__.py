"""The catalog reader: pg_catalog queries (sql/), the driver seam and normalisation."""
