#!/usr/bin/env bash
# Soak (by hand, not in CI): a query on a 1-second processing-time trigger for a long time
# while a producer drops a small JSON-lines file every second; prints RSS, heap, descriptors,
# checkpoint and table file counts every report interval as a markdown table, then the growth
# per minute after warm-up. docs/RELIABILITY.md ("Soak") holds the figures.
#
#   scripts/soak.sh                                   # 10 minutes, dedup into Delta
#   scripts/soak.sh --minutes 60 --query windowed     # an hour of the windowed aggregation
#
# Options (others are passed to `sluice-soak run`, see `sluice-soak run --help`):
#   --minutes N            how long (default 10)
#   --interval-seconds S   trigger interval and producer interval (default 1)
#   --report-seconds R     seconds between rows (default 60)
#   --rows-per-file K      events per produced file (default 100)
#   --keep-input-minutes M the producer deletes its files older than M minutes (default: keeps all)
#   --optimize-minutes M   run `sluice table optimize` on the table every M minutes from another
#                          process, as an operator's schedule would (default: never)
#   --work DIR             work directory, deleted first (default /tmp/sluice-soak)
# SLUICE_SCRATCH_PATH selects the build directory (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10 interval=1 rows=100 work=/tmp/sluice-soak keep_input=() optimize_minutes='' run_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --interval-seconds) interval="$2"; shift 2 ;;
    --rows-per-file) rows="$2"; shift 2 ;;
    --keep-input-minutes) keep_input=(--keep-minutes "$2"); shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --optimize-minutes) optimize_minutes="$2"; shift 2 ;;
    *) run_args+=("$1"); shift ;;
  esac
done

build=(swift build -c release)
if [[ -n "${SLUICE_SCRATCH_PATH:-}" ]]; then build+=(--scratch-path "$SLUICE_SCRATCH_PATH"); fi
"${build[@]}" --product sluice-soak 2>&1 | grep -E "error|warning:" || true
if [[ -n "$optimize_minutes" ]]; then "${build[@]}" --product sluice 2>&1 | grep -E "error|warning:" || true; fi
bindir="$("${build[@]}" --show-bin-path)"
bin="$bindir/sluice-soak"

rm -rf "$work"
mkdir -p "$work/events"
"$bin" produce --out "$work/events" --interval-seconds "$interval" --rows-per-file "$rows" "${keep_input[@]}" \
  >"$work/producer.log" 2>&1 &
producer=$!
pids=("$producer")
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
if [[ -n "$optimize_minutes" ]]; then
  # Compaction from outside the query, as a scheduled maintenance job would run it.
  while sleep "$(awk "BEGIN { print $optimize_minutes * 60 }")"; do
    "$bindir/sluice" table optimize "$work/table" >>"$work/optimize.log" 2>&1 || echo "optimize failed (see $work/optimize.log)" >&2
  done &
  pids+=("$!")
fi

echo "# sluice-soak: ${minutes} min, one batch per ${interval} s, ${rows} events per file${optimize_minutes:+, optimize every ${optimize_minutes} min}, $(nproc) cores, $(uname -sr)"
"$bin" run --input "$work/events" --table "$work/table" --checkpoint "$work/checkpoint" \
  --minutes "$minutes" --interval-seconds "$interval" "${run_args[@]}"
