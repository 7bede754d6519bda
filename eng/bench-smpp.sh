#!/usr/bin/env bash
# Kannel against Lisoloo.Server, end to end over SMPP, like for like: the same Node SMSC (tests/peers/smsc, the npm
# `smpp` package) with the same settings, the same load driver (the .NET one: Lisoloo.Benchmarks e2e), the same
# windows, binds, message sizes and receipt types. A message is complete when the gateway's final callback for it is
# received: Kannel's dlr-url (type 1 or 2), Lisoloo's sms.delivered/sms.failed webhook.
#
#   eng/bench-smpp.sh                                   # defaults below, ~6 min on 2 cores
#   CONFIGS="10:1 100:1" PARTS="1 3" MASKS="3 31" REPEAT=2 COUNT1=20000 COUNT3=10000 CONCURRENCY=64 eng/bench-smpp.sh
#
# - CONFIGS: window:binds. Kannel: `max-pending-submits` and that many smsc groups; Lisoloo: `Window` and that many
#   connections (eng/bench/kannel.sh, eng/bench/lisoloo.sh).
# - MASKS: 3 = final receipts only (Kannel dlr-mask=3; Lisoloo's key subscribed to sms.delivered,sms.failed); 31 = every
#   receipt type (Kannel dlr-mask=31; Lisoloo's key subscribed to every lifecycle event: queued, processing, sent, ...).
# - RECEIPT_DELAY_MS (default 500): the SMSC sends each receipt that long after the submit_sm_resp, on any bound
#   transceiver (round-robin). "net/s" removes it: completed / (seconds − delay). At 0 (the receipt in the same tick as
#   the resp) two things hurt Kannel that a real SMSC, whose receipts take seconds, does not provoke: (1) Kannel 1.4.5
#   leaves Nagle on for its SMPP socket (no TCP_NODELAY; strace shows none), so a submit_sm written right after a
#   deliver_sm_resp waits for the SMSC's delayed ACK: window 10 fell from ~2,000 to ~450 msg/s, and back with
#   TCP_NODELAY forced by an LD_PRELOAD shim or with receipts 10 ms later; (2) with two binds, a receipt read on bind B
#   before bind A has read the submit_sm_resp finds no DLR entry: Kannel logs "got DLR but could not find message" and
#   that message never completes (hundreds per thousand at 0 ms, dozens at 100 ms, none seen at 300 ms). The script
#   reports such lost receipts from Kannel's log after each configuration.
# - Each gateway gets a fresh start per (config, mask), a warm-up of WARMUP messages (default 20,000: the server's
#   tiered JIT needs that long; its first run after a shorter one costs ~30 % more CPU) not reported, then REPEAT runs per
#   part count; the summary keeps each case's best run (the least disturbed on a shared 2-core machine) and prints the
#   ratio Lisoloo / Kannel. "cpu µs/msg" is the gateway's own CPU (bearerbox + smsbox, or the server) per message:
#   steadier than the rates on this VM.
# Kannel stores nothing durably here (its default); Lisoloo commits every state to SQLite (fsync) before it answers or
# acts. Everything listens on 127.0.0.1; every process is stopped by its PID on exit; every wait is bounded.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/eng/bench"
COUNT1="${COUNT1:-20000}"; COUNT3="${COUNT3:-10000}"; CONCURRENCY="${CONCURRENCY:-64}"
CONFIGS="${CONFIGS:-10:1 100:1}"; PARTS="${PARTS:-1 3}"; MASKS="${MASKS:-3}"; TARGETS="${TARGETS:-kannel lisoloo}"
WARMUP="${WARMUP:-20000}"; REPEAT="${REPEAT:-2}"; TIMEOUT="${TIMEOUT:-300s}"; RECEIPT_DELAY_MS="${RECEIPT_DELAY_MS:-500}"
export PATH="$PATH:/usr/sbin" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

[ -e "$root/tests/peers/node_modules/smpp" ] || { echo "bench-smpp.sh: tests/peers/node_modules is missing (eng/test.sh installs it)" >&2; exit 1; }
dotnet build "$root/tests/Lisoloo.Benchmarks" -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build "$root/Lisoloo.Server" -c Release -nologo -clp:ErrorsOnly >/dev/null
driver="$root/tests/Lisoloo.Benchmarks/bin/Release/net10.0/Lisoloo.Benchmarks.dll"
work="$(mktemp -d /tmp/bench-smpp.XXXXXX)"
OUT="$work/results.jsonl"
smsc_pid=""; gateway_dir=""; gateway=""

# The Node SMSC: start_smsc WORKDIR WHO sets smsc_pid once its ports are in WORKDIR/smsc.json; stop_smsc ends it.
start_smsc() {
  local work="$1" who="$2"
  node "$root/tests/peers/smsc/smsc.js" --smpp-port 0 --control-port 0 --system-id lisoloo --password secret --no-stdin-exit \
    </dev/null >"$work/smsc.json" 2>"$work/smsc.err" &
  smsc_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/smsc.json" ] && break; kill -0 "$smsc_pid" 2>/dev/null || break; sleep 0.1; done
  [ -s "$work/smsc.json" ] || { echo "$who: the SMSC did not start: $(cat "$work/smsc.err")" >&2; exit 1; }
}

stop_smsc() {
  if [ -n "${smsc_pid:-}" ] && kill -0 "$smsc_pid" 2>/dev/null; then
    kill -TERM "$smsc_pid"
    for _ in $(seq 1 50); do kill -0 "$smsc_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$smsc_pid" 2>/dev/null
  fi
  return 0
}

stop_gateway() {
  [ -n "$gateway_dir" ] || return 0
  if [ "$gateway" = kannel ]; then
    local lost; lost="$(grep -c 'could not find message' "$gateway_dir/bearerbox.log" 2>/dev/null || true)"
    if [ "${lost:-0}" -gt 0 ]; then echo "# $gateway_dir: Kannel dropped $lost receipt(s) it could not match"; fi
  fi
  "$bench/$gateway.sh" stop "$gateway_dir" || true
  gateway_dir=""
}
cleanup() {
  set +e
  stop_gateway
  stop_smsc
  if [ "${KEEP:-0}" = 1 ]; then echo "work directory (logs, results): $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

field() { python3 -c 'import json,sys;d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
hz="$(getconf CLK_TCK)"

start_smsc "$work" bench-smpp.sh
smpp_port="$(field smpp_port <"$work/smsc.json")"; control_port="$(field control_port <"$work/smsc.json")"
control="http://127.0.0.1:$control_port"
smsc_post() { curl -sf --max-time 5 -X POST -H 'Content-Type: application/json' "$control$1" ${2:+-d "$2"} >/dev/null; }

echo "# Kannel $(bearerbox --version 2>/dev/null | sed -n "s/^Kannel bearerbox version \`\(.*\)'\.$/\1/p" | head -1 || echo '?') vs Lisoloo.Server ($(git -C "$root" rev-parse --short HEAD)); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); concurrency $CONCURRENCY; receipts ${RECEIPT_DELAY_MS} ms after the resp"
printf '%-8s %-8s %-5s %-4s %6s %6s %7s %7s %7s %8s %8s %9s %5s\n' target window/b parts mask count done 'e2e/s' 'net/s' 'acc/s' 'p50ms' 'p99ms' 'cpuµs/msg' 'oth%'
first=1
for target in $TARGETS; do
  for config in $CONFIGS; do
    window="${config%%:*}"; binds="${config##*:}"
    for mask in $MASKS; do
      gateway="$target"; gateway_dir="$work/$target-w$window-b$binds-m$mask"
      if [ "$target" = kannel ]; then
        started="$("$bench/kannel.sh" start "$gateway_dir" "$window" "$binds" "$smpp_port" "$control_port")"
        url="http://127.0.0.1:$(echo "$started" | field sendsms_port)"
        pids=("$(echo "$started" | field bearerbox_pid)" "$(echo "$started" | field smsbox_pid)")
        args=(--target kannel --url "$url" --dlr-mask "$mask" --listen 0)
      else
        listen="$(free_port)"
        events="sms.delivered,sms.failed"; [ "$mask" = 31 ] && events=all
        started="$("$bench/lisoloo.sh" start "$gateway_dir" "$window" "$binds" "$smpp_port" "$listen" "$events")"
        url="$(echo "$started" | field url)"; pids=("$(echo "$started" | field pid)")
        args=(--target lisoloo --url "$url" --key "$(echo "$started" | field key)" --listen "$listen")
      fi
      smsc_post /reset; smsc_post /config "{\"receiptDelayMs\":$RECEIPT_DELAY_MS}"
      dotnet "$driver" e2e "${args[@]}" --count "$WARMUP" --concurrency "$CONCURRENCY" --first "$first" --timeout 60s --idle 10s \
        >/dev/null 2>&1 || true
      first=$((first + WARMUP))
      for parts in $PARTS; do
        count="$COUNT1"; [ "$parts" = 3 ] && count="$COUNT3"
        for _rep in $(seq 1 "$REPEAT"); do
          smsc_post /reset; smsc_post /config "{\"receiptDelayMs\":$RECEIPT_DELAY_MS}"
          g0="$(ticks "${pids[@]}")"; t0="$(busy)"; w0="$(date +%s.%N)"
          result="$(dotnet "$driver" e2e "${args[@]}" --count "$count" --concurrency "$CONCURRENCY" --parts "$parts" \
            --first "$first" --timeout "$TIMEOUT" 2>"$work/e2e.err")" || true
          g1="$(ticks "${pids[@]}")"; t1="$(busy)"; w1="$(date +%s.%N)"
          first=$((first + count))
          [ -n "$result" ] || { echo "bench-smpp.sh: the driver gave no result ($target $config $parts $mask): $(head -3 "$work/e2e.err")" >&2; continue; }
          RESULT="$result" python3 - "$target" "$window" "$binds" "$mask" "$RECEIPT_DELAY_MS" "$hz" "$((g1 - g0))" "$((t1 - t0))" \
            "$(python3 -c "print($w1 - $w0)")" "$OUT" <<'PY'
import json, os, sys
target, window, binds, mask, delay, hz, gticks, busy, wall, out = sys.argv[1:]
r = json.loads(os.environ["RESULT"])
delay, hz, gticks, busy, wall = int(delay), int(hz), int(gticks), int(busy), float(wall)
done = r["completed"]
r["case"] = {"target": target, "window": int(window), "binds": int(binds), "mask": int(mask), "receipt_delay_ms": delay}
r["e2e_net_per_s"] = round(done / (r["seconds"] - delay / 1000), 1) if r["seconds"] > delay / 1000 else None
r["gateway_cpu_us_per_msg"] = round(gticks / hz / max(1, done) * 1e6)
other = max(0, round((busy - gticks) / hz / wall * 100) - round(r.get("client_cpu_s", 0) / wall * 100))
r["other_cpu_pct"] = other
open(out, "a").write(json.dumps(r) + "\n")
flags = ("  TIMED OUT" if r.get("timed_out") else "") + (f"  dup {r['duplicates']}" if r.get("duplicates") else "") + ("  (other processes took CPU)" if other > 20 else "")
print(f"{target:<8} {window + '/' + binds:<8} {r['parts']:<5} {mask:<4} {r['count']:>6} {done:>6} {r['e2e_per_s']:>7} {r['e2e_net_per_s']:>7} {r['accept_per_s']:>7} "
      f"{r['latency_ms']['p50']:>8} {r['latency_ms']['p99']:>8} {r['gateway_cpu_us_per_msg']:>9} {other:>5}{flags}")
PY
        done
      done
      stop_gateway
    done
  done
done

echo "# best of $REPEAT per case (net e2e/s, gateway CPU µs/msg) and the ratio Lisoloo / Kannel"
python3 - "$OUT" <<'PY'
import json, sys
best = {}
for line in open(sys.argv[1]):
    r = json.loads(line); c = r["case"]
    key = (c["window"], c["binds"], r["parts"], c["mask"], c["target"])
    if key not in best or (r["e2e_net_per_s"] or 0) > (best[key]["e2e_net_per_s"] or 0):
        best[key] = r
print(f"{'window/b':<9} {'parts':<5} {'mask':<4} {'kannel net/s':>12} {'lisoloo net/s':>13} {'ratio':>6} {'kannel µs':>10} {'lisoloo µs':>11}")
for (w, b, p, m) in sorted({k[:4] for k in best}):
    k, l = best.get((w, b, p, m, "kannel")), best.get((w, b, p, m, "lisoloo"))
    kn, ln = (k or {}).get("e2e_net_per_s"), (l or {}).get("e2e_net_per_s")
    ratio = f"{ln / kn:.2f}" if kn and ln else "-"
    print(f"{str(w) + '/' + str(b):<9} {p:<5} {m:<4} {kn or '-':>12} {ln or '-':>13} {ratio:>6} {(k or {}).get('gateway_cpu_us_per_msg', '-'):>10} {(l or {}).get('gateway_cpu_us_per_msg', '-'):>11}")
PY
