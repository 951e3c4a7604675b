#!/usr/bin/env bash
# One command for a fresh machine: install everything, then typecheck, lint, build and run every
# test (unit, scenario, component and end-to-end in Chromium). Every step runs even when an earlier
# one failed, so the test totals are always reported; the exit status says if anything failed.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
. scripts/setup.sh
status=0
# The SFU tests run the real mediasoup worker: build it if there is none (exports MEDIASOUP_WORKER_BIN).
. scripts/setup-mediasoup.sh </dev/null || status=1
bash scripts/setup-e2e.sh </dev/null || status=1
bash scripts/setup-services.sh </dev/null || status=1
npm run typecheck </dev/null || status=1
npm run lint </dev/null || status=1
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json </dev/null || status=1
exit "$status"
