#!/usr/bin/env bash
# The log pipeline benchmark of issue 15, in one sitting: generate 30 days of service logs
# (~1 GB of JSON per day, stored zstd-compressed), ingest them with streaming queries into a
# date-partitioned Delta table that auto-compaction clusters (Z-order customer, service, ts) and
# into an errors-per-minute table, then time the log dump (library and `sluice logs`), DuckDB's
# delta_scan and raw-JSON scan, and the 24-hour error chart. Output goes to stdout.
#
#   bash Benchmarks/logs.sh DIR [DAYS] [BYTES_PER_DAY]      # DIR needs ~16 GB free for 30 days
#   rm -rf DIR                                               # afterwards
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?usage: logs.sh DIR [DAYS] [BYTES_PER_DAY]}
DAYS=${2:-30}
BYTES=${3:-1000000000}
swift build -c release --product sluice-logs-bench >/dev/null
swift build -c release --product sluice >/dev/null
BIN=$(swift build -c release --show-bin-path)
B=$BIN/sluice-logs-bench
mkdir -p "$DIR"
date -u +"sitting %Y-%m-%dT%H:%MZ"; uptime
[ -d "$DIR/raw" ] || $B generate "$DIR" "$DAYS" "$BYTES"
[ -d "$DIR/tables/logs" ] || /usr/bin/time -f "ingest: %e s wall, %U s user, %S s system, %M KB peak" $B ingest "$DIR"
du -sb "$DIR/raw" "$DIR/tables/logs" "$DIR/tables/errors_per_minute"

# One customer's service over 3 hours: 2026-11-15 13:00-16:00 in New York (EST) = 18:00-21:00 UTC.
$B dump "$DIR" cust-0137 svc-07 "2026-11-15 13:00" "2026-11-15 16:00" America/New_York 5
for i in 1 2 3; do
  /usr/bin/time -f "sluice logs (process): %e s wall, %M KB peak" $BIN/sluice logs "$DIR/tables/logs" \
    --where customer=cust-0137 --where service=svc-07 --from "2026-11-15 13:00" --to "2026-11-15 16:00" \
    --tz America/New_York > "$DIR/dump.jsonl"
done
wc -l < "$DIR/dump.jsonl"
$B chart "$DIR" "2026-11-15 00:00" "2026-11-16 00:00" America/New_York 5
python3 Benchmarks/duckdb_logs.py "$DIR" cust-0137 svc-07 "2026-11-15 18:00:00+00" "2026-11-15 21:00:00+00" "$DIR/raw/*.zst" 5
# The same filter over every raw JSON file with Sluice's own reader (a streaming query, availableNow).
$B scanraw "$DIR" cust-0137 svc-07 "2026-11-15 13:00" "2026-11-15 16:00" America/New_York "*.zst"
