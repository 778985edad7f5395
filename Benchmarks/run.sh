#!/usr/bin/env bash
# Runs every benchmark behind Benchmarks/RESULTS.md in one sitting (this machine is shared and
# absolute times drift, so the DuckDB comparison is measured alongside).
#
#   bash Benchmarks/run.sh [data dir, default /tmp/sluice-bench-data]
#
# Needs: a release build (done here), python3 with duckdb==1.5.5 for the DuckDB line.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/sluice-bench-data}

swift build -c release --product sluice-bench >/dev/null
swift build -c release --product ysb-generate >/dev/null
swift build -c release --product ParquetBench >/dev/null
bin=$(swift build -c release --show-bin-path)

for n in 1000000 10000000; do
    dir="$data/ysb-$n"
    [ -f "$dir/campaigns.jsonl" ] || "$bin/ysb-generate" --out "$dir" --events "$n" --files $((n / 100000))
done

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(swift --version 2>&1 | head -1)"
for n in 1000000 10000000; do
    dir="$data/ysb-$n"
    # Read once so every run starts from the page cache.
    cat "$dir"/events/* >/dev/null
    echo "## $n events"
    if python3 -c 'import duckdb' 2>/dev/null; then python3 Benchmarks/duckdb_ysb.py "$dir" "$n"; echo; fi
    FILES_PER_TRIGGER=1 "$bin/sluice-bench" ysb "$dir"
    FILES_PER_TRIGGER=10 "$bin/sluice-bench" ysb "$dir"
    FILES_PER_TRIGGER=1 "$bin/sluice-bench" pipeline "$dir"
done
echo "## parts (1 M events)"
"$bin/sluice-bench" json-scan "$data/ysb-1000000"
"$bin/sluice-bench" json-scan-3 "$data/ysb-1000000"
"$bin/sluice-bench" operators "$data/ysb-1000000"
"$bin/ParquetBench"
