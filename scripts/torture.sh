#!/usr/bin/env bash
# Crash torture, bounded: builds sluice-torture in release mode and runs three queries (windowed
# aggregation, deduplication, stateless) from files into Delta tables, SIGKILLing the worker at
# seeded random moments, acting as an operator between kills (restoring older copies of the
# checkpoint and the table, deleting the table) and beside the workers (optimize and vacuum,
# replays of a day), and comparing the result with an uninterrupted run. Exits non-zero on any
# mismatch. docs/RELIABILITY.md explains the harness and holds the long-run figures.
#
#   scripts/torture.sh                      # CI: 25 kills per query, seed 1, 80 files
#   scripts/torture.sh --kills 200 --files 300 --rows-per-file 200 --seed 7   # a long run
#
# Options are passed to `sluice-torture run` (see `sluice-torture run --help`); the defaults
# below apply unless given. SLUICE_SCRATCH_PATH selects the build directory (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."

args=("$@")
has() { local o; for o in "${args[@]}"; do [[ "$o" == "$1" || "$o" == "$1="* ]] && return 0; done; return 1; }
has --kills || args+=(--kills 25)
has --seed || args+=(--seed 1)
has --files || args+=(--files 80)
# Every fifth kill also deletes the table's newest commit: the restart must re-apply that batch.
has --lose-last-commit-every || args+=(--lose-last-commit-every 5)
# Operator actions: an older checkpoint put back every 6 kills (refused, then `recover`), an older
# table every 7 (re-applied), the table deleted every 11 (rebuilt); optimize and vacuum beside
# every 4th worker, a replay of a day beside every 3rd (and the last) worker.
has --restore-checkpoint-every || args+=(--restore-checkpoint-every 6)
has --restore-table-every || args+=(--restore-table-every 7)
has --delete-table-every || args+=(--delete-table-every 11)
has --maintain-every || args+=(--maintain-every 4)
has --replay-every || args+=(--replay-every 3)
# Kills are aimed at every step; if one was still missed, kill on (up to 3x) until it is hit.
has --require-every-step || args+=(--require-every-step)

build=(swift build -c release --product sluice-torture)
if [[ -n "${SLUICE_SCRATCH_PATH:-}" ]]; then build+=(--scratch-path "$SLUICE_SCRATCH_PATH"); fi
"${build[@]}"
bin="$("${build[@]}" --show-bin-path)/sluice-torture"

echo "+ sluice-torture run ${args[*]}"
"$bin" run "${args[@]}"
