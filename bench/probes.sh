#!/usr/bin/env bash
# Two anti-enumeration measurements against fresh Release servers (Production, fresh SQLite file),
# each started and stopped (by pid) by this script:
#   1. forgot password, known vs unknown identifiers (issue 4): `Threshold.Bench reset`;
#   2. failed sign-in, wrong password vs unknown account, with Passwords__HintBudget=4 (default,
#      1 + 4 hashes per failure) and with Passwords__HintBudget=0 (1 hash) (issue 3).
#
#   bench/probes.sh                         # ~3 min
#   RESET_COUNT=120 PROBE=150 USERS=150 NO_BUILD=1 bench/probes.sh
#   PARTS="0" NO_BUILD=1 bench/probes.sh    # only the HintBudget=0 probe
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
USERS=${USERS:-150}
RESET_COUNT=${RESET_COUNT:-120}
RESET_WARMUP=${RESET_WARMUP:-20}
PROBE=${PROBE:-150}
SERVER_WARMUP=${SERVER_WARMUP:-10}
PARTS=${PARTS:-"reset 4 0"}   # which measurements: reset, and the HintBudget values to probe
WEB_DLL=$ROOT/src/Threshold.Web/bin/Release/net10.0/Threshold.Web.dll
BENCH_DLL=$ROOT/bench/Threshold.Bench/bin/Release/net10.0/Threshold.Bench.dll
TMP=$(mktemp -d /tmp/threshold-probes.XXXXXX)
SERVER_PID=

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() { stop_server; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { printf '\n=== %s\n' "$*"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

free_port() {
  local port
  for _ in $(seq 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; return 1
}

# start_server NAME [VAR=value ...]: fresh database, Production, loopback only, from the output folder.
start_server() {
  local name=$1; shift
  PORT=$(free_port)
  URL=http://127.0.0.1:$PORT
  (cd "$(dirname "$WEB_DLL")" && exec env ASPNETCORE_ENVIRONMENT=Production \
      ConnectionStrings__Threshold="Data Source=$TMP/$name.db" \
      Threshold__PublicOrigin="$URL" \
      Network__TrustedProxies__0=127.0.0.1 RateLimits__RegistrationsPerHour=1000000 \
      "$@" \
      dotnet "$WEB_DLL" --urls "$URL" >"$TMP/$name.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 120); do
    if curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null; then
      echo "server $name: pid $SERVER_PID at $URL ${*:-(defaults)}"
      return
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/$name.log"; echo "the server exited" >&2; exit 1; }
    sleep 0.5
  done
  cat "$TMP/$name.log"; echo "the server did not answer /healthz in 60 s" >&2; exit 1
}

seed_and_warm() {
  dotnet "$BENCH_DLL" load --url "$URL" --users "$USERS" --seed --users-file "$TMP/$1.tsv" --duration 0 --probe 0 --seed-concurrency 4
  echo "warming the server up: ${SERVER_WARMUP}s of unmeasured sign-ins"
  dotnet "$BENCH_DLL" load --url "$URL" --users "$USERS" --users-file "$TMP/$1.tsv" --concurrency 2 --duration "$SERVER_WARMUP" \
    --probe 0 --label warm | grep -E '^(logins ok|  error)' || true
}

say "machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "cores:   $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo ".NET:    SDK $(dotnet --version)"
echo "load:    $(load) (1, 5, 15 min)"

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  say "build (Release)"
  dotnet build "$ROOT/src/Threshold.Web" -c Release -nologo -v q -clp:ErrorsOnly
  dotnet build "$ROOT/bench/Threshold.Bench" -c Release -nologo -v q -clp:ErrorsOnly
fi

if [[ " $PARTS " == *" reset "* ]]; then
say "1. forgot password, known vs unknown (load $(load))"
start_server reset
seed_and_warm reset
echo "load before measuring: $(load)"
dotnet "$BENCH_DLL" reset --url "$URL" --users-file "$TMP/reset.tsv" --count "$RESET_COUNT" --warmup "$RESET_WARMUP" --by both || true
echo "load after: $(load)"
if command -v sqlite3 >/dev/null; then
  echo "-- what the requests wrote (rows per table with rows):"
  for t in $(sqlite3 "$TMP/reset.db" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EF%'"); do
    n=$(sqlite3 "$TMP/reset.db" "SELECT count(*) FROM \"$t\""); [[ "$n" != 0 ]] && echo "  $t $n"
  done
  sqlite3 "$TMP/reset.db" "SELECT 'SecurityEvents', Kind, count(*) FROM SecurityEvents GROUP BY Kind" | tr '|' ' ' | sed 's/^/  /'
fi
grep -ciE 'warn|fail|error' "$TMP/reset.log" | sed 's/^/server log warn\/fail\/error lines: /' || true
stop_server
fi

for budget in $PARTS; do
  [[ "$budget" == reset ]] && continue
  say "2. failed sign-ins with Passwords__HintBudget=$budget (load $(load))"
  start_server "hint$budget" Passwords__HintBudget=$budget
  seed_and_warm "hint$budget"
  echo "load before measuring: $(load)"
  dotnet "$BENCH_DLL" hash --count 20 --label "hash-hint$budget" | grep -E '^(Verify|Hash|RESULT)'
  dotnet "$BENCH_DLL" load --url "$URL" --users "$USERS" --users-file "$TMP/hint$budget.tsv" --duration 0 --probe "$PROBE" | sed 's/^RESULT label=probe /RESULT label=probe-hint'"$budget"' /' || true
  echo "load after: $(load)"
  stop_server
done
echo "load average at the end: $(load)"
