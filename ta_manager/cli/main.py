"""Entry point of the `ta-manager` command; each concept registers its commands here."""

from __future__ import annotations

import logging
import warnings
from typing import Any

import click

from importers.cli import COMMANDS as IMPORT_COMMANDS
from reports.cli import COMMANDS as REPORT_COMMANDS
from ta_manager import __version__
from ta_manager.accounts.cli import COMMANDS as ACCOUNT_COMMANDS
from ta_manager.activities.cli import COMMANDS as ACTIVITY_COMMANDS
from ta_manager.cli.database import migrate_command, seed_command
from ta_manager.cli.demo import demo_command
from ta_manager.cli.serve import serve_command
from ta_manager.iati.cli import COMMANDS as IATI_COMMANDS
from ta_manager.jobs.cli import COMMANDS as JOB_COMMANDS
from ta_manager.proposals.cli import COMMANDS as PROPOSAL_COMMANDS
from ta_manager.reference.cli import COMMANDS as REFERENCE_COMMANDS


class Commands(click.Group):
    """The command group; a file error anywhere is one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if not exc.filename:
                raise
            raise click.ClickException(f"{exc.filename}: {exc.strerror or exc}") from exc


@click.group(cls=Commands)
@click.version_option(__version__, prog_name="ta-manager")
def cli() -> None:
    """ta-manager: technical assistance needs, activities, beneficiaries and funding."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # A lost database is reported in one line (ta_manager.cli.runtime), not by the driver's
    # reconnection warnings with their tracebacks.
    logging.getLogger("asyncpg").setLevel(logging.ERROR)
    # pgserver asks platformdirs for a runtime dir it never needs; the fallback is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


cli.add_command(serve_command)
cli.add_command(migrate_command)
cli.add_command(seed_command)
cli.add_command(demo_command)
for part_commands in (
    ACCOUNT_COMMANDS,
    ACTIVITY_COMMANDS,
    IMPORT_COMMANDS,
    REPORT_COMMANDS,
    PROPOSAL_COMMANDS,
    JOB_COMMANDS,
    IATI_COMMANDS,
    REFERENCE_COMMANDS,
):
    for command in part_commands:
        cli.add_command(command)


if __name__ == "__main__":
    cli()
