"""A small, hand-countable data set built through the services, shared by the report tests.

What it holds (and what the report tests expect from it):
- needs: BEN PA2/PA2-LEG met (completed legal advice), TCD PA3/PA3-EQP partly (only a planned
  workshop), MLI PA3/PA3-EQP unmet (its only activity was cancelled), NER PA2/PA2-TRN unmet
  (no link), COL PA3/PA3-CAP unmet with the LAC regional workshop as a candidate, GAB withdrawn.
- 2008 activities held: legal advice to Benin (10 participants: 4 women, 6 men), a regional
  workshop in Bogotá for 20 LAC States (40: 25 women, 15 men), a training for Benin and
  Colombia (20: 10 women, 10 men). 21 distinct States assisted. A cancelled training (Mali)
  and a workshop planned for 2009 (Chad) are not held in 2008.
- money: donor NOR gives 1,000,000 USD received and 500,000 EUR pledged (rate 1.4 from
  2008-06-01 → 700,000 USD); 300,000 allocated to the LAC workshop (250,000 spent) and
  200,000 to project P-GLO. Donor EU gives 100,000 USD, not allocated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ta_manager.activities.service import ActivityService
from ta_manager.database import sql
from ta_manager.funding.service import (
    AllocationService,
    ContributionService,
    ExchangeRateService,
    ExpenditureService,
)
from ta_manager.needs.service import NeedService
from ta_manager.projects.service import ProjectService
from ta_manager.reference.services import OrganizationService, RatificationService

D = dt.date
LAC_20 = [
    "COL", "ARG", "BOL", "BRA", "CHL", "ECU", "PRY", "PER", "URY", "VEN",
    "MEX", "GTM", "HND", "SLV", "NIC", "CRI", "PAN", "CUB", "DOM", "JAM",
]  # fmt: skip


async def build_fixture() -> dict[str, Any]:
    """Create the data set above; returns ids the tests need."""
    orgs = OrganizationService()
    for code, name, roles in [
        ("NOR", "Norway", ["donor"]),
        ("EU", "European Union", ["donor"]),
        ("OAS", "Organization of American States", ["partner"]),
        ("UNDP", "United Nations Development Programme", ["partner"]),
        ("EVIL", '=HYPERLINK("http://x")', ["partner"]),
    ]:
        await orgs.create({"code": code, "name": name, "roles": roles})
    rates = ExchangeRateService()
    await rates.create({"currency": "EUR", "valid_on": D(2008, 1, 1), "rate_to_usd": "1.5"})
    await rates.create({"currency": "EUR", "valid_on": D(2008, 6, 1), "rate_to_usd": "1.4"})
    await ProjectService().create({"code": "P-GLO", "title": "Global programme", "donors": ["NOR"]})

    needs = NeedService()
    for code, iso3, area, kind, status in [
        ("N-BEN-LEG", "BEN", "PA2", "PA2-LEG", "open"),
        ("N-TCD-EQP", "TCD", "PA3", "PA3-EQP", "open"),
        ("N-MLI-EQP", "MLI", "PA3", "PA3-EQP", "open"),
        ("N-NER-TRN", "NER", "PA2", "PA2-TRN", "open"),
        ("N-COL-CAP", "COL", "PA3", "PA3-CAP", "open"),
        ("N-GAB-EQP", "GAB", "PA3", "PA3-EQP", "withdrawn"),
    ]:
        await needs.create(
            {
                "code": code,
                "country": iso3,
                "priority_area": area,
                "assistance_type": kind,
                "instruments": ["UNTOC"],
                "stated_on": D(2008, 3, 1),
                "status": status,
                "description": "-SUM(A1)" if code == "N-NER-TRN" else "",
            }
        )

    activities = ActivityService()
    for item in [
        {
            "code": "A-LEG-BEN",
            "title": "Legislative advice to Benin",
            "type": "legal_advisory",
            "status": "completed",
            "actual_start": D(2008, 4, 10),
            "actual_end": D(2008, 4, 12),
            "venue_city": "Cotonou",
            "venue_country": "BEN",
            "beneficiary_countries": ["BEN"],
            "priority_areas": ["PA2"],
            "assistance_types": ["PA2-LEG"],
            "instruments": ["UNTOC"],
            "partners": ["UNDP"],
            "needs": ["N-BEN-LEG"],
            "participants_total": 10,
            "participants_female": 4,
            "participants_male": 6,
        },
        {
            "code": "A-WS-PLAN",
            "title": "Workshop for central authorities of Chad",
            "type": "workshop",
            "status": "planned",
            "planned_start": D(2009, 2, 1),
            "planned_end": D(2009, 2, 3),
            "beneficiary_countries": ["TCD"],
            "priority_areas": ["PA3"],
            "assistance_types": ["PA3-EQP"],
            "needs": ["N-TCD-EQP"],
        },
        {
            "code": "A-CANC",
            "title": "Cancelled training for Mali",
            "type": "training",
            "status": "cancelled",
            "planned_start": D(2008, 5, 1),
            "beneficiary_countries": ["MLI"],
            "priority_areas": ["PA3"],
            "assistance_types": ["PA3-EQP"],
            "needs": ["N-MLI-EQP"],
        },
        {
            "code": "A-WS-LAC",
            "title": "=Regional workshop for Latin America and the Caribbean",
            "type": "workshop",
            "status": "completed",
            "scope": "regional",
            "actual_start": D(2008, 9, 12),
            "actual_end": D(2008, 9, 14),
            "venue_city": "Bogotá",
            "venue_country": "COL",
            "beneficiary_countries": LAC_20,
            "priority_areas": ["PA3"],
            "assistance_types": ["PA3-CAP"],
            "instruments": ["UNTOC"],
            "partners": ["OAS", "EVIL"],
            "participants_total": 40,
            "participants_female": 25,
            "participants_male": 15,
        },
        {
            "code": "A-TRN-BEN",
            "title": "Training on trafficking in persons",
            "type": "training",
            "status": "completed",
            "actual_start": D(2008, 11, 3),
            "actual_end": D(2008, 11, 5),
            "venue_city": "Cotonou",
            "venue_country": "BEN",
            "beneficiary_countries": ["BEN", "COL"],
            "priority_areas": ["PA2"],
            "assistance_types": ["PA2-TRN"],
            "instruments": ["TIP"],
            "partners": ["OAS"],
            "participants_total": 20,
            "participants_female": 10,
            "participants_male": 10,
            "project": "P-GLO",
        },
    ]:
        await activities.create(item)

    contributions = ContributionService()
    c1 = await contributions.create(
        {
            "code": "C-NOR-1",
            "donor": "NOR",
            "amount": "1000000.00",
            "currency": "USD",
            "status": "received",
            "pledged_on": D(2008, 1, 15),
            "received_on": D(2008, 2, 1),
        }
    )
    await contributions.create(
        {
            "code": "C-NOR-2",
            "donor": "NOR",
            "amount": "500000.00",
            "currency": "EUR",
            "pledged_on": D(2008, 6, 15),
        }
    )
    await contributions.create(
        {
            "code": "C-EU-1",
            "donor": "EU",
            "amount": "100000.00",
            "currency": "USD",
            "pledged_on": D(2008, 3, 1),
        }
    )
    allocations = AllocationService()
    a1 = await allocations.create(
        {
            "contribution": "C-NOR-1",
            "activity": "A-WS-LAC",
            "amount": "300000.00",
            "allocated_on": D(2008, 3, 1),
        }
    )
    await allocations.create(
        {
            "contribution": "C-NOR-1",
            "project": "P-GLO",
            "amount": "200000.00",
            "allocated_on": D(2008, 3, 2),
        }
    )
    await ExpenditureService().create(
        {"allocation_id": a1["id"], "amount": "250000.00", "spent_on": D(2008, 9, 30)}
    )
    ratifications = RatificationService()
    for iso3, instrument, on in [
        ("BEN", "UNTOC", D(2004, 8, 30)),
        ("TCD", "UNTOC", D(2009, 6, 18)),
        ("COL", "UNTOC", D(2004, 8, 4)),
        ("BEN", "TIP", D(2008, 5, 1)),
    ]:
        await ratifications.create({"country": iso3, "instrument": instrument, "deposited_on": on})
    return {"c1": c1["id"]}


async def test_fixture_builds_through_the_services() -> None:
    await build_fixture()
    assert await sql.fetchval("SELECT count(*) FROM assistance_request") == 6
    assert await sql.fetchval("SELECT count(*) FROM activity") == 5
    assert (
        await sql.fetchval(
            "SELECT count(*) FROM activity_country ac JOIN activity a ON a.id = ac.activity_id"
            " WHERE a.code = 'A-WS-LAC'"
        )
        == 20
    )
