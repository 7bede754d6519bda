#!/usr/bin/env bash
# Accept-path benchmark of Lisoloo.Server: POST /send over loopback with wrk, SQLite on disk, sandbox carrier.
# Usage: eng/bench-server.sh [duration, default 20s] [connections, default 32]
# Needs wrk and sqlite3 (Debian packages `wrk`, `sqlite3`). Starts the server (Release) on a free port with a temp data folder, stops it by PID.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-20s}"; connections="${2:-32}"
command -v wrk >/dev/null || { echo "bench-server.sh: wrk is required (apt-get install wrk)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$root/Lisoloo.Server" -c Release -nologo -clp:ErrorsOnly >/dev/null
dll="$root/Lisoloo.Server/bin/Release/net10.0/Lisoloo.Server.dll"
data="$(mktemp -d)"; port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
export Lisoloo__Store__DataDirectory="$data" Lisoloo__Bootstrap__CreateSandboxKey=false Logging__LogLevel__Default=Warning
key="$(dotnet "$dll" keys create --merchant bench --env test --balance 100000000 --unit-price 0.000001 --send-per-minute 100000000 | python3 -c 'import json,sys;print(json.load(sys.stdin)["api_key"])')"
dotnet "$dll" --urls "http://127.0.0.1:$port" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/lisoloo/sms-api/health" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/api/v1/lisoloo/sms-api/send"
one='{"to":["+14155550100"],"message":"Your code is 493201"}'
hundred="{\"to\":[$(python3 -c 'print(",".join("\"+1415555%04d\"" % i for i in range(100)))')],\"message\":\"Sale: 20% off today\"}"
export LISOLOO_KEY="$key"
echo "== warm-up (10s: tiered JIT settles)"; LISOLOO_BODY="$one" wrk -t1 -c"$connections" -d10s -s "$root/eng/bench/send.lua" "$url" >/dev/null
echo "== 1 recipient per request: wrk -t1 -c$connections -d$duration"; LISOLOO_BODY="$one" wrk -t1 -c"$connections" -d"$duration" -s "$root/eng/bench/send.lua" "$url"
echo "== end to end after the 1-recipient run: accepted → delivered (sandbox delay 1 s), drained with the workers"
db="$data/lisoloo.db"
for _ in $(seq 1 240); do
  left="$(sqlite3 "file:$db?mode=ro" "SELECT COUNT(*) FROM deliveries WHERE state IN ('pending','queued','processing','sent')" 2>/dev/null || echo 1)"
  [ "$left" = "0" ] && break; sleep 0.5
done
sqlite3 "file:$db?mode=ro" "
  WITH d AS (SELECT pending_at AS p, final_at AS dl FROM deliveries WHERE state='delivered')
  SELECT printf('%d delivered in %.1f s of wall time: %.0f/s end to end; accept→delivered p50 %.2f s, max %.2f s (includes the 1 s sandbox delay)',
    COUNT(*), (MAX(dl)-MIN(p))/1000.0, COUNT(*)*1000.0/(MAX(dl)-MIN(p)),
    (SELECT (dl-p)/1000.0 FROM d ORDER BY dl-p LIMIT 1 OFFSET (SELECT COUNT(*)/2 FROM d)), MAX(dl-p)/1000.0) FROM d;"
echo "== end to end with webhooks: accepted → delivered → sms.delivered received and verified by samples/WebhookReceiver"
dotnet build "$root/samples/WebhookReceiver" -c Release -nologo -clp:ErrorsOnly >/dev/null
hook_port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
hooked="$(dotnet "$dll" keys create --merchant hooks --env test --balance 100000000 --unit-price 0.000001 --send-per-minute 100000000 \
  --webhook-url "http://127.0.0.1:$hook_port/hooks/sms" --webhook-events sms.delivered)"
hook_key="$(echo "$hooked" | python3 -c 'import json,sys;print(json.load(sys.stdin)["api_key"])')"
hook_secret="$(echo "$hooked" | python3 -c 'import json,sys;print(json.load(sys.stdin)["webhook_secret"])')"
LisolooWebhooks__Secrets__0="$hook_secret" Logging__LogLevel__Default=Warning \
  dotnet "$root/samples/WebhookReceiver/bin/Release/net10.0/WebhookReceiver.dll" --urls "http://127.0.0.1:$hook_port" >"$data/receiver.log" 2>&1 &
receiver_pid=$!
trap 'kill "$pid" "$receiver_pid" 2>/dev/null; wait "$pid" "$receiver_pid" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$hook_port/" >/dev/null && break; sleep 0.1; done
LISOLOO_KEY="$hook_key" LISOLOO_BODY="$one" wrk -t1 -c32 -d"$duration" -s "$root/eng/bench/send.lua" "$url" | grep -E "Requests/sec|p50|non-2xx"
for _ in $(seq 1 240); do
  left="$(sqlite3 "file:$db?mode=ro" "SELECT (SELECT COUNT(*) FROM events WHERE state='pending') + (SELECT COUNT(*) FROM deliveries WHERE state IN ('pending','queued','processing','sent'))" 2>/dev/null || echo 1)"
  [ "$left" = "0" ] && break; sleep 0.5
done
sqlite3 "file:$db?mode=ro" "
  WITH e AS (SELECT created_at AS c, next_attempt_at AS r, attempts FROM events WHERE state='delivered' AND key_id=(SELECT MAX(id) FROM api_keys)),
       s AS (SELECT MIN(created_at) AS first FROM sends WHERE key_id=(SELECT MAX(id) FROM api_keys))
  SELECT printf('%d webhooks received (2xx) in %.1f s from the first accept: %.0f/s end to end; event written→received p50 %.3f s, max %.3f s; %d needed a retry; %d events failed',
    COUNT(*), (MAX(r)-(SELECT first FROM s))/1000.0, COUNT(*)*1000.0/(MAX(r)-(SELECT first FROM s)),
    (SELECT (r-c)/1000.0 FROM e ORDER BY r-c LIMIT 1 OFFSET (SELECT COUNT(*)/2 FROM e)), MAX(r-c)/1000.0,
    (SELECT COUNT(*) FROM e WHERE attempts > 1), (SELECT COUNT(*) FROM events WHERE state='failed')) FROM e;"
echo "== 100 recipients per request: wrk -t1 -c$connections -d$duration"; LISOLOO_BODY="$hundred" wrk -t1 -c"$connections" -d"$duration" -s "$root/eng/bench/send.lua" "$url"
echo "== store: $(du -sh "$data" | cut -f1) after the runs"
