#!/usr/bin/env bash
# `sluice ingest` throughput for Benchmarks/RESULTS.md: Kinesis (moto on loopback) and local
# files into the raw Delta table, release build.
#
#   bash Benchmarks/ingest.sh [records, default 50000] [file MB, default 256]
#
# Needs moto[server] and boto3 (.ci/requirements.txt). SLUICE_SCRATCH_PATH selects the build
# directory (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=(swift build -c release ${SLUICE_SCRATCH_PATH:+--scratch-path "$SLUICE_SCRATCH_PATH"})
"${build[@]}" --product sluice >/dev/null
bin=$("${build[@]}" --show-bin-path)
python3 Benchmarks/ingest_bench.py "$bin/sluice" --records "${1:-50000}" --file-mb "${2:-256}" \
    | tee "Benchmarks/runs/$(date -u +%Y-%m-%dT%H%MZ)-ingest.txt"
