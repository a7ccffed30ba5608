"""What every command needs: settings, a database connection, and clean shutdown."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import click

from ta_manager.database import engine
from ta_manager.database.embedded import resolve_dsn_async
from ta_manager.errors import DomainError
from ta_manager.settings import Settings, SettingsError, get_settings

T = TypeVar("T")


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


async def connect(settings: Settings) -> None:
    os.environ.setdefault("PICCOLO_CONF", "ta_manager.piccolo_conf")
    dsn = await resolve_dsn_async(settings.database_url, settings.data_dir)
    engine.configure(dsn)
    await engine.open_pool(min_size=1, max_size=4)


def run_with_database(work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` connected to the configured database; domain errors become CLI errors."""
    settings = settings_or_exit()

    async def main() -> T:
        await connect(settings)
        try:
            return await work()
        finally:
            await engine.close_pool()

    try:
        return asyncio.run(main())
    except (
        OSError,
        asyncpg.PostgresConnectionError,
        asyncpg.InvalidCatalogNameError,
        asyncpg.InvalidAuthorizationSpecificationError,
    ) as exc:
        where = (
            "DATABASE_URL"
            if settings.database_url
            else f"the embedded server in {settings.data_dir}"
        )
        raise click.ClickException(f"cannot use the database ({where}): {exc}") from exc
    except DomainError as exc:
        lines = [exc.detail] + [f"  {e.field}: {e.reason}" for e in exc.errors[1:]]
        raise click.ClickException("\n".join(lines)) from exc


def echo_json(value: Any) -> None:
    import msgspec

    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())
