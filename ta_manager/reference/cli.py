"""`ta-manager match-state NAME...`: how the importer and the API read State names."""

from __future__ import annotations

import click

from ta_manager.cli.runtime import run_with_database
from ta_manager.reference.un_states import LANGUAGES


@click.command("match-state")
@click.argument("names", nargs=-1, required=True)
@click.option("--current", is_flag=True, help="Refuse former-name entries (a current State).")
@click.option(
    "--accept-close-matches", is_flag=True, help="Accept a clear close match, as imports can."
)
@click.option(
    "--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Names in."
)
def match_state_command(
    names: tuple[str, ...], current: bool, accept_close_matches: bool, lang: str
) -> None:
    """Show which State each NAME is read as (codes, UN names in English, French or Spanish,
    aliases), or why it is refused (former names, ambiguous, unknown with the closest names).
    Exits 1 when any name is refused."""
    from ta_manager.reference.country_names import StateNameError, state_names

    async def work() -> list[tuple[str, bool]]:
        table = await state_names()
        lines = []
        for name in names:
            try:
                found = table.match(name, current_only=current, accept_close=accept_close_matches)
            except StateNameError as exc:
                lines.append((f"{name!r}: {exc}", False))
                continue
            shown = table.name(found.iso3, lang)
            lines.append(
                (f"{name!r} -> {shown} ({found.iso3}), {_status(found.status)} [{found.how}]", True)
            )
        return lines

    refused = False
    for line, ok in run_with_database(work):
        click.echo(line, err=not ok)
        refused = refused or not ok
    if refused:
        raise SystemExit(1)


def _status(status: str) -> str:
    return status.replace("_", " ")


COMMANDS: list[click.Command] = [match_state_command]
