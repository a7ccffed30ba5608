"""Regenerate ta_manager/reference/data/countries.csv from country_converter's data.

The CSV is committed so that seeding needs no network and is reviewable; rerun this after
upgrading country_converter.
"""

from __future__ import annotations

import csv
from pathlib import Path

import country_converter as coco

SUB_REGIONS = {
    # M49 sub-region name: (code, M49 code, region code)
    "Northern Africa": ("AFR-N", "015", "AFR"),
    "Eastern Africa": ("AFR-E", "014", "AFR"),
    "Middle Africa": ("AFR-M", "017", "AFR"),
    "Southern Africa": ("AFR-S", "018", "AFR"),
    "Western Africa": ("AFR-W", "011", "AFR"),
    "Caribbean": ("AMR-CAR", "029", "AMR"),
    "Central America": ("AMR-CEN", "013", "AMR"),
    "South America": ("AMR-S", "005", "AMR"),
    "Northern America": ("AMR-N", "021", "AMR"),
    "Central Asia": ("ASIA-C", "143", "ASIA"),
    "Eastern Asia": ("ASIA-E", "030", "ASIA"),
    "South-eastern Asia": ("ASIA-SE", "035", "ASIA"),
    "Southern Asia": ("ASIA-S", "034", "ASIA"),
    "Western Asia": ("ASIA-W", "145", "ASIA"),
    "Eastern Europe": ("EUR-E", "151", "EUR"),
    "Northern Europe": ("EUR-N", "154", "EUR"),
    "Southern Europe": ("EUR-S", "039", "EUR"),
    "Western Europe": ("EUR-W", "155", "EUR"),
    "Australia and New Zealand": ("OCE-ANZ", "053", "OCE"),
    "Melanesia": ("OCE-MEL", "054", "OCE"),
    "Micronesia": ("OCE-MIC", "057", "OCE"),
    "Polynesia": ("OCE-POL", "061", "OCE"),
}

OUT = Path(__file__).resolve().parents[1] / "ta_manager" / "reference" / "data" / "countries.csv"


def main() -> None:
    data = coco.CountryConverter().data
    rows = []
    for _, r in data.iterrows():
        iso2 = str(r["ISO2"])
        if "^" in iso2:  # e.g. '^GB$|^UK$'
            iso2 = iso2.split("|")[0].strip("^$")
        sub = SUB_REGIONS.get(str(r["UNregion"]))
        un_code = r["UNcode"]
        rows.append(
            {
                "iso2": iso2,
                "iso3": r["ISO3"],
                "m49_code": f"{int(un_code):03d}" if str(un_code) not in ("<NA>", "nan") else "",
                "name": r["name_short"],
                "official_name": r["name_official"],
                "sub_region": sub[0] if sub else "",
                "un_member": "1" if str(r["UNmember"]) not in ("<NA>", "nan") else "0",
            }
        )
    rows.sort(key=lambda x: x["iso3"])
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} countries to {OUT}")


if __name__ == "__main__":
    main()
