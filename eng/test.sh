#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need when it is missing (npm peers: the real WireMock
# and the `smpp` SMSC; later PostgreSQL), and ends with one line: "N passed, N failed[, N skipped]".
# Usage: eng/test.sh [extra dotnet test arguments, e.g. --filter Category=Contract]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/.eng-tmp/test-results"
rm -rf "$results"
mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- npm peers (WireMock standalone jar, node smpp) --------------------------------------------------
peers="$root/tests/peers"
if [ -f "$peers/package-lock.json" ]; then
  stamp="$peers/node_modules/.lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$peers/package-lock.json" "$stamp"; then
    echo "test.sh: installing npm test peers (npm ci)"
    (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$peers/package-lock.json" "$stamp"
  fi
fi
command -v java >/dev/null || { echo "test.sh: java (17+) is required for WireMock" >&2; exit 1; }

# --- build once, then test every project -------------------------------------------------------------
if ! dotnet build "$root/Lisoloo.sln" -c Release -nologo -clp:ErrorsOnly; then
  echo "test.sh: the build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
dotnet test "$root/Lisoloo.sln" -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" "$@" -- NUnit.NumberOfTestWorkers=2 || status=$?

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
