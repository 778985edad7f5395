#!/usr/bin/env bash
# Lookup-join throughput in Benchmarks/RESULTS.md: a query joining each micro-batch of orders
# with a PostgreSQL table of customers (`lookupJoin(.postgres(...))`) at 0 %, 90 % and 99 %
# cache hit rates, in one sitting.
#
#   bash Benchmarks/lookup_join.sh [rows per batch, default 100000] [batches, default 11] [rounds, default 3]
#
# Needs Debian's postgresql (the server binaries); starts its own server on a free loopback port
# (as the postgres user when run as root) with default settings and stops it at the end.
# SLUICE_SCRATCH_PATH selects the build directory (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
batches=${2:-11}
rounds=${3:-3}

build=(swift build -c release ${SLUICE_SCRATCH_PATH:+--scratch-path "$SLUICE_SCRATCH_PATH"})
"${build[@]}" --product sluice-lookup-bench >/dev/null
bin=$("${build[@]}" --show-bin-path)

source Benchmarks/postgres_server.sh
# Every customer the runs can ask for, and as many again that are never asked for.
customers=$(( 2 * (batches + 1) * rows ))
"${psql[@]}" -d bench -c "CREATE TABLE customers (customer_id bigint PRIMARY KEY, name text, tier integer, country text, since date)" \
    -c "INSERT INTO customers SELECT i, 'customer ' || i, i % 5, 'C' || (i % 200), DATE '2020-01-01' + (i % 2000) FROM generate_series(1, $customers) AS i" \
    -c "VACUUM ANALYZE customers"

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(swift --version 2>&1 | head -1), $("$bindir/postgres" --version)"
echo "## lookup join, $batches batches of $rows orders (each a different customer), table of $customers customers"
# One process per figure, so one that fails costs only its own line.
run() { "$bin/sluice-lookup-bench" --url "$url" --table customers --rows "$rows" --batches "$batches" "$@" 2>&1 \
    | grep -v ' info sluice: ' | grep -E '^(hit|no lookup)|rror|crashed' || true; }
for round in $(seq 1 "$rounds"); do
    echo "round $round"
    run --baseline --hit-rates ""
    for hit in 0 90 99; do echo -n "memory   "; run --memory --hit-rates "$hit"; done
    for hit in 0 90 99; do echo -n "postgres "; run --hit-rates "$hit"; done
done
