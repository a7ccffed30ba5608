"""`ta-manager import KIND FILE` and `ta-manager template KIND --out F.xlsx`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from importers.kinds import KINDS
from ta_manager.cli.params import OUTPUT_FILE, chosen_language, lang_option, write_file

# `iati` reads an IATI 2.03 activity file (ta_manager.iati.importer), not a spreadsheet.
SPREADSHEET_KINDS = [*sorted(KINDS), *sorted(k.replace("-", "_") for k in KINDS if "-" in k)]
KIND_CHOICE = click.Choice([*SPREADSHEET_KINDS, "iati"])
TEMPLATE_CHOICE = click.Choice(SPREADSHEET_KINDS)
SHOWN_PROBLEMS = 50


@click.command("import")
@click.argument("kind", type=KIND_CHOICE)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
@click.option(
    "--errors-out",
    type=OUTPUT_FILE,
    default=None,
    help="On failure, write the file back here with bad cells highlighted and explained.",
)
@click.option(
    "--accept-close-matches",
    is_flag=True,
    help="Take a misspelt State name ('Benim') as the one State clearly closest to it; "
    "each such reading is listed as a warning.",
)
def import_command(
    kind: str, file: Path, dry_run: bool, errors_out: Path | None, accept_close_matches: bool
) -> None:
    """Import a workbook (.xlsx) or CSV file of KIND, all-or-nothing (KIND iati: an IATI
    2.03 activity file, .xml)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if kind == "iati":
        from ta_manager.iati.cli import import_iati_file

        import_iati_file(file, dry_run)
        return

    from importers.error_workbook import error_workbook
    from importers.service import ImportRejected, ImportSummary, import_file
    from ta_manager.cli.runtime import run_with_database

    data = file.read_bytes()
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    bar = Progress(*columns, transient=True, disable=not _on_terminal())
    task = bar.add_task("reading", total=None)

    def progress(step: str, done: int, total: int) -> None:
        bar.update(task, description=step, completed=done, total=total or None)

    async def work() -> ImportSummary | ImportRejected:
        try:
            return await import_file(
                kind,
                data,
                file.name,
                dry_run=dry_run,
                progress=progress,
                accept_close_matches=accept_close_matches,
            )
        except ImportRejected as exc:
            return exc

    with bar:
        outcome = run_with_database(work)
    if isinstance(outcome, ImportRejected):
        click.echo(f"{file.name}: rejected, nothing was written.", err=True)
        for p in outcome.problems[:SHOWN_PROBLEMS]:
            click.echo(f"  {p}", err=True)
        more = len(outcome.problems) + outcome.dropped - SHOWN_PROBLEMS
        if more > 0:
            click.echo(f"  ... and {more} more", err=True)
        if errors_out is not None:
            write_file(errors_out, error_workbook(data, outcome.table, outcome.problems))
            click.echo(f"Marked-up file written to {errors_out}", err=True)
        raise SystemExit(1)
    _echo_summary(outcome, file.name)


def _on_terminal() -> bool:
    import sys

    return sys.stderr.isatty()


def _echo_summary(summary: Any, name: str) -> None:
    click.echo(
        f"{name} ({summary.kind}, sheet {summary.sheet!r}): {summary.rows:,} rows:"
        f" {summary.new:,} new, {summary.updated:,} updated, {summary.unchanged:,} unchanged."
        + (" Dry run: nothing was written." if summary.dry_run else "")
    )
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for change in summary.changes[:SHOWN_PROBLEMS]:
        if change["action"] == "updated":
            key = ", ".join(f"{v}" for v in change["key"].values())
            click.echo(f"  row {change['row']} ({key}): {', '.join(change['fields'])}")


@click.command("template")
@click.argument("kind", type=TEMPLATE_CHOICE)
@click.option("--out", type=OUTPUT_FILE, required=True, help="F.xlsx")
@lang_option()
def template_command(kind: str, out: Path, lang: str | None) -> None:
    """Write the .xlsx template of KIND: header, example row, drop-downs, instructions."""
    from importers.templates import template
    from ta_manager.cli.runtime import run_with_database

    language = chosen_language(lang)
    write_file(out, run_with_database(lambda: template(kind, lang=language)))
    click.echo(f"Template for {kind} written to {out}")


COMMANDS: list[click.Command] = [import_command, template_command]
