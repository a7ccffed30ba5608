"""`ta-manager user ...`: create accounts and set passwords from the command line (audited)."""

from __future__ import annotations

from typing import Any

import click

from ta_manager.accounts.roles import ROLES
from ta_manager.audit import trail
from ta_manager.cli.params import new_password, refuse_password_in_argv
from ta_manager.cli.runtime import run_with_database

PASSWORD_STDIN = click.option(
    "--password-stdin",
    "password_stdin",
    is_flag=True,
    help="Read the password from standard input (for scripts: printf '%s' \"$PW\" | ...).",
)
PASSWORD_IN_ARGV = click.option(
    "--password",
    expose_value=False,
    hidden=True,
    callback=refuse_password_in_argv,
    help="Refused: a password on the command line lands in the shell history.",
)

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
@PASSWORD_STDIN
@PASSWORD_IN_ARGV
@click.option("--region", "regions", multiple=True, help="Limit an officer to this region.")
@click.option("--project", "projects", multiple=True, help="Limit an officer to this project.")
def create_command(
    email: str,
    role: str,
    donor: str | None,
    display_name: str,
    password_stdin: bool,
    regions: tuple[str, ...],
    projects: tuple[str, ...],
) -> None:
    """Create a user account. The initial password is asked for (hidden), read from standard
    input with --password-stdin, or else generated and printed once."""
    from ta_manager.accounts import passwords, users

    password = new_password(password_stdin)
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
@PASSWORD_STDIN
@PASSWORD_IN_ARGV
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a user's password (asked for, hidden; or --password-stdin; or else a random one
    is printed); the user's open sessions end."""
    from ta_manager.accounts import passwords, users

    password = new_password(password_stdin)
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
