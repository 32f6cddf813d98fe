"""The driver seam: parse a libpq-style DSN and open a safe, read-only pg8000 session.

Every failure becomes a `PgDriftError` subclass whose message names what failed and what to do.
No message, log line or repr ever carries the password: use `ConnectOptions.redacted()`.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from pgdrift.errors import (
    AuthenticationError,
    CatalogError,
    ConfigError,
    ConnectError,
    LockTimeout,
    PermissionDenied,
    PgDriftError,
    QueryTimeout,
    TooManyConnections,
)

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_STATEMENT_TIMEOUT_MS = 30_000
DEFAULT_LOCK_TIMEOUT_MS = 1_000
APPLICATION_NAME = "pgdrift"


@dataclass(frozen=True)
class ConnectOptions:
    """Everything needed to connect. The password is excluded from repr and from `redacted()`."""

    host: str | None
    port: int
    database: str
    user: str
    password: str | None = field(default=None, repr=False)
    unix_socket_dir: str | None = None
    sslmode: str = "prefer"
    sslrootcert: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS
    lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS

    def redacted(self) -> str:
        """The DSN without its password, for messages, logs and snapshot metadata."""
        secret = ":***" if self.password else ""
        if self.unix_socket_dir:
            return f"postgresql://{self.user}{secret}@/{self.database}?host={self.unix_socket_dir}&port={self.port}"
        return f"postgresql://{self.user}{secret}@{self.host}:{self.port}/{self.database}?sslmode={self.sslmode}"

    @property
    def where(self) -> str:
        if self.unix_socket_dir:
            return f"unix socket {self.unix_socket_dir}/.s.PGSQL.{self.port}"
        return f"{self.host}:{self.port}"

    def with_timeouts(self, connect: float | None = None, statement_ms: int | None = None,
                      lock_ms: int | None = None) -> ConnectOptions:
        return replace(
            self,
            connect_timeout=self.connect_timeout if connect is None else connect,
            statement_timeout_ms=self.statement_timeout_ms if statement_ms is None else statement_ms,
            lock_timeout_ms=self.lock_timeout_ms if lock_ms is None else lock_ms,
        )


def _single(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _number(text: str | None, name: str, default: float) -> float:
    if text is None:
        return default
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"parsing the DSN: {name}={text!r} is not a number") from None


def parse_dsn(dsn: str) -> ConnectOptions:
    """Parse `postgresql://user:pass@host:port/db?sslmode=...`; `?host=/dir` is a socket directory."""
    try:
        parts = urlsplit(dsn)
        port_text = parts.port
    except ValueError as error:
        raise ConfigError(f"parsing the DSN: {error}",
                          "Use postgresql://user:password@host:5432/database") from None
    if parts.scheme not in ("postgresql", "postgres"):
        raise ConfigError(
            "parsing the DSN: it must start with postgresql:// (got "
            f"{(parts.scheme + '://') if parts.scheme else 'no scheme'})",
            "Use postgresql://user:password@host:5432/database",
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    known = {"host", "port", "sslmode", "sslrootcert", "connect_timeout", "application_name",
             "statement_timeout", "lock_timeout", "dbname", "user", "password"}
    unknown = sorted(set(query) - known)
    if unknown:
        raise ConfigError(f"parsing the DSN: unknown parameter(s) {', '.join(unknown)}",
                          f"Known parameters: {', '.join(sorted(known))}")
    host = _single(query, "host") or (unquote(parts.hostname) if parts.hostname else None)
    port = int(_number(_single(query, "port"), "port", port_text or 5432))
    database = _single(query, "dbname") or unquote(parts.path.lstrip("/")) or None
    user = _single(query, "user") or (unquote(parts.username) if parts.username else None)
    password = _single(query, "password") or (unquote(parts.password) if parts.password else None)
    if not database:
        raise ConfigError("parsing the DSN: no database name", "Add it as the path: postgresql://host/dbname")
    if not user:
        raise ConfigError("parsing the DSN: no user name", "Add it: postgresql://user@host/dbname")
    if not host:
        raise ConfigError("parsing the DSN: no host",
                          "Add it: postgresql://user@host/dbname, or ?host=/socket/dir for a unix socket")
    sslmode = _single(query, "sslmode") or "prefer"
    if sslmode not in SSL_MODES:
        raise ConfigError(f"parsing the DSN: sslmode={sslmode!r} is not one of {', '.join(SSL_MODES)}")
    socket_dir = host if host.startswith("/") else None
    return ConnectOptions(
        host=None if socket_dir else host,
        port=port,
        database=database,
        user=user,
        password=password,
        unix_socket_dir=socket_dir,
        sslmode=sslmode,
        sslrootcert=_single(query, "sslrootcert"),
        connect_timeout=_number(_single(query, "connect_timeout"), "connect_timeout", DEFAULT_CONNECT_TIMEOUT),
        statement_timeout_ms=int(_number(_single(query, "statement_timeout"), "statement_timeout",
                                         DEFAULT_STATEMENT_TIMEOUT_MS)),
        lock_timeout_ms=int(_number(_single(query, "lock_timeout"), "lock_timeout", DEFAULT_LOCK_TIMEOUT_MS)),
    )


def ssl_context_for(options: ConnectOptions) -> ssl.SSLContext | bool | None:
    """pg8000's ssl_context: False = plaintext, None = try TLS then plaintext, a context = TLS only."""
    if options.unix_socket_dir or options.sslmode == "disable":
        # libpq never uses TLS on a unix socket; passing False also saves pg8000's ~16 ms
        # default-context construction on every connect.
        return False
    if options.sslmode in ("allow", "prefer"):
        return None
    if options.sslmode == "require":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if not options.sslrootcert:
        raise ConfigError(f"connecting with sslmode={options.sslmode}: no sslrootcert",
                          "Give the CA bundle path, e.g. ?sslrootcert=/opt/rds-global-bundle.pem")
    try:
        context = ssl.create_default_context(cafile=options.sslrootcert)
    except (OSError, ssl.SSLError) as error:
        raise ConfigError(f"loading the CA bundle {options.sslrootcert}: {error}",
                          "Check the sslrootcert path and that it holds PEM certificates") from None
    context.check_hostname = options.sslmode == "verify-full"
    return context


def _server_error_fields(error: Exception) -> tuple[str, str]:
    detail = error.args[0] if error.args else {}
    if isinstance(detail, dict):
        return str(detail.get("C", "")), str(detail.get("M", detail))
    return "", str(error)


def _server_error_in_context(error: BaseException) -> BaseException | None:
    import pg8000.exceptions

    seen = error.__context__
    while seen is not None:
        if isinstance(seen, pg8000.exceptions.DatabaseError):
            return seen
        seen = seen.__context__
    return None


def _tls_reason(error: ssl.SSLError) -> str:
    verify = getattr(error, "verify_message", None)
    if verify:
        return f"certificate verify failed: {verify}"
    return str(error.reason or error)


def translate_error(error: BaseException, operation: str, options: ConnectOptions) -> PgDriftError:
    """Turn a driver or socket exception into a clear PgDriftError (no password in it)."""
    import pg8000.exceptions

    where = options.where
    if isinstance(error, PgDriftError):
        return error
    if isinstance(error, pg8000.exceptions.InterfaceError):
        # pg8000 closes the socket after a FATAL startup error; when the server has already
        # hung up, that close fails and hides the server's message (e.g. "database does not
        # exist") two links down the exception context chain.
        error = _server_error_in_context(error) or error
    cause = error.__cause__ if isinstance(error, pg8000.exceptions.InterfaceError) else error
    if isinstance(cause, socket.gaierror):
        return ConnectError(f"{operation}: unknown host {options.host!r}",
                            "Check the host name in the DSN and DNS resolution from this network")
    if isinstance(cause, ConnectionRefusedError):
        return ConnectError(f"{operation}: connection refused by {where}",
                            "Check that PostgreSQL is running there and the port and security groups allow it")
    if isinstance(cause, (TimeoutError, socket.timeout)):
        return QueryTimeout(f"{operation}: no answer from {where} within {options.connect_timeout:g} s",
                            "Check the network path (VPC, security group) or raise connect_timeout")
    if isinstance(cause, ssl.SSLError):  # an OSError too, so it must be told apart first
        return ConnectError(f"{operation}: TLS handshake with {where} failed: {_tls_reason(cause)}",
                            "Check sslrootcert (the RDS CA bundle) and that the host name matches the certificate")
    if isinstance(cause, (FileNotFoundError, OSError)) and not isinstance(error, pg8000.exceptions.DatabaseError):
        return ConnectError(f"{operation}: cannot reach {where}: {cause.strerror or cause}",
                            "Check that PostgreSQL is running and the socket path or host is right")
    if isinstance(error, pg8000.exceptions.DatabaseError):
        code, message = _server_error_fields(error)
        return _translate_server_error(code, message, operation, options)
    if isinstance(error, pg8000.exceptions.InterfaceError):
        text = str(error)
        if "refuses SSL" in text:
            return ConnectError(f"{operation}: {where} does not offer TLS but sslmode={options.sslmode}",
                                "Enable TLS on the server or, knowingly, use sslmode=disable")
        return ConnectError(f"{operation}: {text}", "Check the DSN and that the server is reachable")
    return CatalogError(f"{operation}: {type(error).__name__}: {error}")


def _translate_server_error(code: str, message: str, operation: str, options: ConnectOptions) -> PgDriftError:
    if code in ("28P01", "28000"):
        return AuthenticationError(f"{operation}: authentication failed for user {options.user!r}: {message}",
                                   "Check the user name and password (the secret) and pg_hba.conf")
    if code == "53300":  # the server's max_connections or the role's CONNECTION LIMIT
        return TooManyConnections(f"{operation}: {message} ({code})",
                                  "Keep the monitor's reserved concurrency x 2 connections within the role's "
                                  "CONNECTION LIMIT (see docs/monitor.md, 'When things fail')")
    if code == "3D000":
        return ConnectError(f"{operation}: database {options.database!r} does not exist on {options.where}",
                            "Check the database name in the DSN or secret")
    if code == "42501":
        return PermissionDenied(f"{operation}: permission denied: {message}",
                                "Grant the monitoring role what `pgdrift grant-sql` prints")
    if code == "57014":
        return QueryTimeout(f"{operation}: cancelled by statement_timeout ({options.statement_timeout_ms} ms)",
                            "Raise statement_timeout or check for a busy server")
    if code == "55P03":
        return LockTimeout(f"{operation}: lock_timeout ({options.lock_timeout_ms} ms) expired while a "
                            "DDL (a migration?) held a lock on the objects being read",
                            "Retry after the migration finishes; pgdrift never waits longer than lock_timeout")
    if code.startswith("08") or code in ("57P01", "57P03"):
        return ConnectError(f"{operation}: {message} ({code})", "Check that the server is up and accepting connections")
    return CatalogError(f"{operation}: {message} ({code})" if code else f"{operation}: {message}")


# No parallel workers: each starts with cold catalog caches, so the deparse-heavy catalog
# queries cost the server ~13% more CPU with them (issue 2 benchmark), and a monitor should
# not take worker slots from the application on its primary.
_SESSION_SETTINGS = (
    "SELECT set_config('statement_timeout', :statement_timeout, false), "
    "set_config('lock_timeout', :lock_timeout, false), "
    "set_config('idle_in_transaction_session_timeout', :idle_timeout, false), "
    "set_config('search_path', 'pg_catalog', false), "
    "set_config('DateStyle', 'ISO, MDY', false), "
    "set_config('IntervalStyle', 'postgres', false), "
    "set_config('TimeZone', 'UTC', false), "
    "set_config('extra_float_digits', '3', false), "
    "set_config('max_parallel_workers_per_gather', '0', false)"
)


START_TRANSACTION = "START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"


def connect_plain(options: ConnectOptions) -> Any:
    """A pg8000 connection with the DSN's TLS, timeout and application name, and nothing else:
    no session settings, no transaction (for CREATE DATABASE and scripts; catalog reads use
    `open_session`)."""
    import pg8000.native

    unix_sock = f"{options.unix_socket_dir}/.s.PGSQL.{options.port}" if options.unix_socket_dir else None
    return pg8000.native.Connection(
        options.user,
        host=options.host or "localhost",
        port=options.port,
        database=options.database,
        password=options.password,
        unix_sock=unix_sock,
        ssl_context=ssl_context_for(options),
        timeout=options.connect_timeout,
        application_name=APPLICATION_NAME,
    )


def open_session(options: ConnectOptions) -> Any:
    """Connect and start a read-only, repeatable-read transaction with safe timeouts.

    Repeatable read gives every catalog query the same MVCC snapshot, so the kinds agree with
    each other. The search_path is pg_catalog alone so that format_type(), pg_get_indexdef()
    and friends schema-qualify every user object the same way on every server; DateStyle and
    friends are fixed so that defaults deparse the same everywhere.
    """
    operation = f"connecting to database {options.database!r} at {options.where} as {options.user!r}"
    try:
        connection = connect_plain(options)
        # The connect timeout bounds the handshake; afterwards the server's statement_timeout
        # is the limit, so the socket may wait a little longer than that before giving up.
        raw_socket = getattr(connection, "_usock", None)
        if raw_socket is not None:
            raw_socket.settimeout(options.statement_timeout_ms / 1000 + options.connect_timeout)
        connection.run(_SESSION_SETTINGS, statement_timeout=str(options.statement_timeout_ms),
                       lock_timeout=str(options.lock_timeout_ms),
                       idle_timeout=str(max(options.statement_timeout_ms * 2, 60_000)))
        connection.run(START_TRANSACTION)
    except Exception as error:
        raise translate_error(error, operation, options) from None
    return connection
