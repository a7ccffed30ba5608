"""Cost norm lookup and the activity templates, costed from the example norms.

Expected figures are written out by hand from the norm values in
ta_manager/cost_norms/defaults.toml, never computed by the code under test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.database import sql
from ta_manager.errors import InvalidInput
from ta_manager.proposals.norms import find_norm, load_norm_book
from ta_manager.proposals.templates import Setting, cost

D = Decimal


async def add_norm(
    item: str, unit: str, cost_: str, year: int, currency: str = "USD", **kw: str
) -> None:
    region = kw.get("region")
    venue = kw.get("venue_region")
    await sql.execute(
        "INSERT INTO cost_norm (item, unit, unit_cost, currency, year, region_id, venue_region_id,"
        " place) VALUES ($1, $2, $3, $4, $5, (SELECT id FROM region WHERE code = $6),"
        " (SELECT id FROM region WHERE code = $7), $8)",
        item,
        unit,
        D(cost_),
        currency,
        year,
        region,
        venue,
        kw.get("place", ""),
    )


async def test_footnote_17_regional_workshop_for_20_states_checked_by_hand() -> None:
    # Like the Dakar workshop of 10-12 June 2008 for francophone and Portuguese-speaking
    # African countries (CTOC/COP/2008/16 footnote 17), costed for 2009: 20 States x 2
    # participants, 3 days, interpretation into 2 languages, 2 staff from Vienna.
    assert await seed_example_norms() > 20
    book = await load_norm_book("USD", [2009])
    lines = cost(
        "regional_workshop",
        {"states": 20, "participants_per_state": 2, "days": 3, "languages": 2, "staff": 2},
        book,
        Setting(2009, "AFR-W", "Dakar"),
    )
    got = [(ln.category, ln.item, ln.quantity, ln.unit, ln.unit_cost, ln.amount) for ln in lines]
    assert got == [
        # 40 participants, ticket within Africa (AFR-W falls back to AFR): 950
        ("travel", "air_ticket", D(40), "trip", D("950"), D("38000")),
        # 40 participants x (3 + 1) days x Dakar DSA 260
        ("travel", "dsa", D(160), "day", D("260"), D("41600")),
        # venue 1,500 a day x 3 days
        ("contractual_services", "venue", D(3), "day", D("1500"), D("4500")),
        # interpretation 2,500 per language-day x 2 languages x 3 days
        ("contractual_services", "interpretation", D(6), "language_day", D("2500"), D("15000")),
        # documentation 3,000 for the meeting
        ("operating_costs", "documentation", D(1), "item", D("3000"), D("3000")),
        # 2 staff, Europe to Africa ticket 1,400
        ("travel", "air_ticket", D(2), "trip", D("1400"), D("2800")),
        # 2 staff x 4 days x 260
        ("travel", "dsa", D(8), "day", D("260"), D("2080")),
    ]
    total = sum((ln.amount for ln in lines), D(0))
    assert total == D("106980")
    # PSC 13% on top: 13,907.40; total 120,887.40
    assert total * D(13) / 100 == D("13907.40")


async def test_norm_fallbacks_year_place_region_and_currency() -> None:
    await add_norm("dsa", "day", "200", 2008)
    await add_norm("dsa", "day", "230", 2009, venue_region="AFR")
    await add_norm("dsa", "day", "280", 2009, venue_region="AFR", place="Dakar")
    await add_norm("dsa", "day", "999", 2010, venue_region="AFR")
    # the place, when it has a norm
    assert (await find_norm("dsa", 2009, venue="AFR-W", place="dakar")).unit_cost == D("280")
    # another place of the venue region: the region's norm
    assert (await find_norm("dsa", 2009, venue="AFR-W", place="Accra")).unit_cost == D("230")
    # a venue region without a norm: the norm for any venue
    assert (await find_norm("dsa", 2009, venue="EUR")).unit_cost == D("200")
    # later years never apply; the latest earlier year does
    assert (await find_norm("dsa", 2008, venue="AFR")).unit_cost == D("200")
    assert (await find_norm("dsa", 2011, venue="AFR")).unit_cost == D("999")
    # a norm in EUR costed in USD through the rate of 1 January
    await add_norm("venue", "day", "1000", 2009, currency="EUR")
    await sql.execute(
        "INSERT INTO exchange_rate (currency, valid_on, rate_to_usd)"
        " VALUES ('EUR', '2009-01-01', 1.4)"
    )
    assert (await find_norm("venue", 2009, currency="USD")).unit_cost == D("1400.0000")


async def test_missing_norm_names_item_year_and_regions() -> None:
    await add_norm("air_ticket", "trip", "900", 2009, region="AMR", venue_region="AMR")
    with pytest.raises(InvalidInput) as err:
        await find_norm("air_ticket", 2009, origin="AFR-W", venue="AFR-W")
    assert "no air_ticket norm for 2009 from region AFR-W to venue region AFR-W" in err.value.detail


async def test_norm_in_currency_without_rate_is_a_clear_error() -> None:
    await add_norm("venue", "day", "1000", 2009, currency="CHF")
    with pytest.raises(InvalidInput) as err:
        await find_norm("venue", 2009, currency="USD")
    assert "no exchange rate to USD is recorded for CHF" in err.value.detail
    assert "venue 2009" in err.value.detail


async def test_templates_mission_and_publication_from_example_norms() -> None:
    await seed_example_norms()
    book = await load_norm_book("USD", [2010])
    mission = cost("legal_advisory_mission", {}, book, Setting(2010, "WCA"))
    # 2 consultant months x 12,000; 2 trips Europe->Africa x 1,400; 2 x 5 days x DSA Africa 220
    assert [(ln.item, ln.quantity, ln.unit_cost) for ln in mission] == [
        ("consultant", D(2), D("12000")),
        ("air_ticket", D(2), D("1400")),
        ("dsa", D(10), D("220")),
    ]
    assert sum(ln.amount for ln in mission) == D("24000") + D("2800") + D("2200")
    tool = cost("tool_publication", {"pages": 80, "languages": 5}, book, Setting(2010, None))
    # 3 months x 12,000 + 80 pages x 5 languages x 60 + printing 3,000
    assert sum(ln.amount for ln in tool) == D("36000") + D("24000") + D("3000")


async def test_template_parameters_are_checked() -> None:
    await seed_example_norms()
    book = await load_norm_book("USD", [2009])
    with pytest.raises(InvalidInput) as err:
        cost("regional_workshop", {"days": -1, "colour": "red"}, book, Setting(2009, "AFR"))
    fields = {e.field for e in err.value.errors}
    assert fields == {"parameters.days", "parameters.colour", "parameters.states"}
