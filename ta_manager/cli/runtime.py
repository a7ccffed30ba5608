"""What every command needs: settings, a database connection, and clean shutdown.

A command whose database dies mid-way must not hang: asyncpg can wait forever on a
connection to a server that is gone (a COPY in flight, a pool refilling itself, a graceful
close). So while the command works a watchdog checks the server (the embedded one's
process, or a query on a connection of its own for DATABASE_URL); when it is gone the
command is stopped and exits with status 1 and one line, within seconds. Its transaction
never committed, so nothing was written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import click

from ta_manager.database import embedded, engine, sql
from ta_manager.database.embedded import EmbeddedDatabaseError, resolve_dsn_async
from ta_manager.database.engine import database_unavailable
from ta_manager.errors import DomainError
from ta_manager.settings import Settings, SettingsError, get_settings

T = TypeVar("T")
CLOSE_SECONDS = 5.0  # longest wait for the pool to close or the work to stop
WATCH_SECONDS = 1.0  # how often the watchdog looks at the server
PING_TIMEOUT = 5.0


class DatabaseLost(Exception):
    """The database went away while the command was working."""


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


async def connect(settings: Settings) -> str:
    os.environ.setdefault("PICCOLO_CONF", "ta_manager.piccolo_conf")
    dsn = await resolve_dsn_async(
        settings.database_url, settings.data_dir, settings.db_start_seconds
    )
    engine.configure(dsn)
    # min_size=0: no background refill that would keep reconnecting to a dead server
    await engine.open_pool(min_size=0, max_size=4)
    await sql.fetchval("SELECT 1")  # unreachable, unknown database, bad password: now
    return dsn


async def disconnect(lost: bool) -> None:
    """Close the pool; never wait long for a server that is gone (asyncpg's graceful close
    waits for every connection, and warns for minutes when the server died)."""
    if lost:
        engine.terminate_pool()
        return
    try:
        await asyncio.wait_for(engine.close_pool(), CLOSE_SECONDS)
    except (TimeoutError, OSError, asyncpg.InterfaceError):
        engine.terminate_pool()


async def watch_database(settings: Settings, dsn: str) -> str:
    """Return (with the reason) once the database is gone; run until cancelled otherwise."""
    if settings.embedded:
        pgdata = settings.data_dir.expanduser().resolve() / "pgdata"
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            if embedded.server_status(pgdata) is None:
                return "the embedded PostgreSQL server stopped"
    conn = await asyncpg.connect(dsn, timeout=PING_TIMEOUT)
    try:
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await asyncio.wait_for(conn.fetchval("SELECT 1"), PING_TIMEOUT)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                return " ".join(str(exc).split()) or type(exc).__name__
    finally:
        conn.terminate()


async def _work_while_alive(settings: Settings, dsn: str, work: Callable[[], Awaitable[T]]) -> T:
    task = asyncio.ensure_future(work())
    watchdog = asyncio.ensure_future(watch_database(settings, dsn))
    await asyncio.wait({task, watchdog}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        watchdog.cancel()
        with contextlib.suppress(BaseException):
            await watchdog
        return task.result()
    reason = watchdog.result() if not watchdog.exception() else str(watchdog.exception())
    task.cancel()
    await asyncio.wait({task}, timeout=CLOSE_SECONDS)  # a hung driver call is left behind
    _forget(task)
    raise DatabaseLost(reason)


def _forget(task: asyncio.Future[Any]) -> None:
    """Mark a task's failure as seen: the command reports the lost database itself."""
    if task.done() and not task.cancelled():
        task.exception()


def _where(settings: Settings) -> str:
    if settings.database_url:
        return "DATABASE_URL"
    return f"the embedded server in {settings.data_dir}"


def _run(coroutine: Awaitable[T]) -> T:
    """asyncio.run, except that tasks still hanging on a dead connection at the end are
    not waited for (asyncio.run would wait for them forever)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=CLOSE_SECONDS))
            for t in pending:
                _forget(t)
        with contextlib.suppress(Exception):
            loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def run_with_database(work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` connected to the configured database; domain errors become CLI errors,
    and a database that cannot be reached, or is lost mid-way, a one-line message (the
    command exits with status 1 within seconds; its transaction was rolled back)."""
    settings = settings_or_exit()
    connected = False

    async def main() -> T:
        nonlocal connected
        dsn = await connect(settings)
        connected = True
        lost = False
        try:
            return await _work_while_alive(settings, dsn, work)
        except BaseException as exc:
            lost = isinstance(exc, DatabaseLost) or database_unavailable(exc)
            raise
        finally:
            await disconnect(lost)

    try:
        return _run(main())
    except BaseException as exc:
        lost = isinstance(exc, DatabaseLost) or (connected and database_unavailable(exc))
        if lost and settings.embedded:
            _quiet_embedded_shutdown()
        raise_cli_error(exc, settings, connected)
        raise


def _quiet_embedded_shutdown() -> None:
    """The embedded server died: pgserver's attempt to stop it at exit would print a
    traceback after our one-line message. Say nothing instead."""
    logging.getLogger("pgserver").setLevel(logging.CRITICAL)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # tasks left on the dead server
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if getattr(unraisable.exc_type, "__module__", "").startswith("psutil"):
            return
        previous(unraisable)

    sys.unraisablehook = hook


def raise_cli_error(exc: BaseException, settings: Settings, connected: bool) -> None:
    """Turn what a command's work raised into a one-line CLI error, where there is one."""
    if isinstance(exc, EmbeddedDatabaseError):
        raise click.ClickException(str(exc)) from exc
    if isinstance(exc, DatabaseLost) or (
        isinstance(exc, OSError | asyncpg.PostgresError | asyncpg.InterfaceError)
        and (not connected or database_unavailable(exc))
    ):
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if connected:
            raise click.ClickException(
                f"lost the connection to the database ({_where(settings)}): {reason};"
                " nothing was written"
            ) from exc
        raise click.ClickException(
            f"cannot use the database ({_where(settings)}): {reason}"
        ) from exc
    if isinstance(exc, OSError) and exc.filename:  # a file the command reads or writes
        raise click.ClickException(f"{exc.filename}: {exc.strerror or exc}") from exc
    if isinstance(exc, DomainError):
        lines = [exc.detail] + [f"  {e.field}: {e.reason}" for e in exc.errors[1:]]
        raise click.ClickException("\n".join(lines)) from exc


def echo_json(value: Any) -> None:
    import msgspec

    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())
