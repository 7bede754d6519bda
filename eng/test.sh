#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need when it is missing (the npm peer: the `smpp` SMSC;
# PostgreSQL from Debian's package), and ends with one line: "N passed, N failed[, N skipped]".
# Usage: eng/test.sh [extra dotnet test arguments, e.g. --filter Category=Contract]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/.eng-tmp/test-results"
rm -rf "$results"
mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- npm peers (node smpp) ----------------------------------------------------------------------------
peers="$root/tests/peers"
if [ -f "$peers/package-lock.json" ]; then
  stamp="$peers/node_modules/.lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$peers/package-lock.json" "$stamp"; then
    echo "test.sh: installing npm test peers (npm ci)"
    (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$peers/package-lock.json" "$stamp"
  fi
fi

# --- PostgreSQL: one private cluster for the run (eng/pg.sh), its connection string in LISOLOO_TEST_POSTGRES;
#     stopped and removed at exit, failure and Ctrl-C alike --------------------------------------------------------
pg_dir="$root/.eng-tmp/pg"
stop_pg() {
  "$root/eng/pg.sh" stop "$pg_dir" >/dev/null || echo "test.sh: could not stop the PostgreSQL cluster in $pg_dir" >&2
}
"$root/eng/pg.sh" stop "$pg_dir" 2>/dev/null || rm -rf "$pg_dir"   # what a killed run left behind
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! LISOLOO_TEST_POSTGRES="$("$root/eng/pg.sh" start "$pg_dir")"; then
  echo "test.sh: the test PostgreSQL cluster did not start (eng/pg.sh start $pg_dir; why is above); tests need it" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
export LISOLOO_TEST_POSTGRES
echo "test.sh: PostgreSQL test cluster: $LISOLOO_TEST_POSTGRES"

# --- build once, then test every project -------------------------------------------------------------
if ! dotnet build "$root/Lisoloo.sln" -c Release -nologo -clp:ErrorsOnly; then
  echo "test.sh: the build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
dotnet test "$root/Lisoloo.sln" -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" "$@" -- NUnit.NumberOfTestWorkers=2 || status=$?
stop_pg   # the checks below need no database

# --- native AOT proof: samples/AotSmoke publishes with zero trim/AOT warnings (they are errors there), and the
#     native binary then sends through the reference server (started here on a free loopback port, stopped by PID) --
aot_passed=0; aot_failed=0
aot_dir="$root/.eng-tmp/aot"; rm -rf "$aot_dir"; mkdir -p "$aot_dir"
if [ "$#" -gt 0 ]; then
  echo "test.sh: extra test arguments given; the native AOT check is skipped"
elif dotnet publish "$root/samples/AotSmoke" -c Release -r linux-x64 -nologo -o "$aot_dir/bin" >"$aot_dir/publish.log" 2>&1 \
   && ! grep -qE "warning (IL|AOT)[0-9]+" "$aot_dir/publish.log"; then
  server_dll="$root/Lisoloo.Server/bin/Release/net10.0/Lisoloo.Server.dll"
  port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  key="$(Lisoloo__Store__DataDirectory="$aot_dir/data" dotnet "$server_dll" keys create --merchant aot --env test --balance 1 \
         | python3 -c 'import json,sys;print(json.load(sys.stdin)["api_key"])')" || key=""
  Lisoloo__Store__DataDirectory="$aot_dir/data" Lisoloo__Bootstrap__CreateSandboxKey=false \
    dotnet "$server_dll" --urls "http://127.0.0.1:$port" >"$aot_dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/api/v1/lisoloo/sms-api/health" >/dev/null && break; sleep 0.1; done
  if timeout 60 "$aot_dir/bin/AotSmoke" "http://127.0.0.1:$port/" "$key" >"$aot_dir/run.log" 2>&1 && grep -q "^sent: " "$aot_dir/run.log"; then
    aot_passed=1; echo "test.sh: native AOT sample published without warnings and sent through the reference server"
  else
    aot_failed=1; echo "test.sh: the native AOT sample failed against the reference server:" >&2; cat "$aot_dir/run.log" >&2
  fi
  kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true
else
  aot_failed=1; echo "test.sh: native AOT publish of samples/AotSmoke failed or warned:" >&2; grep -E "warning|error" "$aot_dir/publish.log" | tail -20 >&2 || true
fi

# --- packages: Lisoloo.Sdk, Lisoloo.Sdk.AspNetCore and Lisoloo.Sdk.Testing pack (package validation on) with their
#     README, symbols and every target, into a local feed with a version of this run; then a customer's test project
#     (tests/Lisoloo.PackageConsumer.Tests, not in the solution) restores them from that feed and runs -------------------
pack_passed=0; pack_failed=0
if [ "$#" -eq 0 ]; then
  feed="$root/.eng-tmp/feed"; rm -rf "$feed"; : >"$root/.eng-tmp/pack.log"
  version="0.1.0-ci.$(date +%s)"
  # Earlier runs' versions in the NuGet cache (each run packs a new one, so a cached package is never stale).
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/lisoloo.sdk*/0.1.0-ci.*
  packed=1
  for project in Lisoloo.Sdk Lisoloo.Sdk.AspNetCore Lisoloo.Sdk.Testing; do
    dotnet pack "$root/$project" -c Release --no-build -nologo -o "$feed" -p:PackageVersion="$version" >>"$root/.eng-tmp/pack.log" 2>&1 || packed=0
  done
  if [ "$packed" -eq 1 ] && python3 - "$feed" "$version" <<'PY'
import sys, zipfile, re
feed, version = sys.argv[1], sys.argv[2]
expect = {
    "Lisoloo.Sdk": (("net462", "net8.0", "net10.0"), ("Refit", "Microsoft.Extensions.Http.Resilience")),
    "Lisoloo.Sdk.AspNetCore": (("net8.0", "net10.0"), ("Lisoloo.Sdk",)),
    "Lisoloo.Sdk.Testing": (("net8.0", "net10.0"), ("Lisoloo.Sdk", "WireMock.Net.Minimal")),
}
ok = True
for name, (targets, dependencies) in expect.items():
    package = zipfile.ZipFile(f"{feed}/{name}.{version}.nupkg")
    symbols = set(zipfile.ZipFile(f"{feed}/{name}.{version}.snupkg").namelist())
    names = set(package.namelist())
    nuspec = package.read(f"{name}.nuspec").decode()
    missing = [f for f in ["README.md"] + [f"lib/{t}/{name}.dll" for t in targets] if f not in names]
    missing += [f"lib/{t}/{name}.pdb (snupkg)" for t in targets if f"lib/{t}/{name}.pdb" not in symbols]
    missing += [f"dependency {d}" for d in dependencies if f'id="{d}"' not in nuspec]
    if name != "Lisoloo.Sdk" and f'id="Lisoloo.Sdk" version="{version}"' not in nuspec:
        missing.append(f"dependency Lisoloo.Sdk {version}")
    if missing:
        ok = False
        print(f"test.sh: {name} package lacks: {', '.join(missing)}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
  then
    if dotnet test "$root/tests/Lisoloo.PackageConsumer.Tests" -c Release -nologo -p:LisolooPackageVersion="$version" \
         --logger "trx" --results-directory "$results" >>"$root/.eng-tmp/pack.log" 2>&1; then
      pack_passed=1; echo "test.sh: three packages pack ($version: README, symbols, every target) and a customer's test project passes on them"
    else
      pack_failed=1; echo "test.sh: the package consumer tests failed:" >&2; tail -30 "$root/.eng-tmp/pack.log" >&2
    fi
  else
    pack_failed=1; echo "test.sh: packing failed:" >&2; tail -20 "$root/.eng-tmp/pack.log" >&2
  fi
fi

# --- one summed line over every test project ----------------------------------------------------------
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p="$(get passed)"; f="$(get failed)"; e="$(get error)"; t="$(get timeout)"; ab="$(get aborted)"
  total="$(get total)"; exe="$(get executed)"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${ab:-0}))
  skipped=$((skipped + ${total:-0} - ${exe:-0}))
done
passed=$((passed + aot_passed + pack_passed)); failed=$((failed + aot_failed + pack_failed))
if [ "$files" -eq 0 ]; then
  echo "test.sh: no test results were written" >&2
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the run itself failed (build, crash, abort): never report it as green
fi
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
