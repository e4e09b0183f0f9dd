#!/usr/bin/env python3
"""Generate an import CSV of N rows (default 10,000) for the import benchmark (tests/import/bench.sh):
places, weekly activities at them, vacancies, with themes and audiences as labels and some unknown codes."""
import csv, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
cols = ["kind", "external_id", "organisation_external_id", "organisation", "title", "summary", "municipality", "areas",
        "themes", "audiences", "accessibility", "street", "house_number", "postcode", "city", "lat", "lon",
        "place_external_id", "opening_hours", "starts_at", "ends_at", "repeat", "registration", "capacity",
        "places_left", "hours_per_week", "commitment", "skills", "valid_until"]
w = csv.DictWriter(sys.stdout, fieldnames=cols, lineterminator="\n")
w.writeheader()
themes = ["Ontmoeten", "beweging", "Sport", "Taal", "Mantelzorg", "knutselen"]
days = ["MO", "TU", "WE", "TH", "FR"]
for i in range(n):
    org = f"bench-org-{i // 50}"
    r = {"external_id": f"bench-{i}", "organisation_external_id": org, "organisation": f"Buurtvereniging {i // 50}",
         "municipality": "GM0512", "themes": themes[i % 6] + ";" + themes[(i + 1) % 6], "audiences": "Ouderen;iedereen"}
    k = i % 10
    if k < 3:
        r.update(kind="place", title=f"Buurthuis {i}", summary="Een plek in de wijk.", areas="Lingewijk",
                 street="Lingewijk", house_number=str(i % 200 + 1), postcode="4205 AB", city="Gorinchem",
                 lat=f"{51.83 + (i % 100) / 10000:.4f}", lon=f"{4.97 + (i % 97) / 10000:.4f}",
                 accessibility="wheelchair=yes", opening_hours="ma 09:00-17:00;wo 09:00-12:00")
    elif k < 8:
        d = (i % 5)
        r.update(kind="activity", title=f"Activiteit {i}", summary="Samen iets doen.",
                 place_external_id=f"bench-{i - k}", starts_at=f"2027-01-{4 + d:02d}T10:00",
                 ends_at=f"2027-01-{4 + d:02d}T12:00", repeat=f"FREQ=WEEKLY;BYDAY={days[d]}",
                 registration="required", capacity="20", places_left="20")
    else:
        r.update(kind="vacancy", title=f"Vrijwilliger {i}", summary="Help mee.", hours_per_week="2",
                 commitment="ongoing", skills="Gastvrij", valid_until="2027-12-31")
    w.writerow(r)
