"""The replay's child process: the only place where the project's own code runs.

`pgdrift expected build` starts `python -m pgdrift.migrations.replay_child REPLY_FD` with an environment
fixed from its start (the scratch URL in `PGDRIFT_SCRATCH_URL` and every `--url-env` name), so
an application that reads its database URL when first imported can only read the scratch one.
The guard (`replay_guard`) is installed before the Alembic configuration is read and before any
migration module is imported. The child then answers the parent, one JSON line per request:

    stdin  (one job, then commands)   replies on REPLY_FD
    {"job": ...}                       {"graph": [...], "heads": [...], "where": {...}}
    {"bootstrap": "module:attr"}       {"ok": true}
    {"upgrade": "rev"}                 {"ok": true, "seconds": 0.12, "version_table": "alembic_version",
                                        "statements": ["CREATE TABLE ...", ...]}
    (end of input)                     (exit 0)

Any failure is one reply, {"failure": {...facts...}}, and exit 1. The parent reads the schema
and the version table itself, with its own driver: nothing the project does can fake them.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import IO, Any

from pgdrift.errors import PgDriftError
from pgdrift.migrations import replay_guard

#: Frames in these packages are not where a project's Python error is.
_LIBRARY_PARTS = ("/sqlalchemy/", "/alembic/", "/pgdrift/", "/asyncio/", "/threading.py", "/concurrent/",
                  "<frozen", "/importlib/", "/pg8000/", "/asyncpg/", "/psycopg/", "/psycopg2/", "/greenlet/")


class ChildSession:
    """The project's Alembic configuration and scripts, loaded once, upgraded one revision at a time."""

    def __init__(self, job: dict[str, Any], guard: replay_guard.Guard) -> None:
        from pgdrift.migrations import replay as alembic_replay
        self.job = job
        self.guard = guard
        self.config = alembic_replay.load_config(job["alembic_ini"])
        alembic_replay.apply_locations(self.config, job.get("script_location"), job.get("version_locations", ()))
        # configparser interpolation: a literal % must be doubled in option values.
        self.config.set_main_option("sqlalchemy.url", job["scratch_url"].replace("%", "%%"))
        self.scripts = alembic_replay.script_directory(self.config)
        _share_ddl_memo()
        self.graph = alembic_replay.read_graph(self.scripts)
        self.where = alembic_replay.where_alembic_looked(self.config, self.scripts)

    def graph_reply(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {"graph": [asdict(revision) for revision in self.graph], "heads": list(self.scripts.get_heads()),
                "where": self.where}

    def bootstrap(self, target: str) -> None:
        """`metadata.create_all()` of the application's metadata, as the application does before migrating."""
        import importlib

        from sqlalchemy import create_engine, pool

        module_name, _, attribute = target.partition(":")
        value: Any = importlib.import_module(module_name)
        for part in (attribute or "metadata").split("."):
            value = getattr(value, part)
        metadata = getattr(value, "metadata", value)  # a declarative Base or a MetaData
        url = replay_guard.with_driver(self.job["scratch_url"], "pg8000")
        engine = create_engine(url, poolclass=pool.NullPool)
        try:
            metadata.create_all(engine)
        finally:
            engine.dispose()

    def upgrade(self, revision: str) -> dict[str, Any]:
        self.guard.recorder.take()  # nothing sent before this revision is its
        started = time.perf_counter()
        context = RUNNERS[self.job.get("run_env") or "direct"](self, revision)
        seconds = time.perf_counter() - started
        if self.guard.refused:  # the project caught our refusal and went on
            raise replay_guard.ForeignDatabaseRefused(f"env.py or the application asked for an engine on "
                                                      f"{self.guard.refused[0]}, and pgdrift refused it")
        table = context.version_table if context is not None else "alembic_version"
        schema = context.version_table_schema if context is not None else None
        return {"ok": True, "seconds": seconds, "version_table": f"{schema}.{table}" if schema else table,
                "statements": self.guard.recorder.take()}

    def run_env(self, revision: str) -> Any:
        """`alembic upgrade <revision>`, as `alembic.command.upgrade` does it, but with the one
        ScriptDirectory already loaded: reloading every migration module per step would make the
        replay quadratic in the number of revisions. Returns the MigrationContext env.py made."""
        from alembic.runtime.environment import EnvironmentContext

        scripts = self.scripts
        recorder = self.guard.recorder

        def upgrade(heads: Any, context: Any) -> Any:
            steps = scripts._upgrade_revs(revision, heads)
            for step in steps:  # record what upgrade() sends, not Alembic's version-table updates
                step.migration_fn = recorder.around(step.migration_fn)
            return steps

        with EnvironmentContext(self.config, scripts, fn=upgrade, as_sql=False, destination_rev=revision) as env:
            scripts.run_env()
            return env._migration_context


def _share_ddl_memo() -> None:
    """One DDL memo for the whole replay, as `alembic upgrade head` has in one go.

    Alembic's impl keeps a memo of the named types (PostgreSQL enums) created so far, and
    SQLAlchemy skips a CREATE TYPE it names. In one `alembic upgrade head` there is one impl, so a
    later revision's `sa.Enum(..., name="x")` reuses the type an earlier one created; replayed one
    revision at a time, each run had a fresh memo and failed with "type x already exists"
    (optuna's v2.4.0.a, issue 13).
    """
    from alembic.ddl.impl import DefaultImpl

    memo: dict[str, Any] = {}
    original = DefaultImpl.__init__

    def init_with_shared_memo(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.memo = memo

    DefaultImpl.__init__ = init_with_shared_memo  # type: ignore[method-assign]


def _run_direct(session: ChildSession, revision: str) -> Any:
    return session.run_env(revision)


def _run_in_thread(session: ChildSession, revision: str) -> Any:
    """As applications that call `command.upgrade` from a worker thread (`asyncio.to_thread`)."""
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(session.run_env(revision))
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=work, name="pgdrift-replay-worker")
    worker.start()
    worker.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _run_with_connection(session: ChildSession, revision: str) -> Any:
    """Alembic's cookbook "sharing a connection": env.py reads config.attributes["connection"]."""
    from sqlalchemy import create_engine, pool

    url = replay_guard.with_driver(session.job["scratch_url"], "pg8000")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            session.config.attributes["connection"] = connection
            return session.run_env(revision)
    finally:
        session.config.attributes.pop("connection", None)
        engine.dispose()


def _run_in_event_loop(session: ChildSession, revision: str) -> Any:
    """Alembic's cookbook "programmatic use with asyncio": inside a running event loop, an async
    connection's `run_sync` hands env.py a connection in config.attributes["connection"]."""
    from sqlalchemy import pool
    from sqlalchemy.ext.asyncio import create_async_engine

    async def run() -> Any:
        engine = create_async_engine(session.job["scratch_url"], poolclass=pool.NullPool)
        try:
            async with engine.begin() as connection:
                def in_sync(sync_connection: Any) -> Any:
                    session.config.attributes["connection"] = sync_connection
                    return session.run_env(revision)

                return await connection.run_sync(in_sync)
        finally:
            session.config.attributes.pop("connection", None)
            await engine.dispose()

    return asyncio.run(run())


RUNNERS: dict[str, Callable[[ChildSession, str], Any]] = {
    "direct": _run_direct,
    "thread": _run_in_thread,
    "connection": _run_with_connection,
    "loop": _run_in_event_loop,
}


def failure_facts(error: BaseException, guard: replay_guard.Guard | None) -> dict[str, Any]:
    """What the parent needs to classify a failure: the exception, the server's error, where."""
    facts: dict[str, Any] = {"type": type(error).__name__, "text": _first_line(error),
                             "refused": list(guard.refused) if guard else []}
    if isinstance(error, PgDriftError):
        facts.update(pgdrift_error=type(error).__name__, message=str(error.args[0]) if error.args else "",
                     remedy=error.remedy)
    if isinstance(error, KeyError) and error.args:
        facts["key"] = str(error.args[0])
    sqlstate, message = _server_error(error)
    if sqlstate:
        facts.update(sqlstate=sqlstate, server_message=message)
    facts["location"] = _project_location(error)
    return facts


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _server_error(error: BaseException) -> tuple[str | None, str | None]:
    """The SQLSTATE and primary message of a PostgreSQL error, whichever driver raised it."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        detail = current.args[0] if current.args else None
        if isinstance(detail, dict) and "C" in detail:  # pg8000
            return str(detail["C"]), str(detail.get("M", ""))
        for attribute in ("sqlstate", "pgcode"):  # asyncpg, psycopg 3; psycopg2
            code = getattr(current, attribute, None)
            if isinstance(code, str) and len(code) == 5:
                diag = getattr(current, "diag", None)
                message = getattr(diag, "message_primary", None) or _first_line(current)
                return code, str(message)
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None, None


def _project_location(error: BaseException) -> str | None:
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if not any(part in frame.filename for part in _LIBRARY_PARTS)]
    if not frames:
        return None
    frame = frames[-1]
    return f"{frame.filename}:{frame.lineno} in {frame.name}"


def serve(job: dict[str, Any], commands: IO[str], reply: Callable[[dict[str, Any]], None]) -> int:
    guard: replay_guard.Guard | None = None
    try:
        # Before anything of the project is imported (the configuration's prepend_sys_path, the
        # migration modules, the application they import).
        guard = replay_guard.install(job["scratch_url"])
        session = ChildSession(job, guard)
        reply(session.graph_reply())
        for line in commands:
            command = json.loads(line)
            if "bootstrap" in command:
                session.bootstrap(command["bootstrap"])
                reply({"ok": True})
            else:
                reply(session.upgrade(command["upgrade"]))
    except BaseException as error:
        reply({"failure": failure_facts(error, guard)})
        return 1
    return 0


def main(argv: list[str]) -> int:
    replies = os.fdopen(int(argv[0]), "w", buffering=1)
    # What the project prints goes to stderr: stdout may be the ledger itself (`-o -`).
    os.dup2(2, 1)

    def reply(message: dict[str, Any]) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    job = json.loads(sys.stdin.readline())
    code = serve(job, sys.stdin, reply)
    replies.close()
    sys.stderr.flush()
    # Everything is answered: skip the interpreter's teardown of the project's modules (0.8 s
    # for mlflow's), which the parent would wait for.
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
