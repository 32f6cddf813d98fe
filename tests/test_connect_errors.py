"""Bad input gives a clear error and exit code 2, within the timeout, and never shows the password."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from pgdrift.catalog.connect import parse_dsn
from pgdrift.cli import main
from pgdrift.errors import ConfigError
from tests.support import TestServer, execute

SECRET = "Hunter2-Never-Print-Me"


def run_cli(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    code = main(["snapshot", *arguments])
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    return code, captured.err


@pytest.mark.parametrize(("dsn", "fragment"), [
    ("not a dsn", "must start with postgresql://"),
    ("mysql://u@h/db", "got mysql://"),
    ("postgresql://u@h:notaport/db", "parsing the DSN"),
    ("postgresql://u@h:5432/", "no database name"),
    ("postgresql://h:5432/db", "no user name"),
    ("postgresql://u@h/db?sslmode=sometimes", "sslmode='sometimes'"),
    ("postgresql://u@h/db?colour=blue", "unknown parameter(s) colour"),
    ("postgresql://u@h/db?connect_timeout=soon", "connect_timeout='soon' is not a number"),
    (f"postgresql://u:{SECRET}@h/db?sslmode=verify-full", "no sslrootcert"),
])
def test_malformed_dsn(capsys: pytest.CaptureFixture[str], dsn: str, fragment: str) -> None:
    code, err = run_cli(capsys, dsn)
    assert code == 2
    assert fragment in err
    assert err.startswith("pgdrift: error: ")


def test_unknown_host(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_cli(capsys, f"postgresql://u:{SECRET}@no-such-host.invalid:5432/db?connect_timeout=5")
    assert code == 2
    assert "unknown host 'no-such-host.invalid'" in err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_cli(capsys, f"postgresql://u:{SECRET}@127.0.0.1:{_free_port()}/db")
    assert code == 2
    assert "connection refused by 127.0.0.1" in err


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never says a word (a hung database)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_hung_server_times_out(capsys: pytest.CaptureFixture[str], silent_server: int) -> None:
    started = time.monotonic()
    code, err = run_cli(capsys, f"postgresql://u:{SECRET}@127.0.0.1:{silent_server}/db?sslmode=disable",
                        "--connect-timeout", "1")
    assert code == 2
    assert time.monotonic() - started < 10
    assert "no answer from 127.0.0.1" in err
    assert "within 1 s" in err


def test_wrong_password(capsys: pytest.CaptureFixture[str], server: TestServer) -> None:
    if server.embedded is None:
        pytest.skip("needs an embedded server with SCRAM over TCP")
    dsn = server.create_database()
    database = parse_dsn(dsn).database
    execute(dsn, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgdrift_pw_test') "
                 "THEN CREATE ROLE pgdrift_pw_test LOGIN PASSWORD 'right-password'; END IF; END $$;")
    code, err = run_cli(capsys, server.dsn_for(database, user="pgdrift_pw_test", password=SECRET, tcp=True))
    assert code == 2
    assert "authentication failed for user 'pgdrift_pw_test'" in err
    assert "Check the user name and password" in err


def test_missing_database(capsys: pytest.CaptureFixture[str], server: TestServer) -> None:
    code, err = run_cli(capsys, server.dsn_for("no_such_database_here"))
    assert code == 2
    assert "database 'no_such_database_here' does not exist" in err


def test_missing_socket_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_cli(capsys, "postgresql://u@/db?host=/nonexistent/socket/dir")
    assert code == 2
    assert "cannot reach unix socket /nonexistent/socket/dir/.s.PGSQL.5432" in err


def test_redacted_dsn_and_repr_hide_the_password() -> None:
    options = parse_dsn(f"postgresql://monitor:{SECRET}@db.example.com:5433/app?sslmode=require")
    assert SECRET not in options.redacted()
    assert SECRET not in repr(options)
    assert options.redacted() == "postgresql://monitor:***@db.example.com:5433/app?sslmode=require"


def test_dsn_forms() -> None:
    unix = parse_dsn("postgresql://postgres@/app?host=/tmp/sock&port=6543")
    assert (unix.unix_socket_dir, unix.port, unix.database, unix.host) == ("/tmp/sock", 6543, "app", None)
    tcp = parse_dsn("postgres://a%40b:p%2Fw@host.example:6000/my%20db?sslmode=require&connect_timeout=3")
    assert (tcp.user, tcp.password, tcp.host, tcp.port, tcp.database) == ("a@b", "p/w", "host.example", 6000, "my db")
    assert tcp.sslmode == "require" and tcp.connect_timeout == 3
    with pytest.raises(ConfigError):
        parse_dsn("postgresql://u@h/db?statement_timeout=fast")
