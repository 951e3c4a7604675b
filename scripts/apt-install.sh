#!/usr/bin/env bash
# Installs Debian packages the tests need, as root or through sudo:
#   bash scripts/apt-install.sh <caller> <what for> <package>...
# Prints what it installs and why; fails with a clear message where this user cannot install.
set -euo pipefail
who="$1"; why="$2"; shift 2
[ "$#" -gt 0 ] || exit 0
echo "$who: installing $* from Debian ($why)" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "$who: $* missing and this user cannot apt-get install; install them first" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq </dev/null >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
