#!/usr/bin/env bash
# Scale-out benchmark of Lisoloo.Server: accept and end-to-end throughput with 1..N nodes on one store.
#
#   eng/bench-cluster.sh <sqlite|postgres> <nodes> [duration, default 15s] [connections in total, default 32]
#
# - sqlite: one node only (an embedded file cannot be shared); the same figures as eng/bench-server.sh's first phase,
#   measured the same way as the PostgreSQL runs so they compare.
# - postgres: a private cluster (eng/pg.sh) with PostgreSQL's durable defaults (fsync, synchronous_commit and
#   full_page_writes ON: LISOLOO_PG_FSYNC=on), so a 201 means committed to disk on both providers; then <nodes> server
#   processes on free loopback ports over one database, each with the default settings (sandbox carrier: test key,
#   1 s delivery delay; every worker running on every node).
# Accept: one `wrk -t1 -c<connections / nodes>` per node, all at once for <duration> (after a 10 s warm-up), POST /send
# with one recipient; req/s summed over the nodes, p50/p99 per node. End to end: after the accept run, waits (bounded)
# until every accepted delivery is final, then reports delivered/s over [first accept, last delivery] from the store.
# MERCHANTS=per-node gives each node's wrk its own merchant (key and account) instead of one shared by all, to tell the
# cost of one hot account row (every accept and every spend of a merchant locks it) from the rest.
# Every process started here is stopped by PID on exit; the data is removed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
provider="${1:?usage: eng/bench-cluster.sh <sqlite|postgres> <nodes> [duration] [connections]}"
nodes="${2:?nodes}"; duration="${3:-15s}"; connections="${4:-32}"
[ "$provider" = sqlite ] && [ "$nodes" -ne 1 ] && { echo "bench-cluster.sh: SQLite runs one node" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench-cluster.sh: wrk is required (apt-get install wrk)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$root/Lisoloo.Server" -c Release -nologo -clp:ErrorsOnly >/dev/null
dll="$root/Lisoloo.Server/bin/Release/net10.0/Lisoloo.Server.dll"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

work="$(mktemp -d /tmp/lisoloo-bench-cluster.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ "$provider" = postgres ] && "$root/eng/pg.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

common=(Lisoloo__Bootstrap__CreateSandboxKey=false Logging__LogLevel__Default=Warning)
if [ "$provider" = postgres ]; then
  conn="$(LISOLOO_PG_FSYNC=on "$root/eng/pg.sh" start "$work/pg")"
  pg_port="$(echo "$conn" | sed -n 's/.*Port=\([0-9]*\).*/\1/p')"
  psql_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql"
  sql() { "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -d lisoloo -Atq -c "$1"; }
  "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Atq -c "CREATE DATABASE lisoloo" >/dev/null
  common+=(Lisoloo__Store__Provider=postgres "Lisoloo__Store__ConnectionString=${conn/Database=postgres/Database=lisoloo};Maximum Pool Size=40"
    "Lisoloo__MasterKey=$(head -c 32 /dev/urandom | base64)")
else
  sql() { sqlite3 "file:$work/node0/lisoloo.db?mode=ro" "$1"; }
fi

mkdir -p "$work/node0"
keys=()
for ((n = 0; n < nodes; n++)); do
  if [ "$n" -eq 0 ] || [ "${MERCHANTS:-shared}" = per-node ]; then
    keys+=("$(env "${common[@]}" Lisoloo__Store__DataDirectory="$work/node0" dotnet "$dll" keys create --merchant "bench$n" --env test \
      --balance 100000000 --unit-price 0.000001 --send-per-minute 100000000 | python3 -c 'import json,sys;print(json.load(sys.stdin)["api_key"])')")
  else
    keys+=("${keys[0]}")
  fi
done

urls=()
for ((n = 0; n < nodes; n++)); do
  mkdir -p "$work/node$n"; port="$(free_port)"
  env "${common[@]}" Lisoloo__Store__DataDirectory="$work/node$n" dotnet "$dll" --urls "http://127.0.0.1:$port" >"$work/node$n.log" 2>&1 &
  pids+=($!); urls+=("http://127.0.0.1:$port/api/v1/lisoloo/sms-api/send")
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/api/v1/lisoloo/sms-api/health" >/dev/null && break; sleep 0.1; done
done

export LISOLOO_BODY='{"to":["+14155550100"],"message":"Your code is 493201"}'
per=$(( connections / nodes )); [ "$per" -ge 1 ] || per=1
run_wrk() { # duration, output prefix
  local wpids=() n
  for ((n = 0; n < nodes; n++)); do
    LISOLOO_KEY="${keys[$n]}" wrk -t1 -c"$per" -d"$1" -s "$root/eng/bench/send.lua" "${urls[$n]}" >"$work/$2.$n" 2>&1 &
    wpids+=($!)
  done
  for p in "${wpids[@]}"; do wait "$p"; done
}
echo "== $provider, $nodes node(s), merchants ${MERCHANTS:-shared}: warm-up 10 s"
run_wrk 10s warm
first_ms="$(sql "SELECT COALESCE(MAX(id), 0) FROM sends")"
echo "== accept: $nodes × wrk -t1 -c$per -d$duration, POST /send with 1 recipient"
run_wrk "$duration" run
total=0
for ((n = 0; n < nodes; n++)); do
  rps="$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/run.$n")"
  lat="$(grep '^p50' "$work/run.$n")"; errs="$(grep '^non-2xx' "$work/run.$n")"
  echo "node $((n + 1)): $rps req/s; $lat; $errs"
  total="$(python3 -c "print(round($total + $rps))")"
done
echo "accept total: $total req/s over $nodes node(s)"

echo "== end to end: every delivery accepted in the measured run final (sandbox delay 1 s)"
for _ in $(seq 1 600); do
  left="$(sql "SELECT COUNT(*) FROM deliveries WHERE state IN ('pending','queued','processing','sent')" 2>/dev/null || echo 1)"
  [ "$left" = "0" ] && break; sleep 0.5
done
[ "$left" = "0" ] || echo "bench-cluster.sh: $left deliveries still not final after 300 s" >&2
sql "SELECT COUNT(*) || ' delivered in ' || ROUND((MAX(d.final_at) - MIN(d.pending_at)) / 1000.0, 1) || ' s from the first accept: '
       || ROUND(COUNT(*) * 1000.0 / (MAX(d.final_at) - MIN(d.pending_at))) || '/s end to end'
     FROM deliveries d WHERE d.state = 'delivered' AND d.send_id > $first_ms"
pg_cpu=""
if [ "$provider" = postgres ]; then
  pg_cpu="; PostgreSQL CPU seconds (every process of the cluster, exited backends included): $(for p in $(pgrep -u "${LISOLOO_PG_USER:-lisoloo-pg}"); do cat "/proc/$p/stat" 2>/dev/null; done | awk '{s += $14 + $15 + $16 + $17} END {printf "%.1f", s / 100}')"
fi
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg); server CPU seconds per node: $(for p in "${pids[@]}"; do awk '{printf "%.1f ", ($14+$15)/100}' "/proc/$p/stat"; done)$pg_cpu"
