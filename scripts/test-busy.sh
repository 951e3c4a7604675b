#!/usr/bin/env bash
# Runs Vitest while every core is saturated, to show the tests do not depend on machine load
# (docs/testing.md). A CPU hog per core (stress-ng) starts first and is always stopped on exit.
#
#   bash scripts/test-busy.sh                                 # the whole suite, once
#   BUSY_RUNS=3 bash scripts/test-busy.sh test/integration    # these files, three times
#
# Env: BUSY_RUNS (default 1), BUSY_HOGS (default: nproc), BUSY_MAX_SECONDS (default 3600: stress-ng
# stops by itself then, even if this script is killed with SIGKILL and its trap never runs).
# Prints, per run, the pass/fail counts and the load average before and after; exits non-zero if any run failed.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if ! command -v stress-ng >/dev/null; then
  echo "test-busy: stress-ng is not installed (Debian/Ubuntu: apt-get install stress-ng)" >&2
  exit 2
fi
runs="${BUSY_RUNS:-1}"
hogs="${BUSY_HOGS:-$(nproc)}"
max_s="${BUSY_MAX_SECONDS:-3600}"
out="$(mktemp -d "${TMPDIR:-/tmp}/ringdesk-busy.XXXXXX")"

# Its own session (setsid), so stopping it means signalling one process group: the stress-ng parent and
# every worker it forked, without touching anything else on the machine.
setsid stress-ng --cpu "$hogs" --cpu-load 100 --timeout "${max_s}s" --quiet </dev/null &
hog=$!
stop_hogs() {
  kill -TERM -- "-$hog" 2>/dev/null || true
  wait "$hog" 2>/dev/null || true
  rm -rf "$out"
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM

sleep 3 # let the hogs take the cores before the first test starts
if ! kill -0 "$hog" 2>/dev/null; then
  echo "test-busy: stress-ng did not start" >&2
  exit 2
fi
echo "test-busy: $hogs CPU hogs on $(nproc) cores (stress-ng pgid $hog); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

status=0
summary=()
for i in $(seq 1 "$runs"); do
  before="$(cut -d' ' -f1-3 /proc/loadavg)"
  rc=0
  npx vitest run --reporter=default --reporter=json --outputFile.json="$out/run-$i.json" "$@" </dev/null || rc=$?
  after="$(cut -d' ' -f1-3 /proc/loadavg)"
  counts="$(node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  ' "$out/run-$i.json" 2>/dev/null || echo "no results")"
  summary+=("run $i/$runs: $counts (exit $rc); load average before $before, after $after")
  [ "$rc" -eq 0 ] || status=1
done

echo
echo "test-busy: under $hogs CPU hogs on $(nproc) cores:"
printf '  %s\n' "${summary[@]}"
exit "$status"
