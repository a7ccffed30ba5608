"""Commands that set up the database: migrate and seed."""

from __future__ import annotations

import click

from ta_manager.cli.runtime import run_with_database
from ta_manager.database.migrate import migrate
from ta_manager.reference.seed import seed_reference


@click.command("migrate")
def migrate_command() -> None:
    """Apply pending database migrations."""

    async def work() -> None:
        await migrate(quiet=True)

    run_with_database(work)
    click.echo("database is up to date")


@click.command("seed")
def seed_command() -> None:
    """Load reference data (States, regions, instruments, priority areas, codelists)."""

    async def work() -> None:
        await migrate()
        await seed_reference()

    run_with_database(work)
    click.echo("reference data loaded")
