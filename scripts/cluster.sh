#!/usr/bin/env bash
# A local Ringdesk cluster: Redis, PostgreSQL and 3 signaling nodes on this machine, each on its own
# port (8787, 8788, 8789; metrics on 9464-9466; media relay on the ports after the signaling ones,
# 8790-8792; mediasoup on 40000, 40010, 40020), all in temporary directories removed on exit.
# Any node accepts any user; put nginx or HAProxy in front (docs/deployment-server.md, "Cluster").
# Demo accounts are created on first start. Ctrl+C stops everything.
#   RINGDESK_CLUSTER_NODES=3  RINGDESK_CLUSTER_BASE_PORT=8787  RINGDESK_CLUSTER_KEEP=1 (keep the temp dir)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
nodes="${RINGDESK_CLUSTER_NODES:-3}"
base="${RINGDESK_CLUSTER_BASE_PORT:-8787}"
# Checked before anything starts: a typo must not leave Redis and Postgres running for nothing.
if ! [[ "$nodes" =~ ^[1-9][0-9]?$ ]]; then echo "cluster: RINGDESK_CLUSTER_NODES must be 1-99, got '$nodes'" >&2; exit 2; fi
if ! [[ "$base" =~ ^[0-9]+$ ]] || [ "$base" -lt 1024 ] || [ $((base + 2 * nodes)) -gt 65535 ]; then
  echo "cluster: RINGDESK_CLUSTER_BASE_PORT must be a port from 1024 with room for $((2 * nodes)) ports after it, got '$base'" >&2
  exit 2
fi
. scripts/setup.sh
# Media needs mediasoup's worker, as in dev.sh (each node runs without media if this fails).
. scripts/setup-mediasoup.sh </dev/null || echo "cluster: no mediasoup worker; calls work, media does not" >&2
# Redis and PostgreSQL from Debian's packages (the tests use the same binaries).
bash scripts/setup-services.sh >/dev/null

work="$(mktemp -d -t ringdesk-cluster-XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${pg_bin:-}" ] && run_pg "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  if [ -z "${RINGDESK_CLUSTER_KEEP:-}" ]; then rm -rf "$work"; else echo "cluster: kept $work" >&2; fi
}
trap cleanup EXIT INT TERM

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# Redis: no persistence needed for a demo (the cluster rebuilds its routes and leases when Redis restarts empty).
redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)

# PostgreSQL refuses to run as root: as root it runs as nobody, owning its data directory.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
mkdir -p "$work/pg" && [ "$(id -u)" = 0 ] && chown nobody "$work" "$work/pg"
run_pg "$pg_bin/initdb" -D "$work/pg" -U ringdesk --auth=trust -E UTF8 --locale=C >/dev/null
pg_port="$(free_port)"
run_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" -w start >/dev/null
run_pg "$pg_bin/createdb" -h "$work" -p "$pg_port" -U ringdesk ringdesk

export RINGDESK_REDIS_URL="redis://127.0.0.1:$redis_port"
export RINGDESK_POSTGRES_URL="postgres://ringdesk@127.0.0.1:$pg_port/ringdesk"
# Every node must share the cluster secret and the token secret (a token from one node resumes on another).
export RINGDESK_CLUSTER_SECRET="$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")"
export RINGDESK_TOKEN_SECRET="$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")"

start_node() { # $1 = index (1-based)
  local i="$1" port=$((base + $1 - 1))
  # Each node's mediasoup worker and media relay on their own ports (one host); without a worker the node
  # runs without media and relays its members' media to the nodes that have workers.
  RINGDESK_CLUSTER_NODE_ID="node$i" RINGDESK_METRICS_PORT=$((9463 + i)) RINGDESK_SFU_WORKERS=1 RINGDESK_SFU_PORT=$((40000 + (i - 1) * 10)) \
    RINGDESK_SFU_RELAY_HOST=127.0.0.1 RINGDESK_SFU_RELAY_PORT=$((base + nodes + i - 1)) \
    node server/index.ts serve --port "$port" $([ "$i" = 1 ] && echo --demo) >"$work/node$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    if node -e "fetch('http://127.0.0.1:$port/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
      echo "cluster: node$i ready at ws://127.0.0.1:$port/ws (log $work/node$i.log)"
      return 0
    fi
    sleep 0.2
  done
  echo "cluster: node$i did not start; its log:" >&2
  tail -n 30 "$work/node$i.log" >&2
  return 1
}

# Node 1 first: it migrates the database and creates the demo accounts; the others then join.
start_node 1
# The demo accounts and their passwords, as node 1 printed them (its other lines are JSON logs).
grep -v '^{' "$work/node1.log" | grep -v 'Ringdesk server ready\|metrics and readiness' || true
for i in $(seq 2 "$nodes"); do start_node "$i"; done
cat <<MSG
cluster: $nodes nodes up. Redis $RINGDESK_REDIS_URL, PostgreSQL $RINGDESK_POSTGRES_URL
Point clients (or a load balancer: docs/deployment-server.md, "Cluster") at any node, e.g.
  npm run cli -- --server ws://127.0.0.1:$((base + 1))/ws --user bob --password <bob's password> --auto accept
Press Ctrl+C to stop.
MSG
wait
