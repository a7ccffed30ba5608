"""Turning candidate activities into answers: an officer confirms or rejects a candidate.

A candidate (reports/matrix.py: same State as a beneficiary, same priority area and, when the
need names one, assistance type; not linked yet) becomes a real `activity_need` link when an
officer confirms it: the activity's `needs` gain the need's code through ActivityService,
so the write is versioned, audited and held to the officer's assignments like any edit.
A rejection is stored (`candidate_rejection`, audited) so the candidate stops being offered;
undoing it offers the candidate again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ta_manager.accounts.assignments import within_assignment
from ta_manager.activities.service import ActivityService
from ta_manager.audit.trail import record_change
from ta_manager.database import sql
from ta_manager.needs.service import NeedService

if TYPE_CHECKING:
    from ta_manager.accounts.users import Account

RESOURCE = "candidate rejection"
_COLUMNS = "id, activity_id, assistance_request_id, reason, rejected_by, created_at"


async def confirm(account: Account | None, need_id: int, activity_id: int) -> dict[str, Any]:
    """Link the activity to the need ("this activity answers this need"); returns the
    activity as updated. A concurrent edit of the activity gives StaleVersion (409)."""
    activities = ActivityService()
    need = await NeedService().get(need_id)
    activity = await activities.get(activity_id)
    codes = list(dict.fromkeys([*activity["needs"], need["code"]]))

    async def write() -> dict[str, Any]:
        async with sql.transaction():
            updated = await activities.update(activity_id, {"needs": codes}, activity["version"])
            await _forget_rejection(need_id, activity_id)
            return updated

    return await within_assignment(account, activities.table, activity_id, write)


async def reject(
    account: Account | None, need_id: int, activity_id: int, reason: str = ""
) -> dict[str, Any] | None:
    """Record that the activity does not answer the need; returns the stored rejection
    (None when it was already rejected)."""
    await NeedService().get(need_id)
    await ActivityService().get(activity_id)
    stored: dict[str, Any] | None = None

    async def write() -> None:
        nonlocal stored
        row = await sql.fetchrow(
            "INSERT INTO candidate_rejection (activity_id, assistance_request_id, reason,"
            " rejected_by) VALUES ($1, $2, $3, $4)"
            f" ON CONFLICT (activity_id, assistance_request_id) DO NOTHING RETURNING {_COLUMNS}",
            activity_id,
            need_id,
            reason.strip()[:2000],
            account.id if account else None,
        )
        if row is not None:
            stored = dict(row)
            await record_change(RESOURCE, "create", stored["id"], None, stored)

    async with sql.transaction():
        await within_assignment(account, "assistance_request", need_id, write)
    return stored


async def undo_rejection(account: Account | None, need_id: int, activity_id: int) -> None:
    """Offer the candidate again."""

    async def write() -> None:
        await _forget_rejection(need_id, activity_id)

    async with sql.transaction():
        await within_assignment(account, "assistance_request", need_id, write)


async def _forget_rejection(need_id: int, activity_id: int) -> None:
    row = await sql.fetchrow(
        "DELETE FROM candidate_rejection WHERE assistance_request_id = $1 AND activity_id = $2"
        f" RETURNING {_COLUMNS}",
        need_id,
        activity_id,
    )
    if row is not None:
        await record_change(RESOURCE, "delete", row["id"], dict(row), None)


async def rejected(need_id: int) -> list[dict[str, Any]]:
    """The rejected candidates of a need, with the activity's code and title."""
    rows = await sql.fetch(
        "SELECT r.id, r.activity_id, a.code, a.title, r.reason, r.created_at,"
        " u.email AS rejected_by FROM candidate_rejection r"
        " JOIN activity a ON a.id = r.activity_id"
        " LEFT JOIN app_user u ON u.id = r.rejected_by"
        " WHERE r.assistance_request_id = $1 ORDER BY r.created_at DESC",
        need_id,
    )
    return [dict(r) for r in rows]
