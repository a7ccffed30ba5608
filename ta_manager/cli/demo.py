"""`ta-manager demo`: the demo data set, or synthetic data at scale for benchmarks."""

from __future__ import annotations

import time

import click

from ta_manager.cli.runtime import run_with_database


@click.command("demo")
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    default=None,
    help="Generate N synthetic activities (with proportional needs, links, "
    "contributions) instead of the demo data set.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed for --scale (same seed, same data).",
)
@click.option("--reset", is_flag=True, help="Empty every table first (asks no question).")
def demo_command(scale: int | None, seed: int, reset: bool) -> None:
    """Load the demo data set drawn from CTOC/COP/2008/16 and E/CN.15/2009/8."""
    from ta_manager.database.migrate import migrate
    from ta_manager.database.reset import reset_data
    from ta_manager.demo.loader import load_demo
    from ta_manager.demo.synthetic import generate
    from ta_manager.reference.seed import seed_reference

    async def work() -> dict[str, int]:
        await migrate()
        if reset:
            await reset_data()
        await seed_reference()
        if scale:
            return await generate(scale, seed)
        return await load_demo()

    started = time.perf_counter()
    counts = run_with_database(work)
    elapsed = time.perf_counter() - started
    if not counts:
        click.echo("the demo data set is already loaded; nothing to do (--reset starts over)")
        return
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    click.echo(f"loaded {summary} in {elapsed:.1f}s")
