"""Command-line values read the way the rest of the system reads them.

- dates: the same forms a spreadsheet template accepts (2008-06-10, 10/06/2008 day first,
  10.06.2008, 10 June 2008), through the importers' own parser;
- output files: refused at once, in one line, when their folder is missing or not writable
  (rather than a traceback after a long report);
- passwords: asked for with hidden input (twice), or read from standard input for scripts,
  never taken from the command line (it would land in the shell history).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click


class DateParam(click.ParamType):
    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        from importers.cells import CellError, date

        if isinstance(value, dt.date):
            return value
        try:
            return date(value)
        except CellError as exc:
            self.fail(f"{value!r} {exc}", param, ctx)


DATE = DateParam()


class OutputFile(click.ParamType):
    """A file to write: its folder must exist and be writable; the file not a folder."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value).expanduser()
        folder = path.parent.resolve()
        if path.is_dir():
            self.fail(f"{path} is a folder, not a file", param, ctx)
        if not folder.is_dir():
            self.fail(f"{path}: the folder {folder} does not exist", param, ctx)
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            self.fail(f"{path}: permission denied (cannot write there)", param, ctx)
        return path


OUTPUT_FILE = OutputFile()


def write_file(path: Path, content: bytes) -> None:
    """Write an output file; a failure (disk full, removed folder) is one line."""
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc


def new_password(from_stdin: bool, confirm: bool = True) -> str | None:
    """The password the operator chooses: read from standard input (`--password-stdin`,
    first line), else asked for with hidden input on a terminal; None when neither (the
    caller then generates a one-time password)."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.UsageError("--password-stdin: standard input has no password")
        return line
    if not sys.stdin.isatty():
        return None
    chosen: str = click.prompt(
        "Password (empty for a random one-time password)",
        default="",
        show_default=False,
        hide_input=True,
        confirmation_prompt=confirm,
    )
    return chosen or None


def refuse_password_in_argv(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """`--password X` is refused: it would stay in the shell history and the process list."""
    if value is not None:
        raise click.UsageError(
            "--password is not accepted on the command line (shell history, process list):"
            " type it at the prompt, or pipe it in with --password-stdin",
            ctx,
        )


def lang_option() -> Any:
    """`--lang en|fr|es`: the language of the file written (English when omitted;
    docs/languages.md). Read through ta_manager.locale.choose_language like ?lang=."""
    from ta_manager.locale import LANGUAGES

    return click.option(
        "--lang",
        "lang",
        type=click.Choice(LANGUAGES, case_sensitive=False),
        default=None,
        help="Language of the file: " + ", ".join(LANGUAGES) + " (default en).",
    )


def chosen_language(lang: str | None) -> str:
    from ta_manager.locale import choose_language

    return choose_language(lang)
