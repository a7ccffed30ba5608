"""`ta-manager user ...`: create accounts and set passwords from the command line (audited)."""

from __future__ import annotations

from typing import Any

import click

from ta_manager.accounts.roles import ROLES
from ta_manager.audit import trail
from ta_manager.cli.runtime import run_with_database

# Every command's record writes (imports, demo data, ...) leave audit records.
trail.install()


def _as_cli(work: Any) -> Any:
    from ta_manager.audit.actor import acting_as, command_line_actor

    async def run() -> Any:
        with acting_as(command_line_actor()):
            return await work()

    return run


@click.group("user")
def user_group() -> None:
    """Manage user accounts."""


@user_group.command("create")
@click.option("--email", required=True, help="Login e-mail (unique, case-insensitive).")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The user's role.")
@click.option("--donor", default=None, help="Donor organization code (required for --role donor).")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option(
    "--password",
    default=None,
    help="Initial password (at least 10 characters); omitted: a random one is printed.",
)
@click.option("--region", "regions", multiple=True, help="Limit an officer to this region.")
@click.option("--project", "projects", multiple=True, help="Limit an officer to this project.")
def create_command(
    email: str,
    role: str,
    donor: str | None,
    display_name: str,
    password: str | None,
    regions: tuple[str, ...],
    projects: tuple[str, ...],
) -> None:
    """Create a user account."""
    from ta_manager.accounts import passwords, users

    generated = None if password else passwords.generate()

    async def work() -> dict[str, Any]:
        return await users.create_user(
            email,
            role,
            display_name=display_name,
            donor=donor,
            password=password or generated,
            regions=regions,
            projects=projects,
        )

    user = run_with_database(_as_cli(work))
    donor_note = f" for {user['donor']}" if user["donor"] else ""
    click.echo(f"created {user['role']} {user['email']}{donor_note} (id {user['id']})")
    if generated:
        click.echo(f"one-time password: {generated}")


@user_group.command("set-password")
@click.option("--email", required=True, help="The user's e-mail.")
@click.option(
    "--password",
    default=None,
    help="The new password (at least 10 characters); omitted: a random one is printed.",
)
def set_password_command(email: str, password: str | None) -> None:
    """Set a user's password; the user's open sessions end."""
    from ta_manager.accounts import passwords, users

    generated = None if password else passwords.generate()

    async def work() -> dict[str, Any]:
        return await users.set_password(email, password or generated or "")

    user = run_with_database(_as_cli(work))
    click.echo(f"password set for {user['email']}")
    if generated:
        click.echo(f"new password: {generated}")


@user_group.command("list")
def list_command() -> None:
    """List user accounts."""
    from ta_manager.accounts import users

    rows, _ = run_with_database(lambda: users.list_users(limit=1000))
    for r in rows:
        state = "" if r["active"] else " (disabled)"
        donor = f" [{r['donor']}]" if r["donor"] else ""
        click.echo(f"{r['id']:>5}  {r['role']:<12} {r['email']}{donor}{state}")


COMMANDS: list[click.Command] = [user_group]
