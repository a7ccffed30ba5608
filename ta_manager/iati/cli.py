"""`ta-manager iati export|organisation|validate` (the import is `ta-manager import iati`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

DATE = click.DateTime(formats=["%Y-%m-%d"])
SHOWN = 50


def _write(label: str, out: Path, build: Callable[[IO[bytes], Any], Awaitable[Any]]) -> Any:
    """Write into `out` through a temporary name, with a progress bar on the terminal."""
    from ta_manager.cli.runtime import run_with_database

    partial = out.with_name(out.name + ".partial")
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(f"{label}: reading data", total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"{label}: {step}", completed=done, total=total or None)

        async def work() -> Any:
            with partial.open("wb") as fh:
                return await build(fh, progress)

        try:
            result = run_with_database(work)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(out)
    return result


def _report(out: Path, result: Any, what: str) -> None:
    click.echo(f"wrote {out}: {what}")
    if result.left_out:
        click.echo(
            f"{len(result.left_out)} problems kept records out of the file"
            " (record: field: reason):",
            err=True,
        )
        for item in result.left_out[:SHOWN]:
            click.echo(f"  {item}", err=True)
        if len(result.left_out) > SHOWN:
            click.echo(f"  ... and {len(result.left_out) - SHOWN} more", err=True)


@click.group("iati")
def iati_group() -> None:
    """IATI 2.03 publishing: activity and organisation files, and a validator."""


@iati_group.command("export")
@click.option("--donor", help="Only what this donor's money funded (organization code or id).")
@click.option("--project", multiple=True, help="Project code (with its activities); repeatable.")
@click.option("--from", "date_from", type=DATE, help="Records ending on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", type=DATE, help="Records starting on or before (YYYY-MM-DD).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="F.xml")
def export_command(
    donor: str | None,
    project: tuple[str, ...],
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    out: Path,
) -> None:
    """The activity file (iati-activities 2.03): projects and their activities."""
    from ta_manager.iati.exporter import IatiFilters, export_activities

    filters = IatiFilters(
        donor=donor,
        project=list(project) or None,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
    )

    async def build(fh: IO[bytes], progress: Any) -> Any:
        return await export_activities(filters, fh, progress)

    result = _write("IATI activities", out, build)
    _report(
        out,
        result,
        f"{result.published} iati-activity ({result.projects} projects,"
        f" {result.activities} activities)",
    )


@iati_group.command("organisation")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="F.xml")
def organisation_command(out: Path) -> None:
    """The organisation file (iati-organisations 2.03): budgets and expenditure by year."""
    from ta_manager.iati.organisation import export_organisation

    async def build(fh: IO[bytes], progress: Any) -> Any:
        return await export_organisation(fh, progress)

    result = _write("IATI organisation", out, build)
    _report(out, result, f"budgets of {result.published} projects")


@iati_group.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--max", "shown", type=int, default=200, show_default=True, help="Problems printed at most."
)
def validate_command(file: Path, as_json: bool, shown: int) -> None:
    """Check any IATI 2.03 file against the XSD, the Standard Ruleset and the codelists.

    Exits with status 1 when there is any error (warnings alone exit 0)."""
    from ta_manager.iati.validator import validate

    report = validate(file)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=1))
    else:
        for problem in report.problems[:shown]:
            click.echo(str(problem))
        rest = len(report.problems) - shown + report.dropped
        if rest > 0:
            click.echo(f"... and {rest} more")
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.counts("error").items()))
        click.echo(
            f"{file.name}: {report.file_type or 'not an IATI file'}, {report.records} records:"
            f" {len(report.errors)} errors{f' ({kinds})' if kinds else ''},"
            f" {len(report.warnings)} warnings"
        )
    if report.errors:
        raise SystemExit(1)


COMMANDS: list[click.Command] = [iati_group]


def import_iati_file(file: Path, dry_run: bool) -> None:
    """`ta-manager import iati F.xml [--dry-run]` (called by the import command)."""
    from importers.problems import ImportFailed
    from ta_manager.cli.runtime import run_with_database
    from ta_manager.iati.importer import IatiImportSummary, import_iati

    async def work() -> IatiImportSummary | ImportFailed:
        try:
            return await import_iati(file, file.name, dry_run=dry_run)
        except ImportFailed as exc:
            return exc

    outcome = run_with_database(work)
    if isinstance(outcome, ImportFailed):
        click.echo(f"{file.name}: rejected, nothing was written.", err=True)
        for p in outcome.problems[:SHOWN]:
            where = p.column or ""
            value = f" ({p.value!r})" if p.value not in (None, "") else ""
            click.echo(f"  {where}{value}: {p.reason}" if where else f"  {p.reason}", err=True)
        if len(outcome.problems) > SHOWN:
            click.echo(f"  ... and {len(outcome.problems) - SHOWN} more", err=True)
        raise SystemExit(1)
    s = outcome

    def counted(c: dict[str, int]) -> str:
        return f"{c.get('new', 0)} new, {c.get('updated', 0)} updated"

    click.echo(
        f"{file.name}: {s.records} iati-activity: projects {counted(s.projects)}; activities"
        f" {counted(s.activities)}; {s.organizations} new organizations, {s.sectors} new"
        f" sectors; {s.contributions} contributions, {s.allocations} allocations,"
        f" {s.expenditures} expenditures." + (" Dry run: nothing was written." if s.dry_run else "")
    )
    for warning in s.warnings[:SHOWN]:
        click.echo(f"warning: {warning}", err=True)
