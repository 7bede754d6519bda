#!/usr/bin/env bash
# Lisoloo.Server (Release build, SQLite on disk) as the subject of the end-to-end SMPP benchmark, bound to an SMPP SMSC
# on 127.0.0.1 — the counterpart of eng/bench/kannel.sh, with the same shape.
#
#   eng/bench/lisoloo.sh start <workdir> <window> <binds 1|2> <smpp_port> <hook_port> [events]
#   eng/bench/lisoloo.sh stop <workdir>
#
# start: builds the server (Release) when needed, creates a live key (merchant bench, balance for 10 million SMS)
# whose webhook goes to http://127.0.0.1:<hook_port>/hooks for [events] (default "sms.delivered,sms.failed", the
# final-only match for Kannel's dlr-mask=3; "all" subscribes to every lifecycle event), starts the server on a free
# loopback port with <binds> SMPP connections of window <window> to the SMSC (one connection per bind, all covering
# every destination; the longest-prefix tie goes to the first), waits (bounded) until /health shows every connection
# bound, and prints one line: {"url":"http://127.0.0.1:N","key":"…","pid":P,"window":W,"binds":B}.
# stop: SIGTERM to that PID (graceful: unbind, drain), SIGKILL after 20 s; the workdir is left for the caller.
#
# LISOLOO_MAX_UNRECORDED=N sets each connection's MaxUnrecorded (default: the window).
# Settings are the defaults an operator gets, but logs at Warning: SQLite with fsync before each 201 (group commit),
# dispatcher batches of 250 with 4 in flight, webhook workers as configured by default.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
die() { echo "lisoloo.sh: $*" >&2; exit 1; }

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

start() {
  local dir="$1" window="$2" binds="$3" smpp_port="$4" hook_port="$5" events="${6:-sms.delivered,sms.failed}"
  [ -n "$hook_port" ] || die "usage: start <workdir> <window> <binds> <smpp_port> <hook_port> [events]"
  mkdir -p "$dir/data"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  local dll="$root/Lisoloo.Server/bin/Release/net10.0/Lisoloo.Server.dll"
  if [ ! -f "$dll" ] || [ -n "$(find "$root/Lisoloo.Server" "$root/Lisoloo.Sdk" -name '*.cs' -newer "$dll" -print -quit)" ]; then
    dotnet build "$root/Lisoloo.Server" -c Release -nologo -clp:ErrorsOnly >/dev/null || die "the server build failed"
  fi
  local event_args=(--webhook-events "$events")
  [ "$events" = "all" ] && event_args=()
  local created
  created="$(Lisoloo__Store__DataDirectory="$dir/data" Lisoloo__Webhooks__AllowPrivateTargets=true \
    dotnet "$dll" keys create --merchant bench --env live --balance 100000 --unit-price 0.01 --send-per-minute 100000000 \
      --webhook-url "http://127.0.0.1:$hook_port/hooks" "${event_args[@]}")" || die "keys create failed"
  local key; key="$(echo "$created" | python3 -c 'import json,sys;print(json.load(sys.stdin)["api_key"])')"
  local port; port="$(free_port)"
  local env=(Lisoloo__Store__DataDirectory="$dir/data" Lisoloo__Bootstrap__CreateSandboxKey=false
    Lisoloo__Webhooks__AllowPrivateTargets=true Logging__LogLevel__Default=Warning)
  local i
  for ((i = 0; i < binds; i++)); do
    env+=("Lisoloo__Smpp__Connections__${i}__Name=bench$i" "Lisoloo__Smpp__Connections__${i}__Host=127.0.0.1"
      "Lisoloo__Smpp__Connections__${i}__Port=$smpp_port" "Lisoloo__Smpp__Connections__${i}__SystemId=lisoloo"
      "Lisoloo__Smpp__Connections__${i}__Password=secret" "Lisoloo__Smpp__Connections__${i}__Window=$window"
      "Lisoloo__Smpp__Connections__${i}__Prefixes__0=*")
    [ -n "${LISOLOO_MAX_UNRECORDED:-}" ] && env+=("Lisoloo__Smpp__Connections__${i}__MaxUnrecorded=$LISOLOO_MAX_UNRECORDED")
  done
  env "${env[@]}" dotnet "$dll" --urls "http://127.0.0.1:$port" >"$dir/server.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/server.pid"
  local deadline=$((SECONDS + 60)) bound=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "the server exited while starting"; }
    bound="$(curl -sf "http://127.0.0.1:$port/api/v1/lisoloo/sms-api/health" 2>/dev/null \
      | python3 -c 'import json,sys
d=json.load(sys.stdin)
print(sum(1 for n, c in d.get("data",{}).get("checks",{}).items() if n.startswith("carrier:smpp:") and c.get("status")=="healthy"))' 2>/dev/null || echo 0)"
    [ "$bound" -ge "$binds" ] && break
    sleep 0.1
  done
  [ "$bound" -ge "$binds" ] || { stop "$dir"; die "the SMPP connections did not bind within 60 s (health: $(curl -s "http://127.0.0.1:$port/api/v1/lisoloo/sms-api/health"))"; }
  printf '{"url":"http://127.0.0.1:%s","key":"%s","pid":%s,"window":%s,"binds":%s}\n' "$port" "$key" "$pid" "$window" "$binds"
}

stop() {
  local dir="$1" pid
  [ -f "$dir/server.pid" ] || return 0
  pid="$(cat "$dir/server.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/server.pid"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: $0 start <workdir> <window> <binds> <smpp_port> <hook_port> [events] | stop <workdir>" ;;
esac
