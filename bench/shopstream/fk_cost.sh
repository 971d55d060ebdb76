#!/usr/bin/env bash
# What a foreign key costs on a bulk write into silver.events, the two ways BulkForeignKeys can pay it:
# checked row by row on insert (the key's trigger), or validated in one pass when the key is re-added.
#
#   bash bench/shopstream/fk_cost.sh                 # 1,000,000 rows, 3 rounds
#   FK_COST_ROWS=200000 FK_COST_ROUNDS=5 bash bench/shopstream/fk_cost.sh
#
# A scratch database gets the warehouse migrations and 208 customers; each round inserts the rows into an empty
# silver.events with the key in place, then again with the key dropped, then re-adds the key. Row-by-row cost =
# insert with the key - insert without it; validation = the re-add. Prints both per million rows and their ratio
# (medians of the rounds); BulkForeignKeys.rowCheckCostRatio is set from that ratio.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROWS="${FK_COST_ROWS:-1000000}"
ROUNDS="${FK_COST_ROUNDS:-3}"
ADMIN_PG="${ORCH_BENCH_PG:-postgresql://orch:orch@127.0.0.1:5432/orch}"
source "$ROOT/scripts/lib/pg.sh"
bash "$ROOT/scripts/pg-up.sh" >/dev/null

DB="orch_fk_cost_$(date +%s)_$$"
psql -X -q -v ON_ERROR_STOP=1 -d "$ADMIN_PG" -c "CREATE DATABASE $DB"
trap 'psql -X -q -d "$ADMIN_PG" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
DSN="$(database_dsn "$ADMIN_PG" "$DB")"
for f in "$ROOT"/migrations/warehouse/*.sql; do psql -X -q -v ON_ERROR_STOP=1 -d "$DSN" -f "$f" >/dev/null; done
psql -X -q -v ON_ERROR_STOP=1 -d "$DSN" -c "
    INSERT INTO silver.customers (customer_id, first_name, last_name, email, src_partition, src_offset, bronze_id, created_at)
    SELECT i, 'f' || i, 'l' || i, 'u' || i || '@x.io', 0, i, i, now() FROM generate_series(1, 208) i"

# One timed statement; prints its seconds (psql's \timing, in ms).
timed() {
    psql -X -q -v ON_ERROR_STOP=1 -d "$DSN" -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}
INSERT="INSERT INTO silver.events (event_id, event_type, session_id, customer_id, product_id, event_ts, event_date,
    event_data, src_partition, src_offset, bronze_id)
    SELECT 'e-' || i, 'page_view', 's-' || (i / 12), 1 + i % 208, 1 + i % 194, '2026-11-20'::timestamptz + i * interval '80 ms',
        '2026-11-20', jsonb_build_object('page', '/products/' || (1 + i % 194), 'referrer', 'google', 'session_id', 's-' || (i / 12)),
        i % 8, i, i
    FROM generate_series(1, $ROWS) i"
DEF="FOREIGN KEY (customer_id) REFERENCES silver.customers (customer_id)"

with=(); without=(); validate=()
for r in $(seq 1 "$ROUNDS"); do
    psql -X -q -d "$DSN" -c "TRUNCATE silver.events" -c "VACUUM silver.events"
    with+=("$(timed "$INSERT")")
    psql -X -q -d "$DSN" -c "TRUNCATE silver.events" -c "VACUUM silver.events" \
        -c "ALTER TABLE silver.events DROP CONSTRAINT events_customer_fk"
    without+=("$(timed "$INSERT")")
    validate+=("$(timed "ALTER TABLE silver.events ADD CONSTRAINT events_customer_fk $DEF")")
    echo "round $r: insert with the key ${with[-1]} ms, without ${without[-1]} ms, re-add ${validate[-1]} ms" >&2
done
python3 - "$ROWS" "${with[*]}" "${without[*]}" "${validate[*]}" <<'PY'
import json, statistics, sys
rows = int(sys.argv[1])
w, wo, v = ([float(x) for x in a.split()] for a in sys.argv[2:5])
per_m = 1e6 / rows / 1000  # ms for `rows` rows -> s per million rows
row_by_row = statistics.median(a - b for a, b in zip(w, wo)) * per_m
validation = statistics.median(v) * per_m
print(f"rows {rows:,}, {len(w)} rounds (medians): key checked row by row {row_by_row:.2f} s per million rows; "
      f"validated on re-add {validation:.2f} s per million rows; ratio {row_by_row / validation:.1f}")
print(json.dumps({"rows": rows, "row_by_row_s_per_million": round(row_by_row, 3),
                  "validation_s_per_million": round(validation, 3), "ratio": round(row_by_row / validation, 2)}))
PY
