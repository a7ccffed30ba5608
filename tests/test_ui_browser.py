"""The browser interface in a real headless Chromium (Playwright driving Debian's chromium)
against a real server (uvicorn on a free port, on the test database).

Skipped, with the reason, where no Chromium is installed (`.ci/run` installs it). Screenshots
of the pages go to .tmp/screenshots/ (not committed) for a reviewer to look at.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import openpyxl
import pytest

from ta_manager.activities.schemas import ActivityCreate
from ta_manager.activities.service import ActivityService
from ta_manager.database import sql
from ta_manager.funding.schemas import ContributionCreate
from ta_manager.funding.service import ContributionService
from ta_manager.needs.schemas import NeedCreate
from ta_manager.needs.service import NeedService
from ta_manager.reference.schemas import OrganizationCreate
from ta_manager.reference.services import OrganizationService
from tests.factories import activity_body, need_body
from tests.job_worker import job_worker
from tests.ui_session import PASSWORD, make_user

__all__ = ["job_worker"]

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / ".tmp" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str | None:
    for candidate in (
        os.environ.get("TA_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


CHROMIUM = chromium()
try:
    from playwright.async_api import Browser, Page, async_playwright, expect
except ImportError:  # pragma: no cover - dev dependency missing
    async_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="browser tests need Chromium: no /usr/bin/chromium (apt-get install chromium;"
        " .ci/run does it), or set TA_CHROMIUM",
    ),
    pytest.mark.skipif(async_playwright is None, reason="browser tests need playwright (dev deps)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ta-manager`'s app under uvicorn, as `serve` runs it, on the test database."""
    port = free_port()
    log_dir = ROOT / ".tmp"
    log_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "TA_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "TA_SECRET_KEY": "browser-tests-" + str(port),
        "TA_LOG_LEVEL": "WARNING",
    }
    with (log_dir / "browser-server.log").open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "ta_manager.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/health", timeout=2).status_code == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {log.name}")
                time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert async_playwright is not None and CHROMIUM is not None
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest.fixture
async def page(browser: Browser, server: str) -> AsyncIterator[Page]:
    context = await browser.new_context(
        base_url=server, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    p = await context.new_page()
    p.set_default_timeout(15_000)
    yield p
    await context.close()


async def sign_in(page: Page, role: str, **extra: Any) -> dict[str, Any]:
    user = await make_user(role, **extra)
    await page.goto("/")
    await expect(page).to_have_url("/login?next=/")
    await page.get_by_label("E-mail").fill(user["email"])
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    return user


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def test_log_in_and_create_an_activity_with_two_states(page: Page) -> None:
    await sign_in(page, "officer")
    await expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    await shot(page, "dashboard-officer")
    await page.get_by_role("link", name="Activities", exact=True).first.click()
    await page.get_by_role("link", name="New activity").click()
    await page.get_by_role("textbox", name="Code", exact=True).fill("A-BROWSER-1")
    await page.get_by_role("textbox", name="Title", exact=True).fill("Workshop for Benin and Togo")
    await page.get_by_role("combobox", name="Type", exact=True).select_option("workshop")
    states = page.get_by_label("Beneficiary States")
    await states.press_sequentially("Benin; Tog", delay=20)
    await expect(page.locator("#dl-beneficiary_countries option")).to_have_count(1)
    await states.fill("Benin; Togo")
    await page.get_by_label("PA3 — International cooperation").check()
    await page.get_by_label("Participants (total)").fill("30")
    await shot(page, "activity-form")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("heading", name="Workshop for Benin and Togo")).to_be_visible()
    await expect(page.get_by_text("Benin (BEN), Togo (TGO)")).to_be_visible()
    await page.goto("/activities?q=A-BROWSER")
    await expect(page.get_by_role("link", name="A-BROWSER-1")).to_be_visible()
    await shot(page, "activities")
    api = await page.request.get("/api/v1/activities?q=A-BROWSER-1")
    assert api.ok
    items = (await api.json())["items"]
    assert [a["beneficiary_countries"] for a in items] == [["BEN", "TGO"]]


async def test_confirm_a_candidate_and_see_the_matrix_cell_change(page: Page) -> None:
    need = await NeedService().create(
        msgspec.convert(
            need_body("N-BEN-CAP", priority_area="PA3", assistance_type="PA3-CAP"), NeedCreate
        )
    )
    await ActivityService().create(msgspec.convert(activity_body("A-WS-2008"), ActivityCreate))
    await sign_in(page, "officer")
    cell = page.locator('#heatmap td[data-country="BEN"][data-key="PA3"]')
    await page.goto("/matrix?country=BEN")
    await expect(cell).to_have_attribute("data-status", "unmet")
    await expect(cell).to_contain_text("✗")
    await page.goto(f"/needs/{need['id']}")
    await expect(page.locator("#candidates")).to_contain_text("A-WS-2008")
    await shot(page, "need-candidates")
    await page.get_by_role("button", name="A-WS-2008 answers this need").click()
    await expect(page.get_by_text("Confirmed: the activity now answers this need.")).to_be_visible()
    await expect(page.locator("#answers")).to_contain_text("A-WS-2008")
    await expect(page.locator("#matrix-cell")).to_have_attribute("data-status", "met")
    await page.goto("/matrix?country=BEN")
    await expect(cell).to_have_attribute("data-status", "met")
    await expect(cell).to_contain_text("✓")
    await shot(page, "matrix")
    await cell.get_by_role("link").click()
    await expect(page.get_by_role("heading", name="BEN \u00d7 PA3")).to_be_visible()
    await expect(page.get_by_role("link", name="N-BEN-CAP")).to_be_visible()


async def test_import_with_an_error_then_fix_and_confirm(page: Page, tmp_path: Path) -> None:
    bad = tmp_path / "activities.csv"
    bad.write_text(
        "code,title,type,beneficiary_countries,actual_start\n"
        "A-IMP-1,First,workshop,Benin,2008-06-10\n"
        "A-IMP-2,Second,workshop,Narnia,2008-06-11\n",
        encoding="utf-8",
    )
    await sign_in(page, "officer")
    await page.goto("/imports")
    await page.get_by_label("The file holds").select_option("activities")
    await page.get_by_label("File (.xlsx or .csv)").set_input_files(str(bad))
    await page.get_by_role("button", name="Check the file").click()
    problems = page.locator("#problems")
    await expect(problems).to_contain_text("Narnia")
    await expect(problems).to_contain_text("beneficiary_countries")
    await expect(page.locator("#errors-workbook")).to_be_visible()
    await shot(page, "import-problems")
    bad.write_text(bad.read_text(encoding="utf-8").replace("Narnia", "Togo"), encoding="utf-8")
    await page.get_by_label("File (.xlsx or .csv)").set_input_files(str(bad))
    await page.get_by_role("button", name="Check the file").click()
    await expect(page.get_by_text("Dry run of activities.csv")).to_be_visible()
    await shot(page, "import-dry-run")
    await page.get_by_role("button", name="Confirm: import 2 rows").click()
    await expect(page.get_by_text("Done: 2 new, 0 changed, 0 unchanged.")).to_be_visible()
    api = await page.request.get("/api/v1/activities?q=A-IMP")
    assert (await api.json())["total"] == 2


async def test_a_donor_signs_in_and_downloads_its_funding_workbook(page: Page) -> None:
    orgs = OrganizationService()
    for code in ("NORDONOR", "SWEDONOR"):
        await orgs.create(
            msgspec.convert(
                {"code": code, "name": f"Donor {code}", "roles": ["donor"]}, OrganizationCreate
            )
        )
    for code, donor in (("C-NOR-1", "NORDONOR"), ("C-SWE-1", "SWEDONOR")):
        await ContributionService().create(
            msgspec.convert(
                {
                    "code": code,
                    "donor": donor,
                    "amount": "1000.00",
                    "currency": "USD",
                    "pledged_on": "2009-01-15",
                },
                ContributionCreate,
            )
        )
    await sign_in(page, "donor", donor="NORDONOR")
    await expect(page.get_by_role("heading", name="Your contributions")).to_be_visible()
    await shot(page, "dashboard-donor")
    await page.get_by_role("link", name="Funding", exact=True).click()
    await expect(page.get_by_text("C-NOR-1")).to_be_visible()
    await expect(page.get_by_text("C-SWE-1")).to_have_count(0)
    await shot(page, "funding-donor")
    async with page.expect_download() as info:
        await page.locator("#funding-xlsx").click()
    download = await info.value
    path = await download.path()
    assert download.suggested_filename.endswith(".xlsx")
    content = await asyncio.to_thread(Path(path).read_bytes)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells = {str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r}
    assert "C-NOR-1" in cells and "C-SWE-1" not in cells


async def test_a_matrix_download_runs_as_a_job_with_progress(page: Page, job_worker: Any) -> None:
    """From /matrix: the download starts a job; its progress shows on the page (the job is
    held at its first query by a table lock this test keeps for a moment), then the link."""
    await NeedService().create(
        msgspec.convert(
            need_body("N-BEN-JOB", priority_area="PA3", assistance_type="PA3-CAP"), NeedCreate
        )
    )
    await sign_in(page, "secretariat")
    await page.goto("/matrix?country=BEN")
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold_needs() -> None:
        async with sql.transaction():
            await sql.execute("LOCK TABLE assistance_request IN ACCESS EXCLUSIVE MODE")
            locked.set()
            await asyncio.wait_for(release.wait(), 30)

    holder = asyncio.create_task(hold_needs())
    await locked.wait()
    try:
        await page.get_by_role("button", name="Download as xlsx").click()
        job = page.locator("#job-area .job")
        await expect(job.locator(".job-state")).to_have_text("running")
        await expect(job.locator("progress")).to_be_visible()
        await expect(job.get_by_role("button", name="Cancel")).to_be_visible()
        await shot(page, "matrix-job-running")
    finally:
        release.set()
        await holder
    link = job.get_by_role("link", name=re.compile(r"Download needs-matrix-.*\.xlsx"))
    await expect(link).to_be_visible()
    await shot(page, "matrix-job-done")
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    content = await asyncio.to_thread(Path(await download.path()).read_bytes)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells = {str(c) for r in book["Needs"].iter_rows(values_only=True) for c in r}
    assert "N-BEN-JOB" in cells
