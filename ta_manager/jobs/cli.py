"""`ta-manager worker`: run jobs from the queue until stopped."""

from __future__ import annotations

import logging

import click

from ta_manager.cli.runtime import settings_or_exit


@click.command("worker")
def worker_command() -> None:
    """Run queued jobs (reports, imports, proposal exports) until Ctrl-C / SIGTERM.

    Start as many as you like, on any machine that reaches the database."""
    from ta_manager.jobs.worker import run_worker

    settings = settings_or_exit()
    logging.getLogger().setLevel(settings.log_level)
    logging.getLogger("ta_manager").setLevel(settings.log_level)
    run_worker(settings)


COMMANDS: list[click.Command] = [worker_command]
