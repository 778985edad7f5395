#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a bounded time (default 30 s).
# Each run starts from the committed seeds (Fuzz/seeds/<target>/) in a scratch corpus.
# Crashing inputs are written to Fuzz/crashes/<target>/ and make the script fail: add them to
# Fuzz/seeds/ and to a regression test once fixed.
#   scripts/fuzz.sh [seconds per target]
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds="${1:-30}"

nomain=$(find /opt/swift /usr/lib -name 'libclang_rt.fuzzer_no_main-x86_64.a' 2>/dev/null | head -1)
# Coverage instrumentation on the code under test; libFuzzer without its own main(), because
# SwiftPM gives each executable a main that hands over to LLVMFuzzerRunDriver.
swift build -c release \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
  -Xlinker "$nomain" -Xlinker -lstdc++ 2>&1 | grep -E "error|warning:|Compiling|Build complete" | tail -3
status=0
for target in FuzzJSONLines FuzzParquet FuzzDeltaLog; do
  corpus=".corpus/$target"; crashes="crashes/$target"
  mkdir -p "$corpus" "$crashes"
  cp -n seeds/"$target"/* "$corpus"/
  echo "== $target for ${seconds}s"
  if ! ".build/release/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -artifact_prefix="$crashes/" "$corpus" 2>&1 | tail -2; then
    status=1
  fi
done
exit $status
