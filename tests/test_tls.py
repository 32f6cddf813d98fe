"""TLS as pgdrift uses it against RDS: verify-full against a CA bundle by default, clear errors
when the certificate, the CA or the host name is wrong, and no silent fallback to plaintext."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import read_snapshot
from pgdrift.errors import ConnectError
from tests.support import TestServer, execute
from tests.tls_proxy import Certificates, make_certificates, tls_proxy

PASSWORD = "Tls-Secret-Password-7"
ROLE = "pgdrift_tls_user"


@pytest.fixture
def tls_target(pg18: TestServer, tmp_path: Path) -> Iterator[tuple[int, str, Certificates]]:
    """A database behind a TLS proxy whose certificate names only `localhost`."""
    assert pg18.embedded is not None
    dsn = pg18.create_database("CREATE TABLE providers (id int PRIMARY KEY);")
    execute(dsn, f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') "
                 f"THEN CREATE ROLE {ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'; END IF; END $$;")
    certificates = make_certificates(tmp_path, ["localhost"])
    with tls_proxy(certificates, pg18.embedded.port) as port:
        yield port, parse_dsn(dsn).database, certificates


def tls_dsn(host: str, port: int, database: str, sslmode: str, rootcert: Path | None) -> str:
    query = f"sslmode={sslmode}&connect_timeout=5" + (f"&sslrootcert={rootcert}" if rootcert else "")
    return f"postgresql://{ROLE}:{PASSWORD}@{host}:{port}/{database}?{query}"


def test_verify_full_with_the_right_ca(tls_target: tuple[int, str, Certificates]) -> None:
    port, database, certificates = tls_target
    snapshot = read_snapshot(parse_dsn(tls_dsn("localhost", port, database, "verify-full", certificates.ca)))
    assert "public.providers" in snapshot.of_kind("table")


def test_require_encrypts_without_verifying(tls_target: tuple[int, str, Certificates]) -> None:
    port, database, _ = tls_target
    snapshot = read_snapshot(parse_dsn(tls_dsn("127.0.0.1", port, database, "require", None)))
    assert "public.providers" in snapshot.of_kind("table")


def test_verify_ca_skips_the_host_name(tls_target: tuple[int, str, Certificates]) -> None:
    port, database, certificates = tls_target
    snapshot = read_snapshot(parse_dsn(tls_dsn("127.0.0.1", port, database, "verify-ca", certificates.ca)))
    assert "public.providers" in snapshot.of_kind("table")


def test_an_untrusted_certificate_is_refused_clearly(tls_target: tuple[int, str, Certificates]) -> None:
    port, database, certificates = tls_target
    with pytest.raises(ConnectError) as raised:
        read_snapshot(parse_dsn(tls_dsn("localhost", port, database, "verify-full", certificates.other_ca)))
    message = str(raised.value)
    assert "TLS handshake with localhost" in message
    assert "certificate verify failed" in message
    assert "sslrootcert" in message
    assert PASSWORD not in message


def test_a_host_name_mismatch_is_refused_clearly(tls_target: tuple[int, str, Certificates]) -> None:
    port, database, certificates = tls_target
    with pytest.raises(ConnectError) as raised:
        read_snapshot(parse_dsn(tls_dsn("127.0.0.1", port, database, "verify-full", certificates.ca)))
    assert "TLS handshake with 127.0.0.1" in str(raised.value)
    assert "IP address mismatch" in str(raised.value) or "hostname" in str(raised.value).lower()


def test_a_server_without_tls_is_refused_when_tls_is_required(pg18: TestServer) -> None:
    assert pg18.embedded is not None
    dsn = pg18.create_database()
    database = parse_dsn(dsn).database
    execute(dsn, f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') "
                 f"THEN CREATE ROLE {ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'; END IF; END $$;")
    with pytest.raises(ConnectError) as raised:
        read_snapshot(parse_dsn(tls_dsn("127.0.0.1", pg18.embedded.port, database, "require", None)))
    assert "does not offer TLS but sslmode=require" in str(raised.value)


def test_a_missing_ca_bundle_file_is_a_clear_error(tls_target: tuple[int, str, Certificates]) -> None:
    port, database, _ = tls_target
    missing = Path(os.devnull).parent / "no-such-dir" / "rds-global-bundle.pem"
    with pytest.raises(Exception) as raised:
        read_snapshot(parse_dsn(tls_dsn("localhost", port, database, "verify-full", missing)))
    assert f"loading the CA bundle {missing}" in str(raised.value)


def test_the_monitor_defaults_to_verify_full_against_the_ca_bundle(tls_target: tuple[int, str, Certificates]) -> None:
    from pgdrift.monitor.run import connect_options
    from pgdrift.monitor.settings import DbCredentials, parse_target

    port, database, certificates = tls_target
    # Given a target with no TLS settings and the stack's CA bundle (PGDRIFT_CA_BUNDLE)
    target = parse_target({"name": "prod", "secret_arn": "arn:aws:secretsmanager:us-east-1:1:secret:x",
                           "expected_key": "expected/prod/ledger.json.gz"}, 0, 0, str(certificates.ca))
    assert (target.tls.sslmode, target.tls.ca_bundle) == ("verify-full", str(certificates.ca))
    credentials = DbCredentials(host="localhost", port=port, username=ROLE, dbname=database, password=PASSWORD)
    # When the monitor connects, it verifies the certificate and the host name
    snapshot = read_snapshot(connect_options(credentials, target, remaining_ms=60_000))
    assert "public.providers" in snapshot.of_kind("table")
    # ...and the same target refuses a certificate from another CA
    wrong = parse_target({"name": "prod", "secret_arn": "arn:aws:secretsmanager:us-east-1:1:secret:x",
                          "expected_key": "expected/prod/ledger.json.gz"}, 0, 0, str(certificates.other_ca))
    with pytest.raises(ConnectError, match="certificate verify failed"):
        read_snapshot(connect_options(credentials, wrong, remaining_ms=60_000))
