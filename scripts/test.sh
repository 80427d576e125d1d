#!/usr/bin/env bash
# The one command that runs Threshold's whole test suite:
#
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter-class Foo]
#
# Runs as root on Debian 12 with the .NET 10 SDK. It installs whatever test
# dependencies are missing, starts PostgreSQL, Redis and smtp4dev on
# 127.0.0.1 (free ports, throw-away temp dir), builds the solution once,
# runs every test project and stops the services again. The last line of
# output is "N passed, N failed" (", N skipped" when tests were skipped);
# the exit status is non-zero when anything failed.
#
# Environment variables the tests get:
#   THRESHOLD_TEST_POSTGRES   Npgsql connection string (user postgres, trust auth)
#   THRESHOLD_TEST_REDIS      host:port
#   THRESHOLD_TEST_SMTP_HOST, THRESHOLD_TEST_SMTP_PORT, THRESHOLD_TEST_SMTP_API
#                             smtp4dev; GET $THRESHOLD_TEST_SMTP_API/api/messages
#   THRESHOLD_CHROMIUM        /usr/bin/chromium
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"

: "${HOME:=/root}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
# Every test host watches its content root and config files; with hundreds of hosts
# the kernel's inotify limit (128 instances per user by default) runs out and pages
# answer 500. Tests poll instead and never reload configuration from disk.
export DOTNET_USE_POLLING_FILE_WATCHER=1
export DOTNET_hostBuilder__reloadConfigOnChange=false

# Final line when no test summary could be read (e.g. the build failed).
no_summary() {
    echo "$1" >&2
    echo "0 passed, 1 failed"
    exit 1
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    svc_stop_all
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------- dependencies
if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/test.sh must run as root (it installs packages and runs initdb as postgres)" >&2
    no_summary "not root"
fi
command -v dotnet >/dev/null || no_summary "the .NET 10 SDK (dotnet) is not on PATH"
svc_install_all || no_summary "installing the test dependencies failed"

svc_make_dir
LOG=$SVC_DIR/test.log

# -------------------------------------------------------------------- build
# No MSBuild worker nodes or compiler server may outlive this script.
build_rc=0
MSBUILDDISABLENODEREUSE=1 dotnet build Threshold.slnx -c Release \
    -nodeReuse:false -p:UseSharedCompilation=false 2>&1 | tee "$LOG" || build_rc=$?
if [ "$build_rc" -ne 0 ]; then
    svc_stop_all
    no_summary "build failed (exit code $build_rc)"
fi

# ----------------------------------------------------------------- services
start=$SECONDS
svc_start_all || { svc_stop_all; no_summary "starting the test services failed"; }
svc_export_env
echo "[services] ready in $((SECONDS - start))s: postgres 127.0.0.1:$PG_PORT," \
    "redis 127.0.0.1:$REDIS_PORT, smtp 127.0.0.1:$SMTP_PORT, smtp4dev api $THRESHOLD_TEST_SMTP_API" >&2

# -------------------------------------------------------------------- tests
# With extra arguments (typically a filter) most test projects may run no
# test at all, which the test platform reports as exit code 8; ignore that
# then (unless the caller chose otherwise) and fail only if no test ran.
extra=()
if [ $# -gt 0 ] && [[ " $* " != *" --ignore-exit-code"* ]]; then
    extra=(--ignore-exit-code 8)
fi
test_rc=0
MSBUILDDISABLENODEREUSE=1 dotnet test --solution Threshold.slnx -c Release --no-build \
    "${extra[@]}" "$@" 2>&1 | tee -a "$LOG" || test_rc=$?

# Last "Test run summary" block of the test platform, colour codes removed:
#   Test run summary: Passed!
#     total: 4
#     failed: 0
#     succeeded: 4
#     skipped: 0
counts=$(sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r$//' "$LOG" | awk '
    /Test run summary:/ { found = 1; total = failed = succeeded = skipped = 0; next }
    found && $1 == "total:"     { total = $2 }
    found && $1 == "failed:"    { failed = $2 }
    found && $1 == "succeeded:" { succeeded = $2 }
    found && $1 == "skipped:"   { skipped = $2 }
    END { if (found) print succeeded + 0, failed + 0, skipped + 0, total + 0 }')

svc_stop_all
trap - EXIT INT TERM

if [ -z "$counts" ]; then
    no_summary "no test run summary found in the dotnet test output (exit code $test_rc)"
fi
read -r passed failed skipped total <<<"$counts"
if [ "$test_rc" -eq 0 ] && [ "$total" -eq 0 ]; then
    echo "no test ran (does the filter match anything?)" >&2
    test_rc=8
fi
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # Never claim "0 failed" for an unsuccessful run: count the run itself.
    echo "dotnet test exited with code $test_rc although no test failed" \
        "(see https://aka.ms/testingplatform/exitcodes; 8 = a test project ran no test)" >&2
    failed=1
fi

line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
    line+=", $skipped skipped"
fi
echo "$line"

if [ "$failed" -ne 0 ] || [ "$test_rc" -ne 0 ]; then
    exit 1
fi
