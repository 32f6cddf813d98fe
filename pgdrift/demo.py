"""`make demo`: the main job end to end on embedded defaults.

Starts an embedded PostgreSQL 18, creates a small application schema and takes its snapshot.
(Later stages grow this into the full drift check on the credentialmate example.)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from pgdrift import snapshot_io
from pgdrift.catalog import read_snapshot
from pgdrift.connect import parse_dsn
from pgdrift.embedded import start_embedded

DEMO_SQL = """
CREATE TYPE credential_status AS ENUM ('pending', 'active', 'expired');
CREATE TABLE providers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, npi text NOT NULL UNIQUE,
                        full_name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE licenses (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                       provider_id bigint NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
                       state char(2) NOT NULL, status credential_status NOT NULL DEFAULT 'pending',
                       expires_on date, CHECK (state ~ '^[A-Z]{2}$'));
CREATE INDEX licenses_expiring ON licenses (expires_on) WHERE status = 'active';
COMMENT ON TABLE licenses IS 'State medical licenses';
"""


def main() -> int:
    import pg8000.native

    with tempfile.TemporaryDirectory(prefix="pgdrift-demo-") as workdir, start_embedded(18) as server:
        admin = pg8000.native.Connection("postgres", unix_sock=f"{server.socket_dir}/.s.PGSQL.{server.port}")
        admin.run("CREATE DATABASE demo")
        admin.close()
        app = pg8000.native.Connection("postgres", database="demo",
                                       unix_sock=f"{server.socket_dir}/.s.PGSQL.{server.port}")
        app.run(DEMO_SQL)
        app.close()
        snapshot = read_snapshot(parse_dsn(server.dsn("demo")))
        path = Path(workdir) / "demo-snapshot.json"
        snapshot_io.write_file(snapshot, path)
        print(f"PostgreSQL {snapshot.meta.server_version}, database {snapshot.meta.database}")
        print(f"fingerprint {snapshot.fingerprint}")
        for kind, count in snapshot.counts().items():
            if count:
                print(f"  {kind:<15} {count}")
        print(f"snapshot: {path.stat().st_size} bytes of canonical JSON")
    return 0


if __name__ == "__main__":
    sys.exit(main())
