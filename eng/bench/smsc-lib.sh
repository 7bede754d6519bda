# Sourced by the SMPP benchmarks (eng/bench-smpp.sh, eng/bench/kannel-bench.sh): the Node SMSC they share.
#   start_smsc WORKDIR WHO   starts tests/peers/smsc/smsc.js on free loopback ports (system_id lisoloo, password
#                            secret), waits (bounded) for its ports in WORKDIR/smsc.json and sets smsc_pid; WHO names
#                            the caller in the error it exits with when the SMSC does not start
#   stop_smsc                SIGTERM to smsc_pid, SIGKILL after 5 s
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
