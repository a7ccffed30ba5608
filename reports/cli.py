"""`ta-manager report matrix|annual|funding [filters] --out FILE`, with a progress bar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reports import exports
from reports.annual import AnnualFilters
from reports.matrix import MatrixFilters
from ta_manager.cli.params import DATE, OUTPUT_FILE, chosen_language, lang_option
from ta_manager.cli.runtime import run_with_database
from ta_manager.errors import InvalidInput


def _list(values: tuple[str, ...]) -> list[str] | None:
    return list(values) or None


def _out_option(suffixes: tuple[str, ...]) -> Callable[[Any], Any]:
    return click.option(
        "--out",
        "out",
        required=True,
        type=OUTPUT_FILE,
        help=f"File to write ({', '.join(suffixes)}).",
    )


def _check_suffix(out: Path, suffixes: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in suffixes:
        raise click.BadParameter(
            f"{out.name}: the file must end in {' or '.join(suffixes)}", param_hint="--out"
        )
    return suffix


def _run(label: str, out: Path, build: Callable[[Path, Any], Awaitable[None]]) -> None:
    """Build a report into `out` (written to a temporary name first) with a progress bar."""
    partial = out.with_name(out.name + ".partial")
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(f"{label}: reading data", total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"{label}: {step}", completed=done, total=total or None)

        try:
            run_with_database(lambda: build(partial, progress))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    try:
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {out}")


async def states(typed: list[str] | None, option: str = "--country") -> list[str] | None:
    """ISO-3 codes of the States typed, matched as the importers match them (UN and ISO
    names, codes); an unknown one is an error suggesting the closest names."""
    if not typed:
        return None
    from importers.cells import CellError
    from importers.countries import CountryMatcher

    matcher = await CountryMatcher.load()
    codes = []
    for name in typed:
        try:
            codes.append(matcher.iso3(name))
        except CellError as exc:
            raise InvalidInput.of(option, f"{name!r}: {exc}", name) from exc
    return codes


@click.group("report")
def report_group() -> None:
    """Spreadsheets: needs-to-activity matrix, annual activity report, donor funding export."""


@report_group.command("matrix")
@click.option("--region", multiple=True, help="Region or grouping code (e.g. WCA); repeatable.")
@click.option("--country", multiple=True, help="State (ISO-3, ISO-2 or name); repeatable.")
@click.option("--priority-area", multiple=True, help="Priority area code (e.g. PA3).")
@click.option("--instrument", multiple=True, help="Instrument code (e.g. UNTOC).")
@click.option(
    "--stated-from",
    type=DATE,
    help="Needs stated on or after (2008-06-10, 10/06/2008 day first, 10 June 2008).",
)
@click.option("--stated-to", type=DATE, help="Needs stated on or before.")
@click.option("--activity-from", type=DATE, help="Count only activities ending on or after.")
@click.option("--activity-to", type=DATE, help="Count only activities starting on or before.")
@_out_option((".xlsx", ".json"))
@lang_option()
def matrix_command(
    region: tuple[str, ...],
    country: tuple[str, ...],
    priority_area: tuple[str, ...],
    instrument: tuple[str, ...],
    stated_from: dt.date | None,
    stated_to: dt.date | None,
    activity_from: dt.date | None,
    activity_to: dt.date | None,
    out: Path,
    lang: str | None,
) -> None:
    """Which needs States stated are met, partly met or unmet, by State and priority area."""
    suffix = _check_suffix(out, (".xlsx", ".json"))
    language = chosen_language(lang)
    filters = MatrixFilters(
        region=_list(region),
        country=_list(country),
        priority_area=_list(priority_area),
        instrument=_list(instrument),
        stated_from=stated_from,
        stated_to=stated_to,
        activity_from=activity_from,
        activity_to=activity_to,
    )

    async def build(path: Path, progress: Any) -> None:
        chosen = replace(filters, country=await states(filters.country))
        if suffix == ".json":
            await exports.matrix_json_file(chosen, path, lang=language)
        else:
            await exports.matrix_xlsx(chosen, path, progress, lang=language)

    _run("matrix", out, build)


@report_group.command("annual")
@click.option("--year", type=click.IntRange(1900, 2100), help="Calendar year.")
@click.option(
    "--from",
    "date_from",
    type=DATE,
    help="Period start (2008-01-01, 01/01/2008 day first, 1 January 2008).",
)
@click.option("--to", "date_to", type=DATE, help="Period end (same forms as --from).")
@click.option("--region", multiple=True, help="Beneficiary region or grouping code.")
@click.option("--country", multiple=True, help="Beneficiary State.")
@click.option("--priority-area", multiple=True, help="Priority area code.")
@click.option("--instrument", multiple=True, help="Instrument code.")
@click.option("--type", "types", multiple=True, help="Activity type code (e.g. workshop).")
@_out_option((".xlsx",))
@lang_option()
def annual_command(
    year: int | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    region: tuple[str, ...],
    country: tuple[str, ...],
    priority_area: tuple[str, ...],
    instrument: tuple[str, ...],
    types: tuple[str, ...],
    out: Path,
    lang: str | None,
) -> None:
    """Figures and activity lists of a period, for the annual report."""
    _check_suffix(out, (".xlsx",))
    language = chosen_language(lang)
    if year is None and date_from is None and date_to is None:
        raise click.UsageError("give --year or --from/--to")
    filters = AnnualFilters(
        year=year,
        date_from=date_from,
        date_to=date_to,
        region=_list(region),
        country=_list(country),
        priority_area=_list(priority_area),
        instrument=_list(instrument),
        type=_list(types),
    )

    async def build(path: Path, progress: Any) -> None:
        chosen = replace(filters, country=await states(filters.country))
        await exports.annual_xlsx(chosen, path, progress, lang=language)

    _run("annual report", out, build)


@report_group.command("funding")
@click.option("--donor", help="Donor organization code or id; every donor when omitted.")
@_out_option((".xlsx", ".csv"))
@lang_option()
def funding_command(donor: str | None, out: Path, lang: str | None) -> None:
    """One donor's (or every donor's) contributions, allocations, spending and results."""
    suffix = _check_suffix(out, (".xlsx", ".csv"))
    language = chosen_language(lang)

    async def build(path: Path, progress: Any) -> None:
        if suffix == ".csv":
            await exports.funding_csv(donor, path, progress, lang=language)
        else:
            await exports.funding_xlsx(donor, path, progress, lang=language)

    _run("funding export", out, build)


COMMANDS: list[click.Command] = [report_group]
