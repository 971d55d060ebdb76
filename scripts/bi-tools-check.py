#!/usr/bin/env python3
"""Runs every panel query of docs/bi-tools.md through psql, as orch runs it and as each BI tool's variant reads after
the tool has filled in its date macros, and checks that all four give the same rows for the same days.

    python3 scripts/bi-tools-check.py 'postgresql://bi_reader:…@127.0.0.1:5432/warehouse' [--first 2026-11-01 --last 2026-11-29]

What stands in for each tool (from its documentation; no Grafana, Superset or Metabase runs here):
  Grafana   $__timeFrom() / $__timeTo()  → the range as quoted RFC 3339 UTC instants ('…T00:00:00Z', '…T23:59:59.999Z')
  Superset  {{ from_dttm }} / {{ to_dttm }} → naive ISO datetimes of a [start, end) range, end = the day after the last
  Metabase  {{start}} / {{end}} (Date variables) → DATE '…' literals of the first and last day
Exit status 1 if a query fails or a variant's rows differ from orch's.
"""
import argparse
import datetime
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def blocks(text):
    """(panel id, [(variant, sql)]) from the page: the declared SQL, then the <details> of each tool."""
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        pid = re.match(r"`(\w+)`", section).group(1)
        variants = [("orch", re.search(r"```sql\n(.*?)\n```", section, re.S).group(1))]
        for tool, sql in re.findall(r"<summary>(\w+)</summary>\s*```sql\n(.*?)\n```", section, re.S):
            variants.append((tool, sql))
        yield pid, variants


def psql(dsn, sql):
    r = subprocess.run(["psql", dsn, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True)
    return r.returncode, (r.stdout if r.returncode == 0 else r.stderr.strip())


def fill(tool, sql, first, last):
    after = last + datetime.timedelta(days=1)
    if tool == "orch":
        return sql.replace("$1", f"'{first}'::date").replace("$2", f"'{after}'::date")
    if tool == "Grafana":
        return sql.replace("$__timeFrom()", f"'{first}T00:00:00Z'").replace("$__timeTo()", f"'{last}T23:59:59.999Z'")
    if tool == "Superset":
        return sql.replace("{{ from_dttm }}", f"{first}T00:00:00").replace("{{ to_dttm }}", f"{after}T00:00:00")
    if tool == "Metabase":
        return sql.replace("{{start}}", f"DATE '{first}'").replace("{{end}}", f"DATE '{last}'")
    raise ValueError(tool)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dsn")
    yesterday = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)
    p.add_argument("--first", type=datetime.date.fromisoformat, default=yesterday - datetime.timedelta(days=29))
    p.add_argument("--last", type=datetime.date.fromisoformat, default=yesterday)
    a = p.parse_args()
    failures = 0
    for pid, variants in blocks((ROOT / "docs" / "bi-tools.md").read_text()):
        results = {}
        for tool, sql in variants:
            code, out = psql(a.dsn, fill(tool, sql, a.first, a.last))
            results[tool] = out
            if code != 0:
                print(f"FAIL {pid} ({tool}): {out}")
                failures += 1
        rows = len(results["orch"].splitlines())
        for tool, out in results.items():
            if tool != "orch" and out != results["orch"]:
                print(f"DIFF {pid}: {tool} gives {len(out.splitlines())} rows unlike orch's {rows}"
                      f" (first difference: {next((x, y) for x, y in zip(out.splitlines() + [''], results['orch'].splitlines() + ['']) if x != y)})")
                failures += 1
        print(f"ok   {pid}: {rows} row(s), {len(variants) - 1} tool variant(s)" if not any(
            r != results["orch"] for r in results.values()) else f"     {pid}: checked")
    print(f"{failures} problem(s); range {a.first} .. {a.last}")
    sys.exit(1 if failures else 0)


main()
