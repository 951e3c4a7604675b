#!/usr/bin/env bash
# The real servers the tests start themselves (never as system services): PostgreSQL for the
# Postgres store, openssl for the tests' own CA, coturn (turnserver) for the TURN relay e2e, Redis
# and HAProxy for the cluster tests.
# Installed from Debian when missing.
set -euo pipefail
need=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql)
command -v openssl >/dev/null || need+=(openssl)
command -v turnserver >/dev/null || need+=(coturn)
command -v redis-server >/dev/null || need+=(redis-server)
# The load balancer in front of the cluster in the cross-node media e2e (docs/deployment-server.md's HAProxy example).
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" setup-services "the tests start their own servers" ${need[@]+"${need[@]}"}
echo "setup-services: $(compgen -G "/usr/lib/postgresql/*/bin/postgres" | tail -1)" >&2
