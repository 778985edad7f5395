#!/usr/bin/env bash
# Load check, bounded: a backlog many times the size of one batch must be processed with peak
# memory set by the batch size (maxFilesPerTrigger), not by the backlog.
#   scripts/load.sh [events] [max RSS MiB]
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-3000000}"
limit_mib="${2:-200}"
work="${SLUICE_LOAD_WORK:-/tmp/sluice-load}"
swift build -c release --product sluice-ysb 2>&1 | grep -E "error|warning:" || true
swift build -c release --product ysb-generate 2>&1 | grep -E "error|warning:" || true
bin=$(swift build -c release --show-bin-path)
rm -rf "$work"
"$bin/ysb-generate" --out "$work/data" --events "$events" --files $((events / 100000))
backlog_mib=$(du -sm "$work/data/events" | cut -f1)

# Peak RSS of a child process, in MiB.
peak() {
  python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' "$@"
}

status=0
for files in 1 4; do
  rm -rf "$work/table-$files" "$work/cp-$files"
  out=$(peak "$bin/sluice-ysb" --events "$work/data/events" --campaigns "$work/data/campaigns.jsonl" \
    --table "$work/table-$files" --checkpoint "$work/cp-$files" --max-files-per-trigger "$files")
  summary=$(echo "$out" | head -1); rss=$(echo "$out" | tail -1)
  echo "backlog ${backlog_mib} MiB, ${files} file(s) of 100k events per batch: $summary; peak RSS ${rss} MiB"
  if [ "$files" = 1 ] && [ "$rss" -gt "$limit_mib" ]; then
    echo "FAIL: peak RSS ${rss} MiB over the ${limit_mib} MiB bound"; status=1
  fi
done
rm -rf "$work"
exit $status
