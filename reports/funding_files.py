"""The donor funding export as a workbook, and as a CSV money ledger."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reports.funding import Funding, grand_total
from reports.workbook import FORMULA_START, Column, Progress, ReportWorkbook

NOTES = [
    "Pledged: every contribution's amount; received: the amount of contributions received.",
    "Balance: received minus spent (negative when spending ran ahead of receipts).",
    "USD equivalents of a contribution's money (pledged, received, allocated, spent, balance) "
    "all use that contribution's rate: the USD rate on or before its date (received, else "
    "pledged), else the first rate after it; the rate and its date are on every row.",
    "Activities funded: allocated to directly, or belonging to a project the donor's money "
    "was allocated to.",
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
    Column("Funded via", width=10),
    Column("Project", width=14),
    Column("Donors", width=30),
    Column("Beneficiary States", width=40),
    Column("Participants", "int"),
    Column("Women", "int"),
    Column("Men", "int"),
    Column("Allocated to it (USD)", "money"),
]


def _totals(f: Funding) -> Iterator[tuple[Any, ...]]:
    yield from f.totals.iter_rows()
    if f.donor is None:
        total = grand_total(f)
        yield ("all", "all donors", f.contributions.height, *total.values())


def write_funding(f: Funding, target: Path, progress: Progress | None = None) -> None:
    title = "Donor funding export" + (f": {f.donor['name']}" if f.donor else "")
    book = ReportWorkbook(target, title, f.filters, f.as_of, notes=NOTES)
    book.table("Summary", TOTAL_COLUMNS, _totals(f))
    for name, columns, df in [
        ("Contributions", CONTRIBUTION_COLUMNS, f.contributions.drop("contribution_id")),
        ("Allocations", ALLOCATION_COLUMNS, f.allocations),
        ("Expenditure", EXPENDITURE_COLUMNS, f.expenditure),
        ("Activities funded", ACTIVITY_COLUMNS, f.activities),
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


def _safe(value: Any) -> Any:
    """CSV cells are typed by whoever opens them: user text never starts a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _ledger(f: Funding) -> Iterator[tuple[Any, ...]]:
    for c in f.contributions.iter_rows(named=True):
        yield (
            "contribution",
            c["received_on"] or c["pledged_on"],
            c["donor"],
            c["code"],
            c["earmarked_to"],
            c["status"],
            c["pledged"],
            c["currency"],
            c["rate"],
            c["rate_date"],
            c["pledged_usd"],
        )
    for a in f.allocations.iter_rows(named=True):
        yield (
            "allocation",
            a["allocated_on"],
            a["donor"],
            a["contribution"],
            f"{a['to_kind']} {a['to_code']}",
            a["notes"],
            a["amount"],
            a["currency"],
            a["rate"],
            a["rate_date"],
            a["amount_usd"],
        )
    for e in f.expenditure.iter_rows(named=True):
        yield (
            "expenditure",
            e["spent_on"],
            e["donor"],
            e["contribution"],
            f"activity {e['activity']}" if e["activity"] else "",
            e["category"] + (f": {e['description']}" if e["description"] else ""),
            e["amount"],
            e["currency"],
            e["rate"],
            e["rate_date"],
            e["amount_usd"],
        )


def write_funding_csv(f: Funding, target: Path, progress: Progress | None = None) -> None:
    """One line per money movement (contribution, allocation, expenditure), exact amounts."""
    total = f.contributions.height + f.allocations.height + f.expenditure.height
    with target.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(LEDGER_HEADER)
        for n, row in enumerate(_ledger(f), start=1):
            out.writerow([_safe(v) for v in row])
            if progress is not None and n % 10000 == 0:
                progress("ledger", n, total)
    if progress is not None:
        progress("ledger", total, total)
