#!/usr/bin/env python3
"""Prints docs/bi-tools.md from dags/Sources/DAGs/ShopStreamDashboard.swift: each panel's SQL as declared, and as Grafana,
Superset and Metabase spell the date range. Run: python3 scripts/bi-tools-doc.py > docs/bi-tools.md
(InsightsTests check that every declared query appears in the page verbatim)."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = (ROOT / "scripts" / "bi-tools-doc.header.md").read_text()
TOOLS = [
    ("Grafana", "$__timeFrom()::date", "($__timeTo()::date + 1)"),
    # Superset's range ends before to_dttm (start ≤ col < end): a midnight end is already the day after.
    ("Superset", "'{{ from_dttm }}'::date", "('{{ to_dttm }}'::timestamp + interval '1 day' - interval '1 microsecond')::date"),
    ("Metabase", "{{start}}", "({{end}} + 1)"),
]


def panels():
    source = (ROOT / "dags" / "Sources" / "DAGs" / "ShopStreamDashboard.swift").read_text()
    for m in re.finditer(r'Panel\("(\w+)", title: "([^"]+)", kind: \.(\w+), sql: """\n(.*?)"""', source, re.S):
        pid, title, kind, sql = m.groups()
        lines = [line[12:] if line.startswith(" " * 12) else line for line in sql.rstrip().splitlines()]
        yield pid, title, kind, "\n".join(lines)


def main():
    out = [HEADER]
    for pid, title, kind, sql in panels():
        out.append(f"### `{pid}` — {title} ({kind})\n\n```sql\n{sql}\n```\n")
        if "$1" not in sql:
            out.append("No date parameter: the same SQL in every tool.\n")
            continue
        for name, first, after in TOOLS:
            out.append(f"<details><summary>{name}</summary>\n\n```sql\n{sql.replace('$1', first).replace('$2', after)}\n```\n</details>\n")
    out.append("## Keeping the two in step\n\nThis page is generated from the declarations: "
               "`python3 scripts/bi-tools-doc.py > docs/bi-tools.md` after changing `dags/Sources/DAGs/ShopStreamDashboard.swift` "
               "(InsightsTests check that every declared query appears here verbatim).\n")
    print("\n".join(out), end="")


main()
