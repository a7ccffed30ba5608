"""Finding the cost norm that holds for an item, a year and a place.

Norms are read once into a `NormBook`; looking one up is then pure and fast, which is what
drafting hundreds of activities needs. The fallbacks, in order:

1. year: the norm of the requested year, else of the latest earlier year (norms hold until
   replaced); later years never apply;
2. place: a norm for the named place (e.g. "Dakar"), else one for no particular place;
3. venue region: the venue region itself, then the M49 region that contains it, then a norm
   for any venue;
4. region of origin (air tickets): the same chain for the origin region, then any origin;
5. grade (staff posts): that grade, else no grade;
6. a norm in the proposal's currency is preferred to one that must be converted.

Amounts in another currency are converted through USD with the rates of 1 January of the
costing year (`usd_rate`). No norm, or no rate: a clear error naming what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ta_manager.database import sql
from ta_manager.errors import InvalidInput

UNIT_COST_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Norm:
    id: int
    item: str
    unit: str
    unit_cost: Decimal
    currency: str
    year: int
    region: str | None
    venue_region: str | None
    place: str
    grade: str

    def describe(self) -> str:
        where = []
        if self.region:
            where.append(f"from {self.region}")
        if self.venue_region:
            where.append(f"venue {self.venue_region}")
        if self.place:
            where.append(f"at {self.place}")
        if self.grade:
            where.append(f"grade {self.grade}")
        text = f"{self.item} {self.year}"
        if where:
            text += " " + " ".join(where)
        return f"{text}: {self.unit_cost.normalize():f} {self.currency} per {self.unit}"


@dataclass(frozen=True)
class NormUse:
    """A norm chosen for a cost line, with its unit cost in the proposal's currency."""

    norm: Norm
    unit_cost: Decimal

    @property
    def reference(self) -> str:
        return self.norm.describe()


class NormBook:
    """Every norm, the region hierarchy and the exchange rates needed to cost a proposal."""

    def __init__(
        self,
        norms: Iterable[Norm],
        currency: str,
        parents: dict[str, list[str]] | None = None,
        usd_rates: dict[tuple[str, int], Decimal] | None = None,
    ) -> None:
        self.currency = currency
        self.parents = parents or {}
        self.usd_rates = usd_rates or {}
        self.by_item: dict[str, list[Norm]] = {}
        for n in norms:
            self.by_item.setdefault(n.item, []).append(n)

    def chain(self, region: str | None) -> list[str]:
        """The region and the regions that contain it, most specific first."""
        if not region:
            return []
        code = region.upper()
        return [code, *(p for p in self.parents.get(code, []) if p != code)]

    def find(
        self,
        item: str,
        year: int,
        *,
        origin: str | None = None,
        venue: str | None = None,
        place: str = "",
        grade: str = "",
    ) -> NormUse:
        origins, venues = self.chain(origin), self.chain(venue)
        wanted_place = place.strip().lower()
        best: tuple[tuple[int, ...], Norm] | None = None
        for n in self.by_item.get(item, []):
            if n.year > year:
                continue
            if n.region is not None and n.region not in origins:
                continue
            if n.venue_region is not None and n.venue_region not in venues:
                continue
            if n.place and n.place.lower() != wanted_place:
                continue
            if n.grade and n.grade != grade:
                continue
            key = (
                year - n.year,
                0 if n.place else 1,
                venues.index(n.venue_region) if n.venue_region else len(venues),
                origins.index(n.region) if n.region else len(origins),
                0 if n.grade else 1,
                0 if n.currency == self.currency else 1,
            )
            if best is None or key < best[0]:
                best = (key, n)
        if best is None:
            raise InvalidInput.of(
                "norm",
                missing_norm_message(item, year, origin, venue, place, grade),
                item,
            )
        norm = best[1]
        if norm.unit == "percent":  # a rate, not an amount: no currency to convert
            return NormUse(norm, norm.unit_cost)
        return NormUse(norm, self.convert(norm.unit_cost, norm.currency, year, norm))

    def convert(
        self, amount: Decimal, currency: str, year: int, norm: Norm | None = None
    ) -> Decimal:
        if currency == self.currency:
            return amount
        source = self.rate(currency, year, norm)
        target = self.rate(self.currency, year, norm)
        return (amount * source / target).quantize(UNIT_COST_PLACES)

    def rate(self, currency: str, year: int, norm: Norm | None) -> Decimal:
        if currency == "USD":
            return Decimal(1)
        rate = self.usd_rates.get((currency, year))
        if rate is None:
            about = f" (needed for the cost norm {norm.describe()})" if norm else ""
            raise InvalidInput.of(
                "currency", f"no exchange rate to USD is recorded for {currency}{about}", currency
            )
        return rate


def missing_norm_message(
    item: str, year: int, origin: str | None, venue: str | None, place: str, grade: str
) -> str:
    text = f"no {item} norm for {year}"
    if origin:
        text += f" from region {origin.upper()}"
    if venue:
        text += f" to venue region {venue.upper()}"
    if place:
        text += f" at {place}"
    if grade:
        text += f" for grade {grade}"
    return text


# ---------------------------------------------------------------------- loading from SQL
NORMS_SQL = """
SELECT n.id, n.item, n.unit, n.unit_cost, n.currency::text AS currency, n.year,
       r.code AS region, v.code AS venue_region, n.place, n.grade
  FROM cost_norm n
  LEFT JOIN region r ON r.id = n.region_id
  LEFT JOIN region v ON v.id = n.venue_region_id
 WHERE n.year <= $1
"""

# For each region or grouping, the M49 regions that contain every member State.
PARENTS_SQL = """
SELECT r.code, array_agg(DISTINCT p.code ORDER BY p.code) AS parents
  FROM region r
  JOIN region_member m ON m.region_id = r.id
  JOIN country c ON c.id = m.country_id
  JOIN region p ON p.id = c.region_id
 WHERE r.kind <> 'm49_region'
 GROUP BY r.code
HAVING count(DISTINCT c.region_id) = 1
"""

RATES_SQL = """
SELECT cur, y, r.rate
  FROM unnest($1::text[]) AS cur
 CROSS JOIN unnest($2::int[]) AS y
 CROSS JOIN LATERAL usd_rate(cur, make_date(y, 1, 1)) r
"""


async def load_norm_book(currency: str, years: Iterable[int]) -> NormBook:
    """Read the norms, region hierarchy and rates needed for costing in these years."""
    wanted_years = sorted(set(years))
    rows = await sql.fetch(NORMS_SQL, max(wanted_years))
    norms = [Norm(**dict(r)) for r in rows]
    parents = {r["code"]: list(r["parents"]) for r in await sql.fetch(PARENTS_SQL)}
    currencies = sorted({n.currency for n in norms} | {currency})
    rates = {
        (r["cur"], r["y"]): r["rate"] for r in await sql.fetch(RATES_SQL, currencies, wanted_years)
    }
    return NormBook(norms, currency, parents, rates)


async def find_norm(
    item: str,
    year: int,
    *,
    origin: str | None = None,
    venue: str | None = None,
    place: str = "",
    grade: str = "",
    currency: str = "USD",
) -> NormUse:
    """The norm for one item (see the module's fallbacks); for one-off lookups."""
    book = await load_norm_book(currency, [year])
    return book.find(item, year, origin=origin, venue=venue, place=place, grade=grade)
