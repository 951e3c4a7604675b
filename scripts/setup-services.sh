#!/usr/bin/env bash
# The real servers the tests start themselves (never as system services): PostgreSQL for the
# Postgres store, openssl for the tests' own CA, and coturn (turnserver) for the TURN relay e2e.
# Installed from Debian when missing.
set -euo pipefail
need=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql)
command -v openssl >/dev/null || need+=(openssl)
command -v turnserver >/dev/null || need+=(coturn)
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup-services: installing ${need[*]} from Debian (the tests start their own servers)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup-services: ${need[*]} missing and this user cannot apt-get install; install them first" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq </dev/null >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
fi
echo "setup-services: $(compgen -G "/usr/lib/postgresql/*/bin/postgres" | tail -1)" >&2
