#!/usr/bin/env bash
# Makes sure mediasoup has a worker binary and exports MEDIASOUP_WORKER_BIN. Source it (the test and
# dev scripts do): `. scripts/setup-mediasoup.sh`; run it and the last line of stdout is the path.
# In order: MEDIASOUP_WORKER_BIN if it runs; the prebuilt worker mediasoup's own install downloads
# where there is internet; else build it from mediasoup's npm tarball with Debian packages
# (tools/mediasoup-worker/build.sh: 3–4 min the first time, then cached in ~/.cache/ringdesk).
# On failure it says so and returns 1; the server then runs without media (sfu_unavailable).
_ms_setup() {
  local repo version bin build
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  version="$(node -p "require('$repo/server/package.json').dependencies.mediasoup" 2>/dev/null || echo 3.27.1)"
  if [ -n "${MEDIASOUP_WORKER_BIN:-}" ] && [ -x "$MEDIASOUP_WORKER_BIN" ]; then
    echo "setup-mediasoup: using MEDIASOUP_WORKER_BIN=$MEDIASOUP_WORKER_BIN" >&2
    return 0
  fi
  if [ -n "${MEDIASOUP_WORKER_BIN:-}" ]; then
    echo "setup-mediasoup: MEDIASOUP_WORKER_BIN=$MEDIASOUP_WORKER_BIN is not an executable file; looking for another worker" >&2
  fi
  bin="$repo/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
  if [ -x "$bin" ]; then
    export MEDIASOUP_WORKER_BIN="$bin"
    echo "setup-mediasoup: using the worker mediasoup's install downloaded: $bin" >&2
    return 0
  fi
  # The shared tools folder sits next to the repository on our machines; a fresh clone (CI) uses the in-repo copy.
  build="$repo/../shared/tools/mediasoup-worker/build.sh"
  [ -f "$build" ] || build="$repo/tools/mediasoup-worker/build.sh"
  echo "setup-mediasoup: no MEDIASOUP_WORKER_BIN; getting mediasoup $version's worker from $build (a build of 3–4 min the first time, then cached)" >&2
  if ! bin="$(bash "$build" "$version" </dev/null | tail -n 1)" || [ ! -x "$bin" ]; then
    echo "setup-mediasoup: could not build the mediasoup worker; the server will run without media (sfu_unavailable) and the SFU tests will fail. See tools/mediasoup-worker/README.md" >&2
    return 1
  fi
  export MEDIASOUP_WORKER_BIN="$bin"
  echo "setup-mediasoup: MEDIASOUP_WORKER_BIN=$bin" >&2
}
if _ms_setup; then _ms_status=0; else _ms_status=1; fi
unset -f _ms_setup
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run, not sourced: print the path for `export MEDIASOUP_WORKER_BIN=$(bash scripts/setup-mediasoup.sh | tail -1)`.
  [ "$_ms_status" -eq 0 ] && echo "$MEDIASOUP_WORKER_BIN"
  exit "$_ms_status"
fi
return "$_ms_status"
