"""`ta-manager activities ...`: review records that may be one event.

ta-manager activities duplicates [--min-score 50] [--type workshop] [--from D] [--to D] [--json]
ta-manager activities merge KEEP OTHER     (OTHER is archived, its sources kept on KEEP)
ta-manager activities distinct A B         (not the same event: no longer offered)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ta_manager.cli.runtime import echo_json, run_with_database

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("activities")
def activities_group() -> None:
    """Activity records: find and merge records of one event."""


@activities_group.command("duplicates")
@click.option("--min-score", type=click.IntRange(0, 100), default=50, show_default=True)
@click.option("--type", "types", multiple=True, help="Activity type code (repeatable).")
@click.option("--from", "date_from", type=DATE, help="Only records overlapping from this day.")
@click.option("--to", "date_to", type=DATE, help="Only records overlapping up to this day.")
@click.option("--include-linked", is_flag=True, help="Also pairs already linked.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
def duplicates_command(
    min_score: int,
    types: tuple[str, ...],
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    include_linked: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Pairs of records that may be one event, best first (nothing is changed)."""
    from ta_manager.activities.duplicates import DuplicateFilters, find_duplicates

    filters = DuplicateFilters(
        min_score,
        list(types) or None,
        date_from.date() if date_from else None,
        date_to.date() if date_to else None,
        include_linked,
        limit,
    )
    pairs: list[dict[str, Any]] = run_with_database(lambda: find_duplicates(filters))
    if as_json:
        echo_json(pairs)
        return
    if not pairs:
        click.echo(f"no pair scores {min_score} or more")
        return
    for p in pairs:
        first, second = p["activities"]
        click.echo(f"{p['score']:>3}  {first['code']}  <->  {second['code']}  ({p['suggestion']})")
        for a in (first, second):
            venue = ", ".join(x for x in (a["venue_city"], a["venue_country"]) if x)
            click.echo(f"       {a['code']}: {a['title']} [{a['dates']}; {venue or 'no venue'}]")
        click.echo(f"       {'; '.join(p['reasons'])}")
    click.echo(
        f"{len(pairs)} pairs. Link one with PATCH same_event_as (or delivers), merge it with"
        " `ta-manager activities merge KEEP OTHER`, or dismiss it with"
        " `ta-manager activities distinct A B`."
    )


@activities_group.command("merge")
@click.argument("keep")
@click.argument("other")
def merge_command(keep: str, other: str) -> None:
    """Merge record OTHER into KEEP: links and sources united, OTHER archived."""
    from ta_manager.activities.merging import merge_activities
    from ta_manager.records import references as R

    async def work() -> dict[str, Any]:
        return await merge_activities(await R.ACTIVITY.id(keep, "keep"), other)

    merged = run_with_database(work)
    click.echo(
        f"merged {other} into {merged['code']}: {len(merged['sources'])} sources,"
        f" {len(merged['beneficiary_countries'])} beneficiary States; {other} archived"
    )


@activities_group.command("distinct")
@click.argument("first")
@click.argument("second")
def distinct_command(first: str, second: str) -> None:
    """Mark FIRST and SECOND as not the same event."""
    from ta_manager.activities.duplicates import mark_distinct

    run_with_database(lambda: mark_distinct(first, second))
    click.echo(f"{first} and {second} are marked as distinct events")


COMMANDS = [activities_group]
