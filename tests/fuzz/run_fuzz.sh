#!/usr/bin/env bash
# Runs every fuzz target of a TAOSLINK_FUZZ build for a bounded time, one after the other.
#   tests/fuzz/run_fuzz.sh <build-dir> <seconds-per-target> [target...]
# Seeds are read from tests/fuzz/corpus/<target> and regressions/<target> (never written); what the
# fuzzer finds goes to <build-dir>/fuzz-work/<target>, so a longer run resumes from there. A crash
# leaves its input in <build-dir>/fuzz-artifacts/ and makes the script fail: add that file to
# regressions/<target>/ once it is fixed.
set -euo pipefail
build=${1:?build dir}
seconds=${2:?seconds per target}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
# UBSan reports with their stack; the build already makes every report fatal.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$build"/bin/fuzz_*; do targets+=("$(basename "$f" | sed 's/^fuzz_//')"); done
fi
mkdir -p "$build/fuzz-artifacts"
summary=""
for t in "${targets[@]}"; do
  work="$build/fuzz-work/$t"
  mkdir -p "$work"
  dirs=("$work" "$here/corpus/$t")
  [ -d "$here/regressions/$t" ] && dirs+=("$here/regressions/$t")
  log="$build/fuzz-work/$t.log"
  echo "== fuzz_$t for ${seconds}s (log: $log)"
  # rss/malloc limits: the ws_stream target may be told a frame is 2 GiB long (see README.md).
  if ! "$build/bin/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=30 \
       -rss_limit_mb=3072 -malloc_limit_mb=3072 -artifact_prefix="$build/fuzz-artifacts/$t-" \
       "${dirs[@]}" > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz_$t FAILED: the input is in $build/fuzz-artifacts/" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*/cov \1, features \2, corpus \3/')
  summary+=$(printf '%-10s %10s runs in %ss: %s' "$t" "$runs" "$seconds" "$cov")$'\n'
done
echo "== fuzzing done"
printf '%s' "$summary"
