"""DuckDB side of the registry group-by benchmark.

Loads the same persons.csv / events.csv that `registry_bench generate` wrote, then runs
(1) the stock at a date computed from the event history, and
(2) the flat group-by over a maintained category column,
both grouped by category x origin x sex x UNHCR age bracket, with the same rules as nansen-stats:
the category is the one set by the person's last status event on or before the date (non-final
rejections change nothing), a stateless determination not undone by a nationality counts when no
protection category applies, returnees count in the calendar year of return, age at the date with
UNHCR's mid-point convention (year-only birth date = 1 July, year-month = the 15th).

Usage: python3 duckdb_groupby.py DIR [--date 2025-12-31] [--threads 2] [--repeat 3]
Prints one JSON line with the timings; writes duckdb_stock_events.csv and duckdb_stock_flat.csv in DIR.
"""

import argparse
import json
import os
import statistics
import time

import duckdb

def age_bracket_sql(d):
    md = d.month * 100 + d.day
    born_md = ("CASE WHEN p.birth_month IS NULL THEN 701 "
               "WHEN p.birth_day IS NULL THEN p.birth_month * 100 + 15 "
               "ELSE p.birth_month * 100 + p.birth_day END")
    age = f"greatest(0, {d.year} - p.birth_year - CASE WHEN {md} < ({born_md}) THEN 1 ELSE 0 END)"
    return f"""CASE WHEN p.birth_year IS NULL THEN 'unknown'
        WHEN {age} <= 4 THEN '0-4' WHEN {age} <= 11 THEN '5-11' WHEN {age} <= 17 THEN '12-17'
        WHEN {age} <= 59 THEN '18-59' ELSE '60+' END"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--date", default="2025-12-31")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    import datetime
    d = datetime.date.fromisoformat(a.date)

    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    con.execute("SET preserve_insertion_order = false")
    t = time.perf_counter()
    con.execute(f"""CREATE TABLE persons AS SELECT * FROM read_csv('{os.path.join(a.dir, 'persons.csv')}', header = true,
        columns = {{'id': 'INTEGER', 'sex': 'VARCHAR', 'birth_year': 'INTEGER', 'birth_month': 'INTEGER',
                   'birth_day': 'INTEGER', 'origin': 'VARCHAR', 'category': 'VARCHAR'}})""")
    con.execute(f"""CREATE TABLE events AS SELECT * FROM read_csv('{os.path.join(a.dir, 'events.csv')}', header = true,
        columns = {{'person_id': 'INTEGER', 'date': 'DATE', 'kind': 'VARCHAR'}})""")
    load_s = time.perf_counter() - t
    n_persons = con.execute("SELECT count(*) FROM persons").fetchone()[0]
    n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]

    age = age_bracket_sql(d)
    events_sql = f"""
    WITH last AS (
      SELECT person_id,
        arg_max(kind, date) FILTER (WHERE kind NOT IN ('dec_first_rej', 'stateless')) AS last_kind,
        max(date) FILTER (WHERE kind NOT IN ('dec_first_rej', 'stateless')) AS last_date,
        max(date) FILTER (WHERE kind = 'stateless') AS stateless_on,
        max(date) FILTER (WHERE kind = 'nationality') AS nationality_on
      FROM events WHERE date <= DATE '{a.date}'
      GROUP BY person_id
    ), cat AS (
      SELECT person_id, CASE
        WHEN last_kind = 'returned' THEN CASE WHEN year(last_date) = {d.year} THEN 'returnees' END
        WHEN last_kind IN ('resettled', 'left') THEN NULL
        WHEN last_kind IN ('dec_first_rec', 'dec_first_comp', 'dec_appeal_rec', 'dec_appeal_comp') THEN 'refugees'
        WHEN last_kind = 'claim' THEN 'asylum_seekers'
        WHEN last_kind = 'oip' THEN 'oip'
        WHEN stateless_on IS NOT NULL AND (nationality_on IS NULL OR nationality_on < stateless_on) THEN 'stateless'
      END AS category
      FROM last
    )
    SELECT c.category, p.origin, p.sex, {age} AS age_bracket, count(*) AS n
    FROM cat c JOIN persons p ON p.id = c.person_id
    WHERE c.category IS NOT NULL
    GROUP BY ALL
    """
    flat_sql = f"""
    SELECT p.category, p.origin, p.sex, {age} AS age_bracket, count(*) AS n
    FROM persons p WHERE p.category IS NOT NULL
    GROUP BY ALL
    """
    out = {}
    for name, sql in (("events", events_sql), ("flat", flat_sql)):
        times = []
        rows = None
        for _ in range(a.repeat):
            t = time.perf_counter()
            rows = con.execute(sql).fetchall()
            times.append(time.perf_counter() - t)
        out[name] = statistics.median(times)
        lines = sorted(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]}" for r in rows)
        with open(os.path.join(a.dir, f"duckdb_stock_{name}.csv"), "w") as f:
            f.write("category,origin,sex,age_bracket,n\n")
            f.write("\n".join(lines) + "\n")
    print(json.dumps({"duckdb": duckdb.__version__, "persons": n_persons, "events": n_events, "threads": a.threads,
                      "load_s": round(load_s, 3), "stock_from_events_s": round(out["events"], 3),
                      "flat_groupby_s": round(out["flat"], 3)}))


if __name__ == "__main__":
    main()
