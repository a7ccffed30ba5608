"""`ta-manager serve`: migrate, seed, load demo data on first start, then serve HTTP."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from ta_manager.cli.runtime import run_with_database, settings_or_exit


async def prepare(load_demo: bool) -> bool:
    """Migrate and seed; load the demo data set when the database has no activities yet."""
    from ta_manager.database import sql
    from ta_manager.database.migrate import migrate
    from ta_manager.demo.loader import load_demo as load
    from ta_manager.reference.seed import seed_reference

    await migrate()
    await seed_reference()
    if load_demo and not await sql.fetchval("SELECT EXISTS (SELECT 1 FROM activity)"):
        await load()
        return True
    return False


async def first_administrator(email: str | None, password: str | None) -> None:
    """On the very first start (no users), create an administrator and say how to log in."""
    from ta_manager.accounts.first_admin import ensure_first_admin
    from ta_manager.audit.actor import acting_as, command_line_actor

    with acting_as(command_line_actor()):
        admin = await ensure_first_admin(email, password)
    if admin is None:
        return
    click.echo(f"created the first administrator: {admin.email}")
    if admin.password:
        click.echo(f"one-time password (shown only now): {admin.password}")
        click.echo(
            "change it after logging in (POST /api/v1/auth/password) or with:"
            f" ta-manager user set-password --email {admin.email}"
        )


def remember_secret_key(data_dir: Path) -> None:
    """Without TA_SECRET_KEY, keep one key in TA_DATA_DIR so logins survive a restart of
    `make run` (a random key per process would sign everybody out)."""
    if os.environ.get("TA_SECRET_KEY"):
        return
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    os.environ["TA_SECRET_KEY"] = path.read_text(encoding="utf-8").strip()


@click.command("serve")
@click.option(
    "--init/--no-init",
    default=True,
    show_default=True,
    help="Migrate, seed reference data and load demo data into an empty database first.",
)
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="With --init: load the demo data set when there are no activities yet.",
)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve_command(init: bool, demo: bool, reload: bool) -> None:
    """Serve the HTTP API on TA_HOST:TA_PORT (default http://127.0.0.1:8000)."""
    import uvicorn

    settings = settings_or_exit()
    if settings.embedded:
        remember_secret_key(settings.data_dir)
    if init:

        async def first_start() -> bool:
            loaded = await prepare(demo)
            await first_administrator(settings.admin_email, settings.admin_password)
            return loaded

        if run_with_database(first_start):
            click.echo("loaded the demo data set (first start)")
    where = (
        "embedded PostgreSQL in " + str(settings.data_dir) if settings.embedded else "DATABASE_URL"
    )
    click.echo(f"ta-manager on http://{settings.host}:{settings.port} (database: {where})")
    click.echo(f"API docs: http://{settings.host}:{settings.port}/schema")
    uvicorn.run(
        "ta_manager.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        reload=reload,
        # The app reads X-Forwarded-For itself, from TA_TRUSTED_PROXIES only; uvicorn would
        # believe it from any local peer and hide the real one.
        proxy_headers=False,
    )
