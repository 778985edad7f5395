#!/usr/bin/env bash
# The SQL sinks' figures in Benchmarks/RESULTS.md, in one sitting: rows/s into PostgreSQL with
# COPY against multi-row INSERT (and SQLite), then YSB into PostgreSQL against YSB into Delta.
#
#   bash Benchmarks/sql_sinks.sh [data dir, default /tmp/sluice-bench-data] [events, default 1000000]
#
# Needs Debian's postgresql (the server binaries); starts its own server on a free loopback port
# (as the postgres user when run as root) with default settings (fsync and synchronous_commit on)
# and stops it at the end. SLUICE_SCRATCH_PATH selects the build directory (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/sluice-bench-data}
events=${2:-1000000}

build=(swift build -c release ${SLUICE_SCRATCH_PATH:+--scratch-path "$SLUICE_SCRATCH_PATH"})
for p in sluice-sql-bench sluice-ysb ysb-generate; do "${build[@]}" --product "$p" >/dev/null; done
bin=$("${build[@]}" --show-bin-path)

source Benchmarks/postgres_server.sh

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(swift --version 2>&1 | head -1), $("$bindir/postgres" --version)"
echo "## rows into the sink (append, 100k-row batches)"
sqlite_db=$(mktemp -d)/bench.db
"$bin/sluice-sql-bench" --url "$url" --rows 1000000 --batch 100000 --rounds 3 --sqlite "$sqlite_db"
rm -rf "$(dirname "$sqlite_db")"

dir="$data/ysb-$events"
[ -f "$dir/campaigns.jsonl" ] || "$bin/ysb-generate" --out "$dir" --events "$events" --files $((events / 100000))
cat "$dir"/events/* >/dev/null
echo "## YSB, $events events, 1 file per batch: Delta against PostgreSQL"
out=$(mktemp -d)
for round in 1 2 3; do
    echo -n "delta      round $round: "
    "$bin/sluice-ysb" --events "$dir/events" --campaigns "$dir/campaigns.jsonl" --max-files-per-trigger 1 \
        --table "$out/delta-$round" --checkpoint "$out/ckpt-delta-$round"
    echo -n "postgres   round $round: "
    "$bin/sluice-ysb" --events "$dir/events" --campaigns "$dir/campaigns.jsonl" --max-files-per-trigger 1 \
        --table "$url?table=ysb_$round" --checkpoint "$out/ckpt-pg-$round"
done
echo "rows written: delta $(find "$out/delta-1" -name '*.parquet' | wc -l) files; postgres $("$bindir/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d bench -c 'SELECT count(*) FROM ysb_1') rows"
rm -rf "$out"
