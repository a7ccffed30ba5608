"""`ta-manager` sub-commands of this part, registered by ta_manager.cli.main."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
