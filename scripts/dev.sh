#!/usr/bin/env bash
# One command for a fresh machine: install, start the server on its embedded SQLite
# (creating demo accounts on first start), then start the app in dev mode.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
. scripts/setup.sh
# Media needs mediasoup's worker: use MEDIASOUP_WORKER_BIN, or build it once (the server runs without media if this fails).
. scripts/setup-mediasoup.sh </dev/null || echo "dev: no mediasoup worker; calls work, media does not" >&2

port="${RINGDESK_PORT:-8787}"
mkdir -p data
node server/index.ts serve --demo --port "$port" --db "${RINGDESK_DB:-data/ringdesk.sqlite}" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 50); do
  if node -e "fetch('http://127.0.0.1:$port/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then break; fi
  sleep 0.2
done

# Electron's binary is fetched on first use; machines without internet (like our CI) have none.
if node -e "import('electron').then(m => require('node:fs').accessSync(m.default))" 2>/dev/null; then
  RINGDESK_SERVER="ws://127.0.0.1:$port/ws" npx electron-vite dev
else
  # No Electron here: run the same app core in Node and serve the built renderer to a browser.
  npx electron-vite build >/dev/null
  cat >&2 <<MSG
Electron's binary is not available on this machine, so the desktop window cannot open here.
Instead the headless host runs the same main-process core and serves the same renderer:
open the exact URL below in Chromium or Chrome; it carries this run's token, and the host
refuses pages without it (one tab per profile; start a second host with
  npm run host -- --port 5181
for a second user). The server is at ws://127.0.0.1:$port/ws. The CLI works too:
  npm run cli -- --user bob --password <bob's password> --auto accept
Press Ctrl+C to stop.
MSG
  node tools/headless-host/main.ts --port "${RINGDESK_HOST_PORT:-5180}"
fi
