#!/usr/bin/env bash
# Installs what the project needs on a fresh clone: Node 24 if the machine's
# node is older, then the locked dependencies. Usable either way:
#   bash scripts/setup.sh        (npm scripts still get Node 24, see below)
#   . scripts/setup.sh           (also puts Node 24 on this shell's PATH)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 24 ]; then
  tools="$repo/.tools/node24"
  if [ "$(node_major "$tools/bin/node")" -lt 24 ]; then
    echo "setup: node $(node --version 2>/dev/null || echo none) is too old; installing node@24 into .tools/node24" >&2
    # The `node` package creates bin/node in its preinstall script. Do not pass
    # --allow-scripts=node: it leaks into the script's nested `npm install`,
    # which then fails with EALLOWSCRIPTS.
    npm install --global --prefix "$tools" --no-audit --no-fund node@24 </dev/null
    if [ "$(node_major "$tools/bin/node")" -lt 24 ]; then
      echo "setup: $tools/bin/node is missing or not Node 24 (was its install script blocked?)" >&2
      exit 1
    fi
  fi
  export PATH="$tools/bin:$PATH"
fi
echo "setup: using node $(node --version) at $(command -v node)" >&2

# Electron's binary cannot be downloaded here; nothing in the build or tests needs it.
# A second run with an unchanged lockfile skips the reinstall (CI always starts fresh).
stamp="$repo/node_modules/.ringdesk-lock"
lock_sum="$(cksum < "$repo/package-lock.json")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ]; then
  echo "setup: dependencies already match package-lock.json" >&2
else
  # mediasoup's install step downloads a prebuilt worker from GitHub, else tries to build one with
  # tools from PyPI; offline both fail and so would `npm ci`. Given MEDIASOUP_WORKER_BIN it does
  # neither, and scripts/setup-mediasoup.sh provides the real worker afterwards.
  ms_env=()
  if [ -z "${MEDIASOUP_WORKER_BIN:-}" ] && ! node -e "fetch('https://github.com', { method: 'HEAD', signal: AbortSignal.timeout(5000) }).then(() => process.exit(0), () => process.exit(1))" 2>/dev/null; then
    echo "setup: github.com is out of reach, so mediasoup's install will not fetch its worker (scripts/setup-mediasoup.sh builds one)" >&2
    ms_env=(MEDIASOUP_WORKER_BIN=/unset/see-scripts-setup-mediasoup.sh)
  fi
  env ${ms_env[@]+"${ms_env[@]}"} ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund </dev/null
  echo "$lock_sum" > "$stamp"
fi

# `npm run` puts node_modules/.bin first on PATH, so linking Node 24 there makes
# every npm script use it even from a shell whose PATH still has the old node.
if [ "$(command -v node)" = "$repo/.tools/node24/bin/node" ]; then
  ln -sf "$repo/.tools/node24/bin/node" "$repo/node_modules/.bin/node"
fi
