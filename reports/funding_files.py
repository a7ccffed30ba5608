"""The donor funding export as a workbook, and as a CSV money ledger."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from reports.funding import RULE_ONLY, Funding
from reports.workbook import Column, Progress, ReportWorkbook
from ta_manager.locale import N_, gettext
from ta_manager.locale.labels import labels
from ta_manager.spreadsheet_text import csv_text_column

# A byte-order mark lets a spreadsheet program opened by double-click read UTF-8 ("Lomé");
# scripts may ask for none (?bom=false).
BOM = "\ufeff"

NOTES = [
    N_("Pledged: every contribution's amount; received: the amount of contributions received."),
    N_("Balance: received minus spent (negative when spending ran ahead of receipts)."),
    N_(
        "USD equivalents of a contribution's money (pledged, received, allocated, spent, balance) "
        "all use that contribution's rate: the USD rate on or before its date (received, else "
        "pledged, else the start of its period), else the first rate after it; the rate and its "
        "date are on every row."
    ),
    N_(
        "Not quantified: support a document states without an amount; it is listed and adds "
        "nothing to the totals."
    ),
    N_(
        "No rate: an amount in a currency with no exchange rate recorded is shown in its currency "
        "and never added to the USD totals (the Summary lists such amounts)."
    ),
    N_(
        "Cumulative figures (a total over a period) are never added to each other when their "
        "periods overlap: per donor and earmark, the figure whose period ends last counts and the "
        "ones it overlaps are marked 'superseded' and left out of the totals."
    ),
    N_(
        "Activities funded: allocated to directly, in a project the donor's money was allocated "
        "or earmarked to, or naming the donor (on the activity or its project), with or without "
        "amounts. Projects: naming the donor, earmarked by or allocated its money."
    ),
    N_(
        "Funding needs: open gaps and resource requests stated for the donor's projects and for "
        "the priority areas its contributions are earmarked to (all of them for every donor)."
    ),
]
TOTAL_COLUMNS = [
    Column(N_("Donor"), width=14),
    Column(N_("Name"), width=36),
    Column(N_("Contributions"), "int", total=True),
    Column(N_("Pledged (USD)"), "money", total=True),
    Column(N_("Received (USD)"), "money", total=True),
    Column(N_("Allocated (USD)"), "money", total=True),
    Column(N_("Spent (USD)"), "money", total=True),
    Column(N_("Balance (USD)"), "money", total=True),
    Column(N_("Not quantified"), "int", total=True),
    Column(N_("Not in USD (no rate)"), width=30),
    Column(N_("Superseded cumulative"), "int", total=True),
    Column(N_("Projects"), "int"),
    Column(N_("Activities"), "int"),
]
CONTRIBUTION_COLUMNS = [
    Column(N_("Contribution"), width=16),
    Column(N_("Donor"), width=12),
    Column(N_("Donor name"), width=30),
    Column(N_("Status"), width=10),
    Column(N_("Pledged on"), "date"),
    Column(N_("Received on"), "date"),
    Column(N_("Currency"), width=9),
    Column(N_("Pledged"), "money"),
    Column(N_("Received"), "money"),
    Column(N_("Allocated"), "money"),
    Column(N_("Spent"), "money"),
    Column(N_("Balance"), "money"),
    Column(N_("USD rate"), "rate"),
    Column(N_("Rate date"), "date"),
    Column(N_("Pledged (USD)"), "money"),
    Column(N_("Received (USD)"), "money"),
    Column(N_("Allocated (USD)"), "money"),
    Column(N_("Spent (USD)"), "money"),
    Column(N_("Balance (USD)"), "money"),
    Column(N_("Earmarking"), width=12),
    Column(N_("Earmarked to"), width=14),
    Column(N_("Description"), width=40),
    Column(N_("Dated (as given)"), width=16),
    Column(N_("Cumulative"), width=10),
    Column(N_("Period"), width=20),
    Column(N_("Sources"), width=40),
    Column(N_("Note"), width=40),
]
ALLOCATION_COLUMNS = [
    Column(N_("Allocation"), "int"),
    Column(N_("Contribution"), width=16),
    Column(N_("Donor"), width=12),
    Column(N_("Allocated on"), "date"),
    Column(N_("To"), width=9),
    Column(N_("Code"), width=16),
    Column(N_("Title"), width=40),
    Column(N_("Currency"), width=9),
    Column(N_("Amount"), "money"),
    Column(N_("Spent"), "money"),
    Column(N_("USD rate"), "rate"),
    Column(N_("Rate date"), "date"),
    Column(N_("Amount (USD)"), "money"),
    Column(N_("Notes"), width=30),
]
EXPENDITURE_COLUMNS = [
    Column(N_("Expenditure"), "int"),
    Column(N_("Allocation"), "int"),
    Column(N_("Contribution"), width=16),
    Column(N_("Donor"), width=12),
    Column(N_("Spent on"), "date"),
    Column(N_("Activity"), width=16),
    Column(N_("Category"), width=18),
    Column(N_("Description"), width=36),
    Column(N_("Currency"), width=9),
    Column(N_("Amount"), "money"),
    Column(N_("USD rate"), "rate"),
    Column(N_("Rate date"), "date"),
    Column(N_("Amount (USD)"), "money"),
]
ACTIVITY_COLUMNS = [
    Column(N_("Activity"), width=16),
    Column(N_("Title"), width=44),
    Column(N_("Type"), width=18),
    Column(N_("Status"), width=10),
    Column(N_("Starts"), "date"),
    Column(N_("Ends"), "date"),
    Column(N_("Dates"), width=20),
    Column(N_("Funded via"), width=10),
    Column(N_("Project"), width=14),
    Column(N_("Donors"), width=30),
    Column(N_("Beneficiary States"), width=40),
    Column(N_("Participants"), "int"),
    Column(N_("Women"), "int"),
    Column(N_("Men"), "int"),
    Column(N_("Allocated to it (USD)"), "money"),
    Column(N_("Sources"), width=40),
]
PROJECT_COLUMNS = [
    Column(N_("Project"), width=16),
    Column(N_("Title"), width=44),
    Column(N_("Status"), width=10),
    Column(N_("Starts"), "date"),
    Column(N_("Ends"), "date"),
    Column(N_("Donor's part"), width=28),
    Column(N_("Donors"), width=30),
    Column(N_("Budget"), "money"),
    Column(N_("Currency"), width=9),
    Column(N_("Allocated to it (USD)"), "money"),
    Column(N_("States"), width=40),
    Column(N_("Activities"), "int"),
]
FUNDING_NEED_COLUMNS = [
    Column(N_("Funding need"), width=18),
    Column(N_("Kind"), width=16),
    Column(N_("Title"), width=44),
    Column(N_("Priority area"), width=10),
    Column(N_("Project"), width=14),
    Column(N_("Proposal"), "int"),
    Column(N_("Amount"), "money"),
    Column(N_("Currency"), width=9),
    Column(N_("Stated"), width=10),
    Column(N_("Sources"), width=40),
    Column(N_("Description"), width=40),
]


def _totals(f: Funding) -> Iterator[tuple[Any, ...]]:
    """One row per donor; the all-donors total is a SUBTOTAL formula below the table (outside
    its filter range, so sorting or filtering never mixes it into the donors)."""
    yield from f.totals.iter_rows()


def _words(df: pl.DataFrame, lang: str, **kinds: str) -> pl.DataFrame:
    """Columns of codes (status, earmarking...) shown as words of `lang`."""
    return df.with_columns(
        pl.col(column).replace_strict(labels(kind, lang), default=pl.col(column))
        for column, kind in kinds.items()
        if column in df.columns
    )


def write_funding(
    f: Funding, target: Path, progress: Progress | None = None, lang: str = "en"
) -> None:
    def t(message: str, **values: object) -> str:
        return gettext(message, lang, **values)

    title = t("Donor funding export") + (f": {f.donor['name']}" if f.donor else "")
    book = ReportWorkbook(target, title, f.filters, f.as_of, notes=[t(n) for n in NOTES], lang=lang)

    # One donor's export is its own total; the all-donors export totals below its table.
    summary = TOTAL_COLUMNS if f.donor is None else [replace(c, total=False) for c in TOTAL_COLUMNS]
    book.table(t("Summary"), summary, _totals(f))
    contributions = _words(
        f.contributions.drop(*RULE_ONLY),
        lang,
        status="contribution_status",
        earmarking="earmarking",
    )
    activities = _words(f.activities.drop("donor_codes"), lang, status="activity_status")
    activities = _words(activities, lang, funded_via="funded_via")
    projects = _words(f.projects.drop("donor_codes"), lang, status="project_status")
    allocations = _words(f.allocations, lang, to_kind="to_kind")
    needs = _words(f.funding_needs, lang, kind="funding_need_kind")
    expenditure = _words(f.expenditure, lang, category="cost_category")
    for name, columns, df in [
        (N_("Contributions"), CONTRIBUTION_COLUMNS, contributions),
        (N_("Allocations"), ALLOCATION_COLUMNS, allocations),
        (N_("Expenditure"), EXPENDITURE_COLUMNS, expenditure),
        (N_("Activities funded"), ACTIVITY_COLUMNS, activities),
        (N_("Projects"), PROJECT_COLUMNS, projects),
        (N_("Funding needs"), FUNDING_NEED_COLUMNS, needs),
    ]:
        book.table(t(name), columns, df, progress)
    book.close()


LEDGER_HEADER = [
    "record",
    "date",
    "donor",
    "contribution",
    "to",
    "detail",
    "amount",
    "currency",
    "usd_rate",
    "rate_date",
    "amount_usd",
]


def _ledger(f: Funding) -> pl.DataFrame:
    contributions = f.contributions.select(
        pl.lit("contribution").alias("record"),
        pl.coalesce("received_on", "pledged_on", "period_from").alias("date"),
        "donor",
        pl.col("code").alias("contribution"),
        pl.col("earmarked_to").alias("to"),
        pl.concat_str(
            "status", pl.when(pl.col("note") != "").then("note"), separator="; ", ignore_nulls=True
        ).alias("detail"),
        pl.col("pledged").alias("amount"),
        "currency",
        pl.col("rate").alias("usd_rate"),
        "rate_date",
        pl.col("pledged_usd").alias("amount_usd"),
    )
    allocations = f.allocations.select(
        pl.lit("allocation").alias("record"),
        pl.col("allocated_on").alias("date"),
        "donor",
        "contribution",
        pl.concat_str("to_kind", pl.lit(" "), "to_code").alias("to"),
        pl.col("notes").alias("detail"),
        "amount",
        "currency",
        pl.col("rate").alias("usd_rate"),
        "rate_date",
        "amount_usd",
    )
    expenditure = f.expenditure.select(
        pl.lit("expenditure").alias("record"),
        pl.col("spent_on").alias("date"),
        "donor",
        "contribution",
        (pl.lit("activity ") + pl.col("activity")).fill_null("").alias("to"),
        pl.when(pl.col("description") == "")
        .then(pl.col("category"))
        .otherwise(pl.concat_str("category", pl.lit(": "), "description"))
        .alias("detail"),
        "amount",
        "currency",
        pl.col("rate").alias("usd_rate"),
        "rate_date",
        "amount_usd",
    )
    ledger = pl.concat([contributions, allocations, expenditure])
    # CSV cells are typed by whoever opens them: user text never starts a formula.
    user_text = ("donor", "contribution", "to", "detail")
    return ledger.with_columns(csv_text_column(c) for c in user_text)


def write_funding_csv(
    f: Funding,
    target: Path,
    progress: Progress | None = None,
    lang: str = "en",
    bom: bool = True,
) -> None:
    """One line per money movement (contribution, allocation, expenditure), exact amounts.

    UTF-8 with a byte-order mark unless `bom` is False. The header and codes stay machine
    names in every language (`lang` is accepted for the builders' common signature): the
    ledger is read by scripts and reconciled against other systems."""
    del lang
    ledger = _ledger(f)
    with target.open("wb") as fh:
        if bom:
            fh.write(BOM.encode("utf-8"))
        ledger.select(LEDGER_HEADER).write_csv(fh, date_format="%Y-%m-%d")
    if progress is not None:
        progress("ledger", ledger.height, ledger.height)
