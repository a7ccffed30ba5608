"""`ta-manager` sub-commands of this part, registered by ta_manager.cli.main.

ta-manager proposal draft --title T --start-year 2009 --end-year 2011 [filters]
ta-manager proposal show ID
ta-manager proposal export ID --out F.xlsx
ta-manager cost-norms seed-example [--year Y]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ta_manager.cli.params import OUTPUT_FILE, chosen_language, lang_option, write_file
from ta_manager.cli.runtime import echo_json, run_with_database


@click.group("proposal")
def proposal_group() -> None:
    """Costed proposals drafted from stated needs."""


@proposal_group.command("draft")
@click.option("--title", required=True)
@click.option("--start-year", type=int, required=True)
@click.option("--end-year", type=int, required=True)
@click.option("--currency", default="USD", show_default=True)
@click.option("--priority-area", "priority_areas", multiple=True, help="e.g. PA2 (repeatable)")
@click.option("--region", "regions", multiple=True, help="e.g. WCA, AFR-W (repeatable)")
@click.option("--instrument", "instruments", multiple=True, help="e.g. UNTOC (repeatable)")
@click.option("--include-partly-met", is_flag=True, help="Also needs only partly met.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole proposal as JSON.")
def draft_command(as_json: bool, **options: Any) -> None:
    """Draft a costed proposal from the needs no activity meets yet."""
    from ta_manager.proposals.drafting import draft

    options["priority_areas"] = list(options["priority_areas"])
    options["regions"] = list(options["regions"])
    options["instruments"] = list(options["instruments"])

    async def work() -> dict[str, Any]:
        return await draft(options)

    doc = run_with_database(work)
    if as_json:
        echo_json(doc)
        return
    totals = doc["totals"]
    click.echo(f"proposal {doc['id']}: {doc['title']} ({doc['start_year']}-{doc['end_year']})")
    for a in doc["activities"]:
        click.echo(f"  {a['priority_area']}  {a['total']:>14,.2f}  {a['title']}")
    click.echo(
        f"direct {totals['direct']:,.2f}  PSC {totals['psc']:,.2f}  total {totals['total']:,.2f}"
        f"  secured {totals.get('secured', 0):,.2f}  gap {totals.get('gap', 0):,.2f}"
        f" {doc['currency']}"
    )
    remaining = doc.get("needs_without_proposal") or []
    click.echo(f"{len(remaining)} needs remain without a proposed activity")


@proposal_group.command("show")
@click.argument("proposal_id", type=int)
def show_command(proposal_id: int) -> None:
    """Print a proposal with its activities, lines and totals as JSON."""
    from ta_manager.proposals.service import document

    echo_json(run_with_database(lambda: document(proposal_id)))


@proposal_group.command("export")
@click.argument("proposal_id", type=int)
@click.option("--out", "out", type=OUTPUT_FILE, required=True, help="F.xlsx")
@lang_option()
def export_command(proposal_id: int, out: Path, lang: str | None) -> None:
    """Write the costed proposal as a workbook with live totals."""
    from ta_manager.proposals.export import proposal_workbook

    language = chosen_language(lang)
    content = run_with_database(lambda: proposal_workbook(proposal_id, lang=language))
    write_file(out, content)
    click.echo(f"wrote {out}")


@click.group("cost-norms")
def cost_norms_group() -> None:
    """Cost norms (unit costs) used to cost proposals."""


@cost_norms_group.command("seed-example")
@click.option("--year", type=int, default=None, help="Year the norms hold for (default 2009).")
def seed_example_command(year: int | None) -> None:
    """Load the EXAMPLE norms of cost_norms/defaults.toml (replace them with your own)."""
    from ta_manager.cost_norms.seed import seed_example_norms
    from ta_manager.database.migrate import migrate

    async def work() -> int:
        await migrate()
        return await seed_example_norms(year)

    added = run_with_database(work)
    click.echo(f"added {added} example cost norms (an EXAMPLE: replace them with approved figures)")


COMMANDS: list[click.Command] = [proposal_group, cost_norms_group]
