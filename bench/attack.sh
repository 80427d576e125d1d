#!/usr/bin/env bash
# Issue 6: attack resistance under load. Starts a Release server (Production, fresh SQLite file,
# Network:TrustedProxies=127.0.0.1 so the driver can give each request its own client address
# through X-Forwarded-For), seeds users, then runs `Threshold.Bench attack`: an attacker at RATE
# POSTs/s (half on one account, half stuffing many accounts, from ADDRESSES addresses, never
# answering the proof-of-work check) while LEGIT users sign in from their known devices.
# Afterwards it counts, from the server's own security log, how many attempts reached the
# password hash. Stops the server it started, by pid.
#
#   bench/attack.sh                                  # ~3 min
#   RATE=200 DURATION=60 ADDRESSES=64 NO_BUILD=1 bench/attack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
USERS=${USERS:-200}
LEGIT=${LEGIT:-20}
LEGIT_CONCURRENCY=${LEGIT_CONCURRENCY:-2}
LEGIT_PAUSE_MS=${LEGIT_PAUSE_MS:-500}   # each legitimate worker pauses this long between sign-ins
RATE=${RATE:-200}
DURATION=${DURATION:-60}
ADDRESSES=${ADDRESSES:-64}
WEB_DLL=$ROOT/src/Threshold.Web/bin/Release/net10.0/Threshold.Web.dll
BENCH_DLL=$ROOT/bench/Threshold.Bench/bin/Release/net10.0/Threshold.Bench.dll
TMP=$(mktemp -d /tmp/threshold-attack.XXXXXX)
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

free_port() {
  local port
  for _ in $(seq 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; return 1
}

say "machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "cores:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "memory:  $(free -m | awk '/^Mem:/ { print $2 " MiB" }')"
echo ".NET:    SDK $(dotnet --version)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  say "build (Release)"
  dotnet build "$ROOT/src/Threshold.Web" -c Release -nologo -v q -clp:ErrorsOnly
  dotnet build "$ROOT/bench/Threshold.Bench" -c Release -nologo -v q -clp:ErrorsOnly
fi

PORT=$(free_port)
URL=http://127.0.0.1:$PORT
(cd "$(dirname "$WEB_DLL")" && exec env ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__Threshold="Data Source=$TMP/attack.db" \
    Threshold__PublicOrigin="$URL" \
    Network__TrustedProxies__0=127.0.0.1 \
    RateLimits__RegistrationsPerHour=1000000 \
    "$@" \
    dotnet "$WEB_DLL" --urls "$URL" >"$TMP/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 120); do
  curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log"; echo "the server exited" >&2; exit 1; }
  sleep 0.5
done
echo "server: pid $SERVER_PID at $URL (Network:TrustedProxies=127.0.0.1) $*"

say "seed $USERS users"
dotnet "$BENCH_DLL" load --url "$URL" --users "$USERS" --seed --users-file "$TMP/users.tsv" --duration 0 --probe 0 --seed-concurrency 4 | tail -2

say "attack: $RATE POSTs/s for ${DURATION}s from $ADDRESSES addresses per stream; $LEGIT users on $LEGIT_CONCURRENCY workers (load $(cut -d' ' -f1-3 /proc/loadavg))"
dotnet "$BENCH_DLL" attack --url "$URL" --users-file "$TMP/users.tsv" --legit "$LEGIT" --legit-concurrency "$LEGIT_CONCURRENCY" --legit-pause-ms "$LEGIT_PAUSE_MS" \
  --rate "$RATE" --duration "$DURATION" --attack-addresses "$ADDRESSES" || true
stop_server

if command -v sqlite3 >/dev/null; then
  say "failed sign-ins by reason, from the server's security log (wrong_password/unknown_account = reached the password hash)"
  sqlite3 "$TMP/attack.db" "SELECT Reason, count(*) FROM SecurityEvents WHERE Kind = 'SignInFailed' GROUP BY Reason ORDER BY 2 DESC;" | tr '|' ' '
  echo "owner notices: $(sqlite3 "$TMP/attack.db" "SELECT count(*) FROM OutboxMessages WHERE Template = 'signin-paused';")"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
