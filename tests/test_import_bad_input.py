"""Every bad file is refused with a reason naming sheet/row/column, and leaves every table
exactly as it was (row counts of all tables compared before and after)."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from importers.problems import Problem
from importers.service import ImportRejected, import_file
from ta_manager.reference.services import OrganizationService
from tests.fixtures.workbooks import csv_bytes, row_counts, xlsx

NEED_HEADER = ["code", "country", "priority_area", "assistance_type", "stated_on", "description"]


def need_row(n: int, **over: Any) -> list[Any]:
    row = {
        "code": f"N-{n}",
        "country": "Benin",
        "priority_area": "PA2",
        "assistance_type": "PA2-LEG",
        "stated_on": "01/07/2008",
        "description": f"need {n}",
    }
    row.update(over)
    return [row[h] for h in NEED_HEADER]


async def rejected(kind: str, data: bytes, filename: str = "file.xlsx") -> list[Problem]:
    """Import, expect a rejection, and prove that no table changed."""
    before = await row_counts()
    with pytest.raises(ImportRejected) as caught:
        await import_file(kind, data, filename)
    assert await row_counts() == before
    assert caught.value.problems
    return caught.value.problems


def good_workbook() -> bytes:
    return xlsx([NEED_HEADER, need_row(1), need_row(2)])


async def test_random_bytes() -> None:
    problems = await rejected("needs", os.urandom(4096))
    assert "not a readable workbook" in problems[0].reason


async def test_random_bytes_named_csv() -> None:
    problems = await rejected("needs", b"\xff\xfe\x00\x01" + os.urandom(2000), "needs.csv")
    assert problems[0].row is None


async def test_pdf_renamed_xlsx() -> None:
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    problems = await rejected("needs", pdf, "needs.xlsx")
    assert "PDF" in problems[0].reason


async def test_corrupt_workbook() -> None:
    data = bytearray(good_workbook())
    # Keep the zip signature, damage the compressed parts.
    for i in range(200, len(data) - 200, 7):
        data[i] = (data[i] + 91) % 256
    problems = await rejected("needs", bytes(data))
    assert "cannot be read" in problems[0].reason


async def test_truncated_workbook() -> None:
    data = good_workbook()
    await rejected("needs", data[: len(data) // 2])


async def test_password_protected_workbook() -> None:
    # Encrypted Office files are OLE2 compound files holding an EncryptionInfo stream.
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504
    body = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 2048
    problems = await rejected("needs", header + body, "protected.xlsx")
    assert "password" in problems[0].reason


async def test_empty_file() -> None:
    problems = await rejected("needs", b"", "empty.xlsx")
    assert problems[0].reason == "the file is empty"


async def test_workbook_without_rows() -> None:
    problems = await rejected("needs", xlsx([]))
    assert "no header row" in problems[0].reason


async def test_sheet_with_no_header() -> None:
    data = xlsx([need_row(1), need_row(2)], title="Needs")
    problems = await rejected("needs", data)
    assert problems[0].sheet == "Needs"
    assert "no header row" in problems[0].reason


async def test_missing_required_columns() -> None:
    header = ["code", "priority_area", "description"]
    problems = await rejected("needs", xlsx([header, ["N-1", "PA2", "x"]]))
    assert [(p.row, p.column) for p in problems] == [(1, "country")]
    assert "required column" in problems[0].reason


async def test_unknown_extra_columns_are_ignored_with_a_warning() -> None:
    header = [*NEED_HEADER, "officer notes", "colour"]
    data = xlsx([header, [*need_row(1), "call back", "red"]])
    summary = await import_file("needs", data, "needs.xlsx")
    assert summary.new == 1
    assert "officer notes" in summary.warnings[0] and "colour" in summary.warnings[0]


async def test_file_over_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = good_workbook()
    monkeypatch.setenv("TA_IMPORT_MAX_BYTES", str(len(data) - 1))
    problems = await rejected("needs", data)
    assert "above the import limit" in problems[0].reason


async def test_one_bad_row_in_a_large_file() -> None:
    await _partners()
    header = [
        "code",
        "title",
        "type",
        "actual_start",
        "beneficiary_countries",
        "partners",
        "participants_total",
        "participants_female",
        "participants_male",
    ]
    rows: list[list[Any]] = [header]
    for n in range(2000):
        start: Any = dt.date(2008, 1, 1) + dt.timedelta(days=n % 700)
        if n == 1234:
            start = "31/02/2024"
        rows.append(
            [
                f"A-{n}",
                f"Workshop {n}",
                "workshop",
                start,
                "BEN; Chad; Niger",
                "OAS; INTERPOL",
                30,
                10,
                20,
            ]
        )
    problems = await rejected("activities", xlsx(rows))
    assert problems == [
        Problem(
            "Data",
            1236,
            "actual_start",
            "31/02/2024",
            "is not a real date (day is out of range for month; day-first order is assumed)",
        )
    ]


async def test_formula_cell() -> None:
    data = xlsx([NEED_HEADER, need_row(1), need_row(2)], formulas={"F3": '=UPPER("x")'})
    problems = await rejected("needs", data)
    assert [(p.row, p.column) for p in problems] == [(3, "description")]
    assert problems[0].reason.startswith("cell F3 holds a formula; formulas are never evaluated")


async def test_formula_outside_the_imported_columns_is_ignored_with_a_warning() -> None:
    data = xlsx(
        [[*NEED_HEADER, "check"], [*need_row(1), None]], formulas={"G2": "=LEN(F2)", "H1": "=1"}
    )
    summary = await import_file("needs", data, "needs.xlsx")
    assert summary.new == 1
    assert "2 formula cells outside the imported columns ignored" in summary.warnings


async def test_impossible_date() -> None:
    problems = await rejected("needs", xlsx([NEED_HEADER, need_row(1, stated_on="31/02/2024")]))
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "stated_on", "31/02/2024")]


async def test_unreadable_date_and_number_in_csv() -> None:
    data = csv_bytes(
        [
            ["code", "title", "type", "planned_start", "planned_cost"],
            ["A-1", "Workshop", "workshop", "next spring", "12 dollars"],
        ],
    )
    problems = await rejected("activities", data, "a.csv")
    assert {(p.row, p.column) for p in problems} == {(2, "planned_start"), (2, "planned_cost")}


async def _donor() -> None:
    await OrganizationService().create({"code": "NOR", "name": "Norway", "roles": ["donor"]})


async def _partners() -> None:
    for code in ("OAS", "INTERPOL"):
        await OrganizationService().create({"code": code, "name": code, "roles": ["partner"]})


CONTRIBUTION_HEADER = ["code", "donor", "amount", "currency", "pledged_on"]


async def test_negative_amount() -> None:
    await _donor()
    data = xlsx([CONTRIBUTION_HEADER, ["C-1", "NOR", -5000, "USD", "2009-01-01"]])
    problems = await rejected("contributions", data)
    assert [(p.row, p.column, p.reason) for p in problems] == [
        (2, "amount", "must not be negative")
    ]


async def test_amount_without_currency() -> None:
    """A currency without a rate is kept (shown "no rate"); an amount without any is not."""
    await _donor()
    data = xlsx(
        [
            CONTRIBUTION_HEADER,
            ["C-1", "NOR", "1,000,000", "EUR", "2009-01-01"],
            ["C-2", "NOR", "250 000", "", "2009-01-01"],
            ["C-3", "NOR", "", "", "2009"],
        ]
    )
    problems = await rejected("contributions", data)
    assert [(p.row, p.column) for p in problems] == [(3, "currency")]
    assert "required with an amount" in problems[0].reason


async def test_duplicate_code_within_the_file() -> None:
    data = xlsx([NEED_HEADER, need_row(1), need_row(2), need_row(1, country="Chad")])
    problems = await rejected("needs", data)
    assert [(p.row, p.column) for p in problems] == [(4, "code")]
    assert "row 2" in problems[0].reason


async def test_duplicate_code_differing_in_case() -> None:
    data = xlsx([NEED_HEADER, need_row(1), need_row(1, code="n-1")])
    problems = await rejected("needs", data)
    assert [(p.row, p.column) for p in problems] == [(3, "code")]


async def test_need_reference_that_exists_nowhere() -> None:
    data = xlsx([["code", "title", "type", "needs"], ["A-1", "Workshop", "workshop", "N-NOWHERE"]])
    problems = await rejected("activities", data)
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "needs", "N-NOWHERE")]
    assert "no need with this code exists" in problems[0].reason


async def test_unknown_state_names_suggest_the_closest() -> None:
    problems = await rejected("needs", xlsx([NEED_HEADER, need_row(1, country="Benn")]))
    assert problems[0].column == "country"
    assert "Benin (BEN)" in problems[0].reason


async def test_rules_of_the_api_apply() -> None:
    rows = [
        NEED_HEADER,
        need_row(1, assistance_type="PA3-EQP"),  # type of another area
        need_row(2, code="bad code!"),  # code pattern of the API
        need_row(3, priority_area="PA9"),  # unknown code
    ]
    problems = await rejected("needs", xlsx(rows))
    # Cell problems and unknown codes are reported together; the service's cross-field
    # rule (the type belongs to the area) runs once every cell is readable.
    assert {(p.row, p.column) for p in problems} == {(3, "code"), (4, "priority_area")}
    fixed = await rejected("needs", xlsx(rows[:2]))
    assert [(p.row, p.column, p.value) for p in fixed] == [(2, "assistance_type", "PA3-EQP")]


async def test_activity_rules_of_the_service_apply() -> None:
    header = [
        "code",
        "title",
        "type",
        "planned_start",
        "planned_end",
        "participants_total",
        "participants_female",
        "participants_male",
    ]
    rows = [
        header,
        ["A-1", "W", "workshop", "2009-05-02", "2009-05-01", None, None, None],
        ["A-2", "W", "workshop", None, None, 10, 8, 8],
    ]
    problems = await rejected("activities", xlsx(rows))
    assert {(p.row, p.column) for p in problems} == {(2, "planned_end"), (3, "participants_female")}


async def test_every_problem_of_a_row_is_reported_in_one_pass() -> None:
    """A bad date and female + male above the total, in one row and in another: all at once,
    not the sum only on a second attempt after the date is fixed."""
    header = [
        "code",
        "title",
        "type",
        "actual_start",
        "participants_total",
        "participants_female",
        "participants_male",
    ]
    rows = [
        header,
        ["A-1", "W", "workshop", "31/02/2024", 10, 8, 8],
        ["A-2", "W", "workshop", "2009-05-02", 5, 3, 3],
    ]
    problems = await rejected("activities", xlsx(rows))
    assert {(p.row, p.column) for p in problems} == {
        (2, "actual_start"),
        (2, "participants_female"),
        (3, "participants_female"),
    }
    assert "female (8) + male (8) exceeds participants_total (10)" in {p.reason for p in problems}


async def test_failure_after_partial_success_keeps_earlier_rows_out() -> None:
    """The merge itself is all-or-nothing: a database refusal leaves nothing behind."""
    await import_file("needs", good_workbook(), "needs.xlsx")
    before = await row_counts()
    # Status outside the codelist is caught before any write; nothing changes.
    bad = xlsx([[*NEED_HEADER, "status"], [*need_row(3), "open"], [*need_row(4), "maybe"]])
    with pytest.raises(ImportRejected):
        await import_file("needs", bad, "needs.xlsx")
    assert await row_counts() == before


Check = Callable[[], Awaitable[None]]


def _zip_without(data: bytes, member: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


async def test_workbook_missing_its_parts() -> None:
    await rejected("needs", _zip_without(good_workbook(), "xl/workbook.xml"))


async def test_unknown_codes_name_the_value_and_the_choices() -> None:
    need = xlsx([["code", "country", "priority_area"], ["N-2008-BEN-PA2-LEG", "BEN", "PA2"]])
    await import_file("needs", need, "needs.xlsx")
    rows = [
        ["code", "title", "type", "beneficiary_countries", "priority_areas", "needs"],
        ["A-1", "Workshop", "party", "Chad; Benn", "PA3"],
        ["A-2", "Workshop", "workshop", "Chad", "PA33"],
        ["A-3", "Workshop", "workshop", "Chad", "PA3", "N-2008-BEN-PA2-LGE"],
    ]
    problems = await rejected("activities", xlsx(rows))
    reasons = {(p.row, p.column): p.reason for p in problems}
    assert reasons[(4, "needs")] == (
        "no need with this code exists (import or create it first); closest: N-2008-BEN-PA2-LEG"
    )
    assert reasons[(2, "type")].startswith("unknown activity type; choose from assessment,")
    assert reasons[(2, "beneficiary_countries")].startswith("'Benn': unknown State; closest:")
    assert reasons[(3, "priority_areas")] == (
        "unknown priority area; choose from AC1, AC2, AC3, AC4, PA1, PA2, PA3, PA4, PA5"
    )


async def test_header_without_data_rows() -> None:
    problems = await rejected("needs", xlsx([NEED_HEADER, [], []], above=[["Needs 2008"]]))
    assert [(p.sheet, p.row, p.reason) for p in problems] == [
        ("Data", None, "no data rows below the header (row 2)")
    ]


async def test_size_limit_setting_must_be_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TA_IMPORT_MAX_BYTES", "fifty megabytes")
    problems = await rejected("needs", good_workbook())
    assert "TA_IMPORT_MAX_BYTES must be an integer" in problems[0].reason


async def test_other_zip_files() -> None:
    """A Word document or an OpenDocument spreadsheet renamed .xlsx: zip files, not workbooks."""
    for member, expected in (("word/document.xml", "a zip file"), ("content.xml", ".ods")):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(member, "<x/>")
        problems = await rejected("needs", out.getvalue())
        assert expected in problems[0].reason and "save it as .xlsx" in problems[0].reason


async def test_rules_see_stored_values_of_columns_the_file_leaves_out() -> None:
    """As an API update would: a file without planned_start sets planned_end before the
    stored planned_start; a file without the professions lowers the total below them; a
    file without assistance_type moves a need to an area its stored type does not fit."""
    header = ["code", "title", "type", "planned_start", "participants_total", "participants_judge"]
    await import_file(
        "activities",
        xlsx(
            [
                header,
                ["A-1", "W", "workshop", "2009-05-01", 20, 15],
                ["A-2", "W", "workshop", None, 20, 15],
            ]
        ),
        "a.xlsx",
    )
    problems = await rejected(
        "activities",
        xlsx(
            [
                ["code", "title", "type", "planned_end", "participants_total"],
                ["A-1", "W", "workshop", "2009-04-01", 20],
                ["A-2", "W", "workshop", None, 10],
            ]
        ),
    )
    assert [(p.row, p.column, p.reason) for p in problems] == [
        (2, "planned_end", "is before planned_start (2009-05-01)"),
        (
            3,
            "participants_by_profession",
            "professions add up to 15, above participants_total (10)",
        ),
    ]
    await import_file("needs", xlsx([NEED_HEADER, need_row(1)]), "needs.xlsx")  # PA2, PA2-LEG
    moved = await rejected(
        "needs", xlsx([["code", "country", "priority_area"], ["N-1", "BEN", "PA3"]])
    )
    assert [(p.row, p.column, p.value) for p in moved] == [(2, "assistance_type", "PA2-LEG")]
