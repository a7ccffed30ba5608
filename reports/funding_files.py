"""The donor funding export as a workbook, and as a CSV money ledger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from reports.funding import RULE_ONLY, Funding, grand_total
from reports.workbook import Column, Progress, ReportWorkbook
from ta_manager.spreadsheet_text import csv_text_column

NOTES = [
    "Pledged: every contribution's amount; received: the amount of contributions received.",
    "Balance: received minus spent (negative when spending ran ahead of receipts).",
    "USD equivalents of a contribution's money (pledged, received, allocated, spent, balance) "
    "all use that contribution's rate: the USD rate on or before its date (received, else "
    "pledged, else the start of its period), else the first rate after it; the rate and its "
    "date are on every row.",
    "Not quantified: support a document states without an amount; it is listed and adds "
    "nothing to the totals.",
    "No rate: an amount in a currency with no exchange rate recorded is shown in its currency "
    "and never added to the USD totals (the Summary lists such amounts).",
    "Cumulative figures (a total over a period) are never added to each other when their "
    "periods overlap: per donor and earmark, the figure whose period ends last counts and the "
    "ones it overlaps are marked 'superseded' and left out of the totals.",
    "Activities funded: allocated to directly, in a project the donor's money was allocated "
    "or earmarked to, or naming the donor (on the activity or its project), with or without "
    "amounts. Projects: naming the donor, earmarked by or allocated its money.",
    "Funding needs: open gaps and resource requests stated for the donor's projects and for "
    "the priority areas its contributions are earmarked to (all of them for every donor).",
]
TOTAL_COLUMNS = [
    Column("Donor", width=14),
    Column("Name", width=36),
    Column("Contributions", "int"),
    Column("Pledged (USD)", "money"),
    Column("Received (USD)", "money"),
    Column("Allocated (USD)", "money"),
    Column("Spent (USD)", "money"),
    Column("Balance (USD)", "money"),
    Column("Not quantified", "int"),
    Column("Not in USD (no rate)", width=30),
    Column("Superseded cumulative", "int"),
    Column("Projects", "int"),
    Column("Activities", "int"),
]
CONTRIBUTION_COLUMNS = [
    Column("Contribution", width=16),
    Column("Donor", width=12),
    Column("Donor name", width=30),
    Column("Status", width=10),
    Column("Pledged on", "date"),
    Column("Received on", "date"),
    Column("Currency", width=9),
    Column("Pledged", "money"),
    Column("Received", "money"),
    Column("Allocated", "money"),
    Column("Spent", "money"),
    Column("Balance", "money"),
    Column("USD rate", "rate"),
    Column("Rate date", "date"),
    Column("Pledged (USD)", "money"),
    Column("Received (USD)", "money"),
    Column("Allocated (USD)", "money"),
    Column("Spent (USD)", "money"),
    Column("Balance (USD)", "money"),
    Column("Earmarking", width=12),
    Column("Earmarked to", width=14),
    Column("Description", width=40),
    Column("Dated (as given)", width=16),
    Column("Cumulative", width=10),
    Column("Period", width=20),
    Column("Sources", width=40),
    Column("Note", width=40),
]
ALLOCATION_COLUMNS = [
    Column("Allocation", "int"),
    Column("Contribution", width=16),
    Column("Donor", width=12),
    Column("Allocated on", "date"),
    Column("To", width=9),
    Column("Code", width=16),
    Column("Title", width=40),
    Column("Currency", width=9),
    Column("Amount", "money"),
    Column("Spent", "money"),
    Column("USD rate", "rate"),
    Column("Rate date", "date"),
    Column("Amount (USD)", "money"),
    Column("Notes", width=30),
]
EXPENDITURE_COLUMNS = [
    Column("Expenditure", "int"),
    Column("Allocation", "int"),
    Column("Contribution", width=16),
    Column("Donor", width=12),
    Column("Spent on", "date"),
    Column("Activity", width=16),
    Column("Category", width=18),
    Column("Description", width=36),
    Column("Currency", width=9),
    Column("Amount", "money"),
    Column("USD rate", "rate"),
    Column("Rate date", "date"),
    Column("Amount (USD)", "money"),
]
ACTIVITY_COLUMNS = [
    Column("Activity", width=16),
    Column("Title", width=44),
    Column("Type", width=18),
    Column("Status", width=10),
    Column("Starts", "date"),
    Column("Ends", "date"),
    Column("Dates", width=20),
    Column("Funded via", width=10),
    Column("Project", width=14),
    Column("Donors", width=30),
    Column("Beneficiary States", width=40),
    Column("Participants", "int"),
    Column("Women", "int"),
    Column("Men", "int"),
    Column("Allocated to it (USD)", "money"),
    Column("Sources", width=40),
]
PROJECT_COLUMNS = [
    Column("Project", width=16),
    Column("Title", width=44),
    Column("Status", width=10),
    Column("Starts", "date"),
    Column("Ends", "date"),
    Column("Donor's part", width=28),
    Column("Donors", width=30),
    Column("Budget", "money"),
    Column("Currency", width=9),
    Column("Allocated to it (USD)", "money"),
    Column("States", width=40),
    Column("Activities", "int"),
]
FUNDING_NEED_COLUMNS = [
    Column("Funding need", width=18),
    Column("Kind", width=16),
    Column("Title", width=44),
    Column("Priority area", width=10),
    Column("Project", width=14),
    Column("Proposal", "int"),
    Column("Amount", "money"),
    Column("Currency", width=9),
    Column("Stated", width=10),
    Column("Sources", width=40),
    Column("Description", width=40),
]


def _totals(f: Funding) -> Iterator[tuple[Any, ...]]:
    yield from f.totals.iter_rows()
    if f.donor is None:
        total = grand_total(f)
        t = f.totals
        yield (
            "all",
            "all donors",
            f.contributions.height,
            *total.values(),
            int(t["not_quantified"].sum() or 0),
            "",
            int(t["superseded"].sum() or 0),
            f.projects.height,
            f.activities.height,
        )


def write_funding(
    f: Funding, target: Path, progress: Progress | None = None, *, lang: str = "en"
) -> None:
    title = "Donor funding export" + (f": {f.donor['name']}" if f.donor else "")
    book = ReportWorkbook(target, title, f.filters, f.as_of, notes=NOTES)
    book.table("Summary", TOTAL_COLUMNS, _totals(f))
    for name, columns, df in [
        ("Contributions", CONTRIBUTION_COLUMNS, f.contributions.drop(*RULE_ONLY)),
        ("Allocations", ALLOCATION_COLUMNS, f.allocations),
        ("Expenditure", EXPENDITURE_COLUMNS, f.expenditure),
        ("Activities funded", ACTIVITY_COLUMNS, f.activities.drop("donor_codes")),
        ("Projects", PROJECT_COLUMNS, f.projects.drop("donor_codes")),
        ("Funding needs", FUNDING_NEED_COLUMNS, f.funding_needs),
    ]:
        book.table(name, columns, df.iter_rows(), progress, df.height)
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
    f: Funding, target: Path, progress: Progress | None = None, *, lang: str = "en"
) -> None:
    """One line per money movement (contribution, allocation, expenditure), exact amounts."""
    ledger = _ledger(f)
    ledger.select(LEDGER_HEADER).write_csv(target, date_format="%Y-%m-%d")
    if progress is not None:
        progress("ledger", ledger.height, ledger.height)
