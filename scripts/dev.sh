#!/usr/bin/env bash
# One command for a fresh machine: install, start the server on its embedded SQLite
# (creating demo accounts on first start), then start the app in dev mode.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
. scripts/setup.sh

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
  cat >&2 <<MSG
Electron's binary is not available on this machine, so the desktop app cannot start here.
The server keeps running at ws://127.0.0.1:$port/ws. Place a call with two CLI clients (passwords above):
  npm run cli -- --user bob --password <bob's password> --auto accept
  echo '{"cmd":"callInvite","invitees":["bob"]}' | npm run cli -- --user alice --password <alice's password> --wait 5
Press Ctrl+C to stop.
MSG
  wait "$server_pid"
fi
