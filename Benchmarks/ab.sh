#!/usr/bin/env bash
# Interleaved A/B of two sluice-bench binaries on the YSB query, with DuckDB alongside, for a
# shared machine where one sequential sitting (run.sh) drifts: each round runs both binaries
# back to back, in alternating order, at 1 and 10 files per batch. Report medians.
#
#   swift build -c release --product sluice-bench --scratch-path .build-before   # at the old commit
#   bash Benchmarks/ab.sh .build-before/release/sluice-bench .build/release/sluice-bench 5 [data dir]
#
# The data dir must hold ysb-generate output (run.sh makes /tmp/sluice-bench-data/ysb-10000000).
set -u
before=$1; after=$2; rounds=${3:-5}; data=${4:-/tmp/sluice-bench-data/ysb-10000000}
cd "$(dirname "$0")/.."
cat "$data"/events/* > /dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ) A/B before=$before after=$after, $(nproc) cores"
for r in $(seq 1 "$rounds"); do
    if (( r % 2 )); then order="before after"; else order="after before"; fi
    for fpt in 1 10; do
        for which in $order; do
            bin=${!which}
            echo "round $r $which fpt=$fpt load=$(cut -d' ' -f1 /proc/loadavg): $(FILES_PER_TRIGGER=$fpt "$bin" ysb "$data")"
        done
    done
    if python3 -c 'import duckdb' 2>/dev/null; then
        echo "round $r duckdb load=$(cut -d' ' -f1 /proc/loadavg): $(python3 Benchmarks/duckdb_ysb.py "$data" "$(( $(ls "$data"/events | wc -l) * 100000 ))")"
    fi
done
