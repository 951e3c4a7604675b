#!/usr/bin/env bash
# One command for a fresh machine: install everything, then typecheck, lint and run every test.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
. scripts/setup.sh
npm run test:all </dev/null
