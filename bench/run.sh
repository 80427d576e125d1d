#!/usr/bin/env bash
# Threshold benchmark: the cost of one password hash, then sign-ins through the real forms
# of a Release server that this script starts (Production, fresh SQLite file) and stops.
#
#   bench/run.sh                      # everything, about 15 minutes
#   DURATION=10 CONCURRENCIES="1 4" bench/run.sh
#
# Settings (environment): DURATION (s per concurrency, 20), CONCURRENCIES ("1 2 4 8"),
# USERS (200), PROBE (failed sign-ins of each kind, 300), HASH_COUNT (50),
# OVERHEAD (1: also measure with a tiny Argon2 setting to expose the non-hash cost; 0: skip),
# WAIT_LOAD (e.g. 1.5: before measuring, wait up to 10 min for the 1-min load average to fall below it),
# WAIT_IDLE (e.g. 0.3: also wait until fewer cores than this were busy over 3 s, twice in a row),
# PROFILE (1: also profile the server with perf and count its fsyncs with strace, when installed; 0: skip),
# SERVER_WARMUP (s of unmeasured sign-ins after each server start, 30),
# NO_BUILD (1: use the existing Release build), CONTENT_ROOT (bin, or repo: start the server from the
# repository root as `dotnet src/Threshold.Web/bin/Release/net10.0/Threshold.Web.dll` would).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DURATION=${DURATION:-20}
CONCURRENCIES=${CONCURRENCIES:-"1 2 4 8"}
USERS=${USERS:-200}
PROBE=${PROBE:-300}
HASH_COUNT=${HASH_COUNT:-50}
OVERHEAD=${OVERHEAD:-1}
WAIT_LOAD=${WAIT_LOAD:-}
WAIT_IDLE=${WAIT_IDLE:-}
PROFILE=${PROFILE:-1}
SERVER_WARMUP=${SERVER_WARMUP:-30}

WEB_DLL=$ROOT/src/Threshold.Web/bin/Release/net10.0/Threshold.Web.dll
BENCH_DLL=$ROOT/bench/Threshold.Bench/bin/Release/net10.0/Threshold.Bench.dll
TMP=$(mktemp -d /tmp/threshold-bench.XXXXXX)
SERVER_PID=
RESULTS=$TMP/results.txt
: >"$RESULTS"

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

# start_server NAME [VAR=value ...]: a fresh database file, Production, loopback only.
start_server() {
  local name=$1; shift
  PORT=$(free_port)
  URL=http://127.0.0.1:$PORT
  # The content root is the working directory: start in the output folder, as a deployment
  # would, so that its appsettings.json (log levels) applies. CONTENT_ROOT=repo reproduces
  # starting from the repository root, where no appsettings.json is found (Information logs).
  local dir
  dir=$(dirname "$WEB_DLL")
  [[ "${CONTENT_ROOT:-bin}" == repo ]] && dir=$ROOT
  (cd "$dir" && exec env ASPNETCORE_ENVIRONMENT=Production \
      ConnectionStrings__Threshold="Data Source=$TMP/$name.db" \
      Threshold__PublicOrigin="$URL" \
      Network__TrustedProxies__0=127.0.0.1 RateLimits__RegistrationsPerHour=1000000 \
      "$@" \
      dotnet "$WEB_DLL" --urls "$URL" >"$TMP/$name.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 120); do
    if curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null; then
      echo "server $name: pid $SERVER_PID at $URL, database $TMP/$name.db ${*:-}"
      return
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/$name.log"; echo "the server exited" >&2; exit 1; }
    sleep 0.5
  done
  cat "$TMP/$name.log"; echo "the server did not answer /healthz in 60 s" >&2; exit 1
}

bench() { dotnet "$BENCH_DLL" "$@" | tee -a "$RESULTS"; }
result() { grep -h "^RESULT label=$1 " "$RESULTS" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Busy cores on the whole machine over the next 3 seconds (from /proc/stat).
busy_cores() {
  local a b
  a=$(head -1 /proc/stat); sleep 3; b=$(head -1 /proc/stat)
  awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); t = 0; i = 0
    for (k = 2; k <= 9; k++) t += y[k] - x[k]
    i = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.2f", (t > 0 ? (t - i) / t * n : 0) }'
}

# Other people's builds and tests share this machine: before measuring, wait (at most 10 min)
# until the 1-min load average is below WAIT_LOAD and, when WAIT_IDLE is set, until fewer than
# WAIT_IDLE cores were busy over 3 s, twice in a row.
# A server that has just started spends many seconds in the JIT (tier-1 recompilation of
# hundreds of methods, slower still when other processes share the cores); a deployed one
# does not. Unmeasured sign-ins first, SERVER_WARMUP seconds of them.
warm_server() {
  echo "warming the server up: ${SERVER_WARMUP}s of unmeasured sign-ins"
  dotnet "$BENCH_DLL" load --url "$URL" --users "$USERS" --users-file "$1" --concurrency 2 --duration "$SERVER_WARMUP" \
    --probe 0 --label warm | grep -E '^(logins ok|  error)' || true
}

wait_for_quiet() {
  [[ -z "$WAIT_LOAD$WAIT_IDLE" ]] && return
  local calm=0
  for _ in $(seq 150); do
    if awk -v max="${WAIT_LOAD:-1000}" '{ exit !($1 < max) }' /proc/loadavg &&
       { [[ -z "$WAIT_IDLE" ]] || awk -v b="$(busy_cores)" -v max="$WAIT_IDLE" 'BEGIN { exit !(b < max) }'; }; then
      calm=$((calm + 1))
      (( calm >= 2 )) && return
    else
      calm=0
      sleep 1
    fi
  done
  echo "machine still busy (load $(cut -d' ' -f1-3 /proc/loadavg)) after 10 minutes; measuring anyway"
}

say "machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "cores:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "memory:  $(free -m | awk '/^Mem:/ { print $2 " MiB" }')"
echo "os:      $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
echo ".NET:    SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ { v=$2 } END { print v }')"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  say "build (Release)"
  dotnet build "$ROOT/src/Threshold.Web" -c Release -nologo -v q -clp:ErrorsOnly
  dotnet build "$ROOT/bench/Threshold.Bench" -c Release -nologo -v q -clp:ErrorsOnly
fi

wait_for_quiet
say "hash alone (load $(cut -d' ' -f1-3 /proc/loadavg))"
bench hash --count "$HASH_COUNT"
HASH_MS=$(result hash verify_ms)

say "server with the default Argon2id setting"
start_server main
bench load --url "$URL" --users "$USERS" --seed --users-file "$TMP/users.tsv" --duration 0 --probe 0 --seed-concurrency 4
warm_server "$TMP/users.tsv"

# The hash cost on this machine drifts by tens of percent from minute to minute (memory-bound
# Argon2id on a shared host), so each load run gets its own hash measurement right before it.
for c in $CONCURRENCIES; do
  wait_for_quiet
  say "load at concurrency $c (load $(cut -d' ' -f1-3 /proc/loadavg))"
  bench hash --count 20 --label "hash-c$c" | grep -E '^(Verify|RESULT)'
  bench load --url "$URL" --users "$USERS" --users-file "$TMP/users.tsv" --concurrency "$c" --duration "$DURATION" \
    --probe 0 --server-pid "$SERVER_PID" --hash-ms "$(result "hash-c$c" verify_ms)" --label "c$c" || true
done

if (( PROBE > 0 )); then
  wait_for_quiet
  say "wrong password vs unknown account (load $(cut -d' ' -f1-3 /proc/loadavg))"
  bench load --url "$URL" --users "$USERS" --users-file "$TMP/users.tsv" --duration 0 --probe "$PROBE" || true
fi
stop_server
echo "server log: $(wc -l <"$TMP/main.log") lines"

if command -v sqlite3 >/dev/null; then
  say "what the sign-ins wrote (rows in the database after the run)"
  sqlite3 "$TMP/main.db" "SELECT 'SecurityEvents', Kind, count(*) FROM SecurityEvents GROUP BY Kind UNION ALL SELECT 'Sessions', '', count(*) FROM Sessions UNION ALL SELECT 'Accounts', '', count(*) FROM Accounts;" | tr '|' ' '
  ls -l "$TMP"/main.db* | awk '{ print $5, $9 }'
fi

if [[ "$OVERHEAD" == 1 ]]; then
  say "the same with a tiny Argon2 setting (m=8 KiB, t=1): what a sign-in costs besides the hash"
  bench hash --count "$HASH_COUNT" --memory 8 --iterations 1 --label tinyhash
  start_server tiny Passwords__Argon2__MemoryKiB=8 Passwords__Argon2__Iterations=1
  bench load --url "$URL" --users "$USERS" --seed --users-file "$TMP/users-tiny.tsv" --duration 0 --probe 0 --seed-concurrency 4
  warm_server "$TMP/users-tiny.tsv"
  for c in 1 4; do
    wait_for_quiet
    say "tiny hash, load at concurrency $c (load $(cut -d' ' -f1-3 /proc/loadavg))"
    bench load --url "$URL" --users "$USERS" --users-file "$TMP/users-tiny.tsv" --concurrency "$c" --duration "$DURATION" \
      --probe 0 --server-pid "$SERVER_PID" --label "tiny-c$c" || true
  done
  stop_server
fi

if [[ "$PROFILE" == 1 ]] && command -v perf >/dev/null; then
  say "where the server's CPU goes at concurrency 4 (perf, default Argon2id setting)"
  start_server profile DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
  bench load --url "$URL" --users "$USERS" --seed --users-file "$TMP/users-profile.tsv" --duration 0 --probe 0 --seed-concurrency 4
  warm_server "$TMP/users-profile.tsv"   # then sample only the measured part
  wait_for_quiet
  perf record -F 499 -g -p "$SERVER_PID" -o "$TMP/perf.data" -- sleep $(( DURATION + 2 )) >"$TMP/perf.log" 2>&1 &
  PERF_PID=$!
  sleep 0.5
  bench load --url "$URL" --users "$USERS" --users-file "$TMP/users-profile.tsv" --concurrency 4 --duration "$DURATION" \
    --warmup 0 --probe 0 --server-pid "$SERVER_PID" --label perf-c4 || true
  wait "$PERF_PID" || true
  echo "-- server CPU by library (perf samples):"
  perf report -i "$TMP/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12 || true
  echo "-- hottest symbols:"
  perf report -i "$TMP/perf.data" --no-children --sort dso,sym -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -25 || true
  if command -v strace >/dev/null; then
    echo "-- system calls that write or sync, over 50 logins at concurrency 1 (strace slows the server; counts only):"
    strace -f -c -e trace=fsync,fdatasync,pwrite64,write -p "$SERVER_PID" -o "$TMP/strace.txt" &
    STRACE_PID=$!
    sleep 1
    bench load --url "$URL" --users "$USERS" --users-file "$TMP/users-profile.tsv" --concurrency 1 --duration 120 --max-logins 50 \
      --warmup 0 --probe 0 --label strace >/dev/null || true
    kill -INT "$STRACE_PID" 2>/dev/null || true
    wait "$STRACE_PID" 2>/dev/null || true
    cat "$TMP/strace.txt"
    echo "(50 measured logins = 150 requests, plus at least 2 warm-up logins)"
  fi
  stop_server
fi

say "summary"
printf 'hash alone (verify, one thread): %s ms mean (p50 %s, p99 %s, thread CPU %s ms); ideal %s sign-ins/s on %s cores\n' \
  "$HASH_MS" "$(result hash verify_p50)" "$(result hash verify_p99)" "$(result hash verify_cpu_ms)" \
  "$(awk -v h="$HASH_MS" -v c="$(nproc)" 'BEGIN { printf "%.1f", c * 1000 / h }')" "$(nproc)"
if [[ "$OVERHEAD" == 1 ]]; then
  printf 'tiny hash (m=8 KiB, t=1): %s ms mean\n' "$(result tinyhash verify_ms)"
fi
echo "ratio = logins/s / (cores / s per hash), with the hash measured just before that run (hash_ms);"
echo "ratio2 = logins/s / verifications per second measured on all cores at once (the hash-only ceiling)"
printf '%-8s %8s %10s %9s %9s %7s %7s %7s %10s %10s %11s\n' label hash_ms logins/s p50_ms p99_ms errors ratio ratio2 srv_cpu_ms drv_cpu_ms other_cores
grep -h '^RESULT label=.* logins_per_s=' "$RESULTS" | grep -vE '^RESULT label=(warm|strace) ' | while read -r line; do
  get() { tr ' ' '\n' <<<"$line" | sed -n "s/^$1=//p"; }
  label=$(get label)
  hash_ms=$(result "hash-$label" verify_ms 2>/dev/null || true)
  ceiling=$(result "hash-$label" parallel_per_s 2>/dev/null || true)
  ratio2=$(awk -v l="$(get logins_per_s)" -v c="$ceiling" 'BEGIN { if (c > 0) printf "%.3f", l / c; else print "-" }')
  printf '%-8s %8s %10s %9s %9s %7s %7s %7s %10s %10s %11s\n' "$label" "${hash_ms:--}" "$(get logins_per_s)" "$(get p50)" "$(get p99)" \
    "$(get errors)" "$(get ratio)" "$ratio2" "$(get server_cpu_ms)" "$(get driver_cpu_ms)" "$(get other_cores)"
done
grep -h '^RESULT label=probe' "$RESULTS" | sed 's/^RESULT label=probe /failed sign-ins (POST ms): /' || true
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
