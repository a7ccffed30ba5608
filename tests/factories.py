"""Small builders for API payloads, so tests state only what they are about."""

from __future__ import annotations

from typing import Any

import httpx


async def create(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(f"/api/v1/{path}", json=body)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def organization(client: httpx.AsyncClient, code: str, *roles: str) -> dict[str, Any]:
    return await create(
        client, "organizations", {"code": code, "name": f"Org {code}", "roles": list(roles)}
    )


def activity_body(code: str = "A-1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "title": f"Activity {code}",
        "type": "workshop",
        "status": "completed",
        "actual_start": "2008-06-10",
        "actual_end": "2008-06-12",
        "venue_city": "Dakar",
        "venue_country": "SEN",
        "scope": "regional",
        "priority_areas": ["PA3"],
        "assistance_types": ["PA3-CAP"],
        "instruments": ["UNTOC"],
        "beneficiary_countries": ["BEN", "SEN", "MLI"],
        "participants_total": 40,
        "participants_female": 12,
        "participants_male": 28,
    }
    body.update(overrides)
    return body


def need_body(code: str = "N-1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "country": "BEN",
        "priority_area": "PA2",
        "assistance_type": "PA2-LEG",
        "instruments": ["UNTOC"],
        "source": "questionnaire",
        "source_reference": "CTOC/COP/2008/16 para 25",
        "stated_on": "2008-08-22",
    }
    body.update(overrides)
    return body
