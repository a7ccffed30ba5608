"""Keyset pages (`cursor`) and totals (`total=exact`, estimated otherwise) of record lists."""

from __future__ import annotations

from typing import Any

import httpx

from ta_manager.database import sql

PAGE = 10


async def _insert(codes: list[str], starts: list[str | None] | None = None) -> None:
    await sql.execute(
        "INSERT INTO activity (code, title, activity_type_id, actual_start)"
        " SELECT c, 'Keyset ' || c, (SELECT id FROM activity_type ORDER BY id LIMIT 1), s::date"
        " FROM unnest($1::text[], $2::text[]) AS x (c, s)",
        codes,
        starts or [None] * len(codes),
    )


async def _page(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    r = await client.get("/api/v1/activities", params={"limit": str(PAGE), **params})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_keyset_pages_walk_the_list_without_duplicates_or_gaps_under_inserts(
    client: httpx.AsyncClient,
) -> None:
    originals = [f"K-{i:03d}" for i in range(0, 200, 2)]  # K-000, K-002, ... K-198
    # Every third has a start date, the others none (NULLS LAST), several share a date.
    starts = [f"2008-0{1 + i % 3}-01" if i % 3 == 0 else None for i in range(len(originals))]
    await _insert(originals, starts)
    for n, sort in enumerate(("code", "-actual_start", "actual_start,-code")):
        seen: list[str] = []
        body = await _page(client, sort=sort)
        extra = 0
        while True:
            seen += [a["code"] for a in body["items"]]
            # Meanwhile others insert records sorting before, among and after the rows seen.
            extra += 1
            await _insert(
                [f"K-{n}-{extra}-a", f"K-{extra * 7:03d}x{n}", f"K-{n}-{extra}-z"],
                ["2007-12-31", None, "2008-02-01"],
            )
            if body["next_cursor"] is None:
                break
            body = await _page(client, sort=sort, cursor=body["next_cursor"])
        assert len(seen) == len(set(seen)), f"{sort}: a row was shown twice"
        assert set(originals) <= set(seen), f"{sort}: rows present throughout were skipped"
        await sql.execute("DELETE FROM activity WHERE code NOT LIKE 'K-___'")


async def test_prev_cursor_walks_back_the_same_pages(client: httpx.AsyncClient) -> None:
    await _insert([f"P-{i:03d}" for i in range(35)])
    forward = [await _page(client)]
    while forward[-1]["next_cursor"]:
        forward.append(await _page(client, cursor=forward[-1]["next_cursor"]))
    assert [len(p["items"]) for p in forward] == [10, 10, 10, 5]
    assert forward[0]["prev_cursor"] is None and forward[-1]["next_cursor"] is None
    back = await _page(client, cursor=forward[-1]["prev_cursor"])
    assert [a["code"] for a in back["items"]] == [a["code"] for a in forward[-2]["items"]]
    assert back["next_cursor"] is not None
    again = await _page(client, cursor=back["next_cursor"])
    assert [a["code"] for a in again["items"]] == [a["code"] for a in forward[-1]["items"]]


async def test_a_cursor_is_checked(client: httpx.AsyncClient) -> None:
    await _insert([f"C-{i:03d}" for i in range(15)])
    first = await _page(client)
    cases = [
        ({"cursor": "not-a-cursor"}, "is not a cursor this list gave"),
        ({"cursor": first["next_cursor"], "sort": "-code"}, "was made for sort 'code'"),
        ({"cursor": first["next_cursor"], "offset": "10"}, "not both"),
    ]
    for params, reason in cases:
        r = await client.get("/api/v1/activities", params=params)
        assert r.status_code == 422, r.text
        (error,) = r.json()["errors"]
        assert error["field"] == "cursor" and reason in error["reason"]


async def test_total_is_exact_when_asked_and_marked_when_estimated(
    client: httpx.AsyncClient,
) -> None:
    await _insert([f"T-{i:05d}" for i in range(3000)])
    await sql.execute("ANALYZE activity")
    exact = await _page(client, total="exact")
    assert exact["total"] == 3000 and exact["total_exact"] is True
    estimated = await _page(client)
    assert estimated["total_exact"] is False
    assert 1500 <= estimated["total"] <= 6000  # the planner's estimate, never below the page
    # Exact without asking where it costs nothing: few matches, or the last page.
    few = await _page(client, q="T-0001")
    assert few["total"] == 10 and few["total_exact"] is True
    last = await _page(client, offset="2995")
    assert last["total"] == 3000 and last["total_exact"] is True
    # With a cursor, an exact total counts the whole list, not the rows after the cursor.
    deep = await _page(client, cursor=exact["next_cursor"], total="exact")
    assert deep["total"] == 3000 and deep["total_exact"] is True
    assert deep["items"][0]["code"] == "T-00010"
