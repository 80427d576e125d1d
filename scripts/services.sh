# shellcheck shell=bash
# Helper functions for scripts/test.sh: install the test dependencies and run
# throw-away PostgreSQL, Redis and smtp4dev instances on 127.0.0.1.
#
# Source this file; it defines functions only and changes no shell options.
# The single entry point for running the tests is scripts/test.sh.
#
# State shared between the functions (set by them):
#   SVC_DIR            the throw-away directory everything lives in
#   PG_BIN PG_DATA PG_PORT PG_PID
#   REDIS_PORT REDIS_PID
#   SMTP_PORT SMTP_HTTP_PORT SMTP_PID

SVC_APT_PACKAGES=(postgresql redis-server chromium chromium-driver oathtool)
SVC_SMTP4DEV_VERSION=3.15.0
SVC_TIMEOUT=${SVC_TIMEOUT:-60}   # seconds to wait for each service
SVC_PORTS_TAKEN=" "
SVC_DIR=""
PG_PID=""
REDIS_PID=""
SMTP_PID=""

svc_log() { printf '[services] %s\n' "$*" >&2; }
svc_die() { printf '[services] ERROR: %s\n' "$*" >&2; return 1; }

# ---------------------------------------------------------------- installation

svc_apt_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

svc_install_apt_packages() {
    local missing=() p
    for p in "${SVC_APT_PACKAGES[@]}"; do
        svc_apt_installed "$p" || missing+=("$p")
    done
    # The server binary may be missing even with the metapackage installed.
    if [ ! -x /usr/lib/postgresql/15/bin/postgres ] && ! svc_apt_installed postgresql-15; then
        missing+=(postgresql-15)
    fi
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    svc_log "installing Debian packages: ${missing[*]}"
    apt-get update >&2 || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 || return 1
}

svc_install_smtp4dev() {
    export PATH="$HOME/.dotnet/tools:$PATH"
    local line
    line=$(dotnet tool list -g 2>/dev/null | awk 'tolower($1) == "rnwood.smtp4dev" { print $2 }') || true
    if [ "$line" = "$SVC_SMTP4DEV_VERSION" ]; then
        return 0
    fi
    if [ -n "$line" ]; then
        svc_log "replacing Rnwood.Smtp4dev $line with $SVC_SMTP4DEV_VERSION"
        dotnet tool uninstall -g Rnwood.Smtp4dev >&2 || return 1
    else
        svc_log "installing .NET tool Rnwood.Smtp4dev $SVC_SMTP4DEV_VERSION"
    fi
    dotnet tool install -g Rnwood.Smtp4dev --version "$SVC_SMTP4DEV_VERSION" >&2 || return 1
}

svc_install_all() {
    svc_install_apt_packages || return 1
    svc_install_smtp4dev || return 1
}

# ----------------------------------------------------------------------- ports

# Succeeds when something accepts TCP connections on 127.0.0.1:$1.
svc_port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# svc_free_port VAR: sets VAR to a TCP port that nothing listens on and that
# this script has not handed out yet. Ports come from below the kernel's
# ephemeral range so that outgoing connections (and tests that bind port 0)
# cannot grab them between choosing and binding.
svc_free_port() {
    local var=$1 lo=20000 hi=32000 eph_lo p i
    if read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null \
        && [ "$eph_lo" -gt 2000 ] && [ "$eph_lo" -le "$hi" ]; then
        hi=$((eph_lo - 1))
        [ "$lo" -lt "$hi" ] || lo=1025
    fi
    for i in $(seq 1 200); do
        p=$(( lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1) ))
        case "$SVC_PORTS_TAKEN" in *" $p "*) continue ;; esac
        if ! svc_port_open "$p"; then
            SVC_PORTS_TAKEN+="$p "
            printf -v "$var" '%s' "$p"
            return 0
        fi
    done
    svc_die "could not find a free TCP port in $lo-$hi"
}

# --------------------------------------------------------------------- helpers

svc_make_dir() {
    # Under /tmp rather than $TMPDIR: the postgres user has to reach it.
    SVC_DIR=$(mktemp -d /tmp/threshold-test.XXXXXX)
    chmod 755 "$SVC_DIR"
}

# svc_wait NAME SECONDS COMMAND...: polls COMMAND until it succeeds; gives up
# after SECONDS, or at once when COMMAND returns 99 (the process died).
svc_wait() {
    local name=$1 secs=$2 deadline rc
    shift 2
    deadline=$((SECONDS + secs))
    while :; do
        rc=0
        "$@" >/dev/null 2>&1 || rc=$?
        [ "$rc" -ne 0 ] || return 0
        if [ "$rc" -eq 99 ]; then
            svc_die "$name exited during start-up"
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            svc_die "$name did not become ready within ${secs}s"
            return 1
        fi
        sleep 0.2
    done
}

svc_pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# svc_stop_pid PID NAME [SIGNAL]: stops one background process this shell
# started: SIGNAL (default TERM), up to 10 s grace, then KILL; reaps it.
svc_stop_pid() {
    local pid=$1 name=$2 sig=${3:-TERM} i
    svc_pid_alive "$pid" || { [ -z "$pid" ] || wait "$pid" 2>/dev/null || true; return 0; }
    kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        svc_pid_alive "$pid" || break
        sleep 0.2
    done
    if svc_pid_alive "$pid"; then
        svc_log "$name (pid $pid) ignored SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

svc_show_log() {
    if [ -f "$1" ]; then
        printf '[services] ---- last lines of %s ----\n' "$1" >&2
        tail -n 30 "$1" >&2 || true
    fi
}

# ------------------------------------------------------------------ PostgreSQL

svc_pg_bin() {
    local d
    if [ -x /usr/lib/postgresql/15/bin/postgres ]; then
        echo /usr/lib/postgresql/15/bin
        return 0
    fi
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] && [ -x "$d/postgres" ] || { svc_die "no PostgreSQL server binary under /usr/lib/postgresql"; return 1; }
    echo "$d"
}

svc_as_postgres() {
    # cd first: initdb complains when the cwd is unreadable for postgres.
    (cd "$SVC_DIR" && runuser -u postgres -- "$@")
}

svc_start_postgres() {
    PG_BIN=$(svc_pg_bin) || return 1
    PG_DATA=$SVC_DIR/pgdata
    local run=$SVC_DIR/pgrun attempt
    mkdir -p "$PG_DATA" "$run"
    chown postgres:postgres "$PG_DATA" "$run"
    chmod 700 "$PG_DATA"
    # UTF8 explicitly: with no locale in the environment initdb would pick SQL_ASCII.
    svc_as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$SVC_DIR/initdb.log" 2>&1 \
        || { svc_show_log "$SVC_DIR/initdb.log"; svc_die "initdb failed"; return 1; }
    for attempt in 1 2 3; do
        svc_free_port PG_PORT || return 1
        # The postmaster runs as a direct child of this shell (setpriv execs,
        # it does not fork), unlike "pg_ctl start" which leaves it orphaned;
        # so it is stopped and reaped by pid.
        (cd "$SVC_DIR" && exec setpriv --reuid=postgres --regid=postgres --init-groups -- \
            "$PG_BIN/postgres" -D "$PG_DATA" -p "$PG_PORT" -k "$run" \
            -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off) </dev/null >>"$run/postgres.log" 2>&1 &
        PG_PID=$!
        if svc_wait PostgreSQL "$SVC_TIMEOUT" svc_postgres_ready; then
            return 0
        fi
        svc_show_log "$run/postgres.log"
        svc_stop_postgres
        [ "$attempt" -lt 3 ] || { svc_die "PostgreSQL failed to start"; return 1; }
        svc_log "PostgreSQL failed to start on port $PG_PORT; trying another port"
    done
}

svc_postgres_ready() {
    svc_pid_alive "$PG_PID" || return 99
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2
}

svc_stop_postgres() {
    # SIGINT = fast shutdown: roll back open transactions, close sessions.
    svc_stop_pid "$PG_PID" PostgreSQL INT
    PG_PID=""
}

# ----------------------------------------------------------------------- Redis

svc_start_redis() {
    local dir=$SVC_DIR/redis attempt
    mkdir -p "$dir"
    for attempt in 1 2 3; do
        svc_free_port REDIS_PORT || return 1
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
            --daemonize no --dir "$dir" --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
        REDIS_PID=$!
        if svc_wait Redis "$SVC_TIMEOUT" svc_redis_ready; then
            return 0
        fi
        svc_show_log "$dir/redis.log"
        svc_stop_pid "$REDIS_PID" redis-server
        REDIS_PID=""
        [ "$attempt" -lt 3 ] || { svc_die "Redis failed to start"; return 1; }
        svc_log "Redis failed to start on port $REDIS_PORT; trying another port"
    done
}

svc_redis_ready() {
    svc_pid_alive "$REDIS_PID" || return 99
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

svc_stop_redis() {
    svc_stop_pid "$REDIS_PID" redis-server
    REDIS_PID=""
}

# -------------------------------------------------------------------- smtp4dev

# Succeeds when GET /api/messages answers 200 on 127.0.0.1:$1 (plain bash,
# so neither curl nor wget is needed).
svc_http_ok() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'GET /api/messages HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$1" >&3
        IFS= read -r -t 5 status <&3 || exit 1
        [[ "$status" == "HTTP/1."[01]" 200"* ]]
    )
}

svc_smtp4dev_ready() {
    svc_pid_alive "$SMTP_PID" || return 99
    svc_http_ok "$SMTP_HTTP_PORT" 2>/dev/null
}

# Starts smtp4dev without waiting for it (it needs a few seconds to come up,
# so svc_start_all starts it first and waits for it last).
svc_launch_smtp4dev() {
    local dir=$SVC_DIR/smtp4dev
    local -a envs=()
    command -v smtp4dev >/dev/null || { svc_die "smtp4dev is not on PATH (run svc_install_smtp4dev)"; return 1; }
    mkdir -p "$dir"
    # The tool's apphost must find the runtime; help it when dotnet lives
    # somewhere other than the default location.
    if [ -z "${DOTNET_ROOT:-}" ] && command -v dotnet >/dev/null; then
        envs+=("DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")")")
    fi
    svc_free_port SMTP_PORT || return 1
    svc_free_port SMTP_HTTP_PORT || return 1
    # IMAP (default port 143) and POP3 are switched off; app data (data
    # protection keys) goes to the temp dir instead of ~/.config/smtp4dev.
    (cd "$dir" && exec env "${envs[@]}" \
        smtp4dev --urls="http://127.0.0.1:$SMTP_HTTP_PORT" --smtpport="$SMTP_PORT" \
        --bindaddress=127.0.0.1 --db="" --nousersettings --imapport="" --pop3port="" \
        --baseappdatapath="$dir/appdata") </dev/null >"$dir/smtp4dev.log" 2>&1 &
    SMTP_PID=$!
}

# Waits until smtp4dev answers GET /api/messages; relaunches it on other
# ports (twice at most) when it dies or does not answer in time.
svc_await_smtp4dev() {
    local attempt
    for attempt in 1 2 3; do
        if svc_wait smtp4dev "$SVC_TIMEOUT" svc_smtp4dev_ready; then
            return 0
        fi
        svc_show_log "$SVC_DIR/smtp4dev/smtp4dev.log"
        svc_stop_smtp4dev
        if [ "$attempt" -eq 3 ]; then
            svc_die "smtp4dev did not answer GET http://127.0.0.1:$SMTP_HTTP_PORT/api/messages"
            return 1
        fi
        svc_log "smtp4dev failed to start on ports $SMTP_PORT/$SMTP_HTTP_PORT; trying other ports"
        svc_launch_smtp4dev || return 1
    done
}

svc_start_smtp4dev() {
    svc_launch_smtp4dev || return 1
    svc_await_smtp4dev
}

svc_stop_smtp4dev() {
    svc_stop_pid "$SMTP_PID" smtp4dev
    SMTP_PID=""
}

# ------------------------------------------------------------------ everything

svc_start_all() {
    svc_launch_smtp4dev || return 1
    svc_start_postgres || return 1
    svc_start_redis || return 1
    svc_await_smtp4dev || return 1
}

# Safe to call more than once and after a partial start.
svc_stop_all() {
    svc_stop_smtp4dev
    svc_stop_redis
    svc_stop_postgres
    if [ -n "$SVC_DIR" ] && [ -d "$SVC_DIR" ]; then
        rm -rf "$SVC_DIR"
    fi
    SVC_DIR=""
}

svc_export_env() {
    export THRESHOLD_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
    export THRESHOLD_TEST_REDIS="127.0.0.1:$REDIS_PORT"
    export THRESHOLD_TEST_SMTP_HOST=127.0.0.1
    export THRESHOLD_TEST_SMTP_PORT="$SMTP_PORT"
    export THRESHOLD_TEST_SMTP_API="http://127.0.0.1:$SMTP_HTTP_PORT"
    export THRESHOLD_CHROMIUM=/usr/bin/chromium
}
