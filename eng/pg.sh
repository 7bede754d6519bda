#!/usr/bin/env bash
# A private, throw-away PostgreSQL cluster for the tests.
#
#   eng/pg.sh start DIR   creates DIR, starts a cluster there on a free 127.0.0.1 port, prints its connection string
#                         (Host=127.0.0.1;Port=N;Username=postgres;Database=postgres) as the only line on stdout and
#                         writes it to DIR/connection-string
#   eng/pg.sh stop DIR    stops that cluster (pg_ctl stop -m fast, else by the PID in postmaster.pid) and removes DIR;
#                         nothing to do when DIR does not exist
#   eng/pg.sh halt DIR    stops that cluster as an operator's restart would (pg_ctl stop -m fast: sessions ended, new
#                         ones refused) and keeps its data and port, for fault tests
#   eng/pg.sh resume DIR  starts a halted cluster again on the same port (waits for pg_isready)
#
# - Server binaries: the newest /usr/lib/postgresql/<version>/bin (Debian's layout; /usr/local/bin/initdb and pg_ctl on
#   the project's machines are only links into it), or LISOLOO_PG_BINDIR. None there: `apt-get install -y postgresql`
#   (through `sudo -n` when not root), with `apt-get update` only if the install fails without it. Installing Debian's
#   package creates its own `main` cluster as usual; this script never uses or starts it.
# - initdb and pg_ctl refuse to run as root: as root they run as the system user `lisoloo-pg` (LISOLOO_PG_USER), created
#   when missing, which owns the cluster's files; otherwise as the calling user. When that user cannot reach DIR (a
#   checkout under /root, mode 0700), the cluster lives in a mktemp directory under /tmp instead and DIR/cluster-dir
#   says where; `stop` removes both.
# - Authentication: trust, for 127.0.0.1 and the cluster's own Unix socket (in its directory) only; the server listens
#   on 127.0.0.1 alone. A test-only cluster: no password to hand around, nothing in it worth protecting.
# - Sized for tests on 2 cores: max_connections 200 (several servers with pools), no parallel query, no JIT, UTF8 with
#   the C.UTF-8 locale, UTC. fsync, synchronous_commit and full_page_writes are OFF: they only matter when the machine
#   itself crashes, which no test can observe (transactions, locking, isolation and a killed postgres process behave
#   exactly as in production), and the data is thrown away anyway; commits then cost no disk flush. LISOLOO_PG_FSYNC=on
#   keeps PostgreSQL's durable defaults.
# - Start waits at most LISOLOO_PG_START_TIMEOUT seconds (60) for pg_isready; on failure it prints why (the server log)
#   on stderr, removes what it made and exits non-zero. Diagnostics go to stderr; stdout carries the connection string only.
set -euo pipefail

me="pg.sh"
marker=".lisoloo-pg-cluster"
superuser="postgres"

die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*" >&2; }

usage() { echo "usage: eng/pg.sh start DIR | eng/pg.sh stop DIR | eng/pg.sh halt DIR | eng/pg.sh resume DIR" >&2; exit 2; }

# --- binaries -------------------------------------------------------------------------------------------------------
find_bindir() {
  if [ -n "${LISOLOO_PG_BINDIR:-}" ]; then
    [ -x "$LISOLOO_PG_BINDIR/initdb" ] || die "LISOLOO_PG_BINDIR=$LISOLOO_PG_BINDIR has no initdb"
    echo "$LISOLOO_PG_BINDIR"; return 0
  fi
  local best="" best_v=-1 d v
  for d in /usr/lib/postgresql/*/bin; do
    v="$(basename "$(dirname "$d")")"
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    local ok=1 tool
    for tool in initdb pg_ctl postgres pg_isready; do [ -x "$d/$tool" ] || ok=0; done
    if [ "$ok" -eq 1 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] && echo "$best"
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

install_postgresql() {
  command -v apt-get >/dev/null || die "no PostgreSQL server under /usr/lib/postgresql and no apt-get to install it"
  say "no PostgreSQL server found; installing Debian's postgresql package"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql)
  if ! as_root "${apt[@]}" >&2; then
    say "apt-get install failed; running apt-get update and trying again"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 \
      || die "apt-get update failed (root, or passwordless sudo, is needed to install postgresql)"
    as_root "${apt[@]}" >&2 || die "apt-get install -y postgresql failed"
  fi
}

# --- the user the cluster runs as -----------------------------------------------------------------------------------
run_user=""
setup_user() {
  if [ "$(id -u)" -ne 0 ]; then run_user="$(id -un)"; return 0; fi
  run_user="${LISOLOO_PG_USER:-lisoloo-pg}"
  [ "$run_user" != "root" ] || die "LISOLOO_PG_USER cannot be root: PostgreSQL refuses to run as root"
  if ! id -u "$run_user" >/dev/null 2>&1; then
    say "creating the system user $run_user (owner of the test clusters)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      --comment "Lisoloo test PostgreSQL clusters" "$run_user" 2>/dev/null \
      || id -u "$run_user" >/dev/null 2>&1 || die "could not create the user $run_user"
  fi
}

# Runs a command as the cluster's user, from a directory it can enter.
as_user() {
  local cwd="$1"; shift
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$cwd" && runuser -u "$run_user" -- "$@")
  else
    (cd "$cwd" && "$@")
  fi
}

# --- stop -----------------------------------------------------------------------------------------------------------
pid_alive() { kill -0 "$1" 2>/dev/null; }
# A PID from a stale postmaster.pid may belong to another program by now: only a postgres process counts.
is_postgres() { pid_alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q postgres; }

stop_cluster() {
  local dir="$1"
  [ -e "$dir" ] || return 0
  [ -d "$dir" ] || die "$dir is not a directory"
  if [ ! -f "$dir/$marker" ]; then
    [ -z "$(ls -A "$dir")" ] || die "$dir was not made by eng/pg.sh start (no $marker): not removing it"
    rmdir "$dir"; return 0
  fi
  local cluster="$dir"
  [ -f "$dir/cluster-dir" ] && cluster="$(cat "$dir/cluster-dir")"
  local data="$cluster/data"
  if [ -f "$data/postmaster.pid" ]; then
    local pid; pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && is_postgres "$pid"; then
      local bindir stopped=0 i; bindir="$(cat "$dir/bindir" 2>/dev/null || true)"
      if [ -x "$bindir/pg_ctl" ]; then
        run_user="$(stat -c %U "$data")"
        # Returns once postmaster.pid is gone, i.e. every server process has exited.
        if as_user / "$bindir/pg_ctl" stop -D "$data" -m fast -w -t 30 -s >&2; then stopped=1; fi
      fi
      if [ "$stopped" -eq 0 ]; then
        say "pg_ctl stop failed; stopping PID $pid by signal"
        # Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL; 10 s each. An exited postmaster may stay a
        # zombie until init reaps it: is_postgres does not count it (a zombie has no command line).
        local sig
        for sig in INT QUIT KILL; do
          is_postgres "$pid" || break
          kill "-$sig" "$pid" 2>/dev/null || true
          for i in $(seq 1 100); do is_postgres "$pid" || break; sleep 0.1; done
        done
        ! is_postgres "$pid" || die "postgres (PID $pid) is still running"
      fi
      # Until its parent (init) reaps it, the exited postmaster still shows in pgrep as a zombie: give that 5 s.
      for i in $(seq 1 50); do pid_alive "$pid" || break; sleep 0.1; done
    fi
  fi
  if [ "$cluster" != "$dir" ]; then
    case "$cluster" in /tmp/lisoloo-pg.*|"${TMPDIR:-/tmp}"/lisoloo-pg.*) rm -rf "$cluster" ;; *) say "not removing $cluster (unexpected place)";; esac
  fi
  rm -rf "$dir"
}

# --- halt and resume (fault tests) ----------------------------------------------------------------------------------
# The cluster's data directory and binaries, from DIR as `start` left it.
cluster_of() {
  local dir="$1"
  [ -f "$dir/$marker" ] || die "$dir was not made by eng/pg.sh start (no $marker)"
  local cluster="$dir"
  [ -f "$dir/cluster-dir" ] && cluster="$(cat "$dir/cluster-dir")"
  echo "$cluster"
}

halt_cluster() {
  local dir="$1" cluster; cluster="$(cluster_of "$dir")"
  local bindir; bindir="$(cat "$dir/bindir")"
  run_user="$(stat -c %U "$cluster/data")"
  as_user / "$bindir/pg_ctl" stop -D "$cluster/data" -m fast -w -t 30 -s >&2 || die "pg_ctl stop failed"
}

resume_cluster() {
  local dir="$1" cluster; cluster="$(cluster_of "$dir")"
  local bindir; bindir="$(cat "$dir/bindir")"
  run_user="$(stat -c %U "$cluster/data")"
  local timeout="${LISOLOO_PG_START_TIMEOUT:-60}"
  if ! as_user "$cluster" "$bindir/pg_ctl" start -D "$cluster/data" -l "$cluster/server.log" -w -t "$timeout" -s >/dev/null 2>"$cluster/pg_ctl.log"; then
    cat "$cluster/pg_ctl.log" "$cluster/server.log" >&2
    die "the PostgreSQL server did not start again"
  fi
  local port; port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' "$dir/connection-string")"
  local deadline=$((SECONDS + timeout))
  until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -t 2; do
    [ "$SECONDS" -lt "$deadline" ] || die "the server did not answer pg_isready on 127.0.0.1:$port within ${timeout}s"
    sleep 0.2
  done
}

# --- start ----------------------------------------------------------------------------------------------------------
random_port() {
  # Below the usual ephemeral range (32768+), so outgoing connections do not take it; probed, and the bind is retried.
  local p i
  for i in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free loopback port found"
}

start_cluster() {
  local dir="$1"
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    die "$dir exists and is not empty (eng/pg.sh stop $dir first)"
  fi

  local bindir; bindir="$(find_bindir || true)"
  if [ -z "$bindir" ]; then
    install_postgresql
    bindir="$(find_bindir || true)"
    [ -n "$bindir" ] || die "postgresql was installed but no server is under /usr/lib/postgresql/*/bin"
  fi
  setup_user

  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  touch "$dir/$marker"
  echo "$bindir" >"$dir/bindir"
  # From here on, a failure removes what was made.
  started_dir="$dir"
  trap 'stop_cluster "$started_dir" 2>/dev/null || true' EXIT

  local cluster="$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$run_user:" "$dir"
    if ! runuser -u "$run_user" -- test -w "$dir" 2>/dev/null; then
      cluster="$(mktemp -d "${TMPDIR:-/tmp}/lisoloo-pg.XXXXXXXX")"
      chmod 0755 "$cluster"
      chown "$run_user:" "$cluster"
      echo "$cluster" >"$dir/cluster-dir"
      say "$run_user cannot reach $dir; the cluster lives in $cluster"
    fi
  fi
  local data="$cluster/data" log="$cluster/server.log"

  local locale="C"
  locale -a 2>/dev/null | grep -qix 'c.utf-\?8' && locale="C.UTF-8"
  if ! as_user "$cluster" "$bindir/initdb" -D "$data" -U "$superuser" -E UTF8 --locale="$locale" --lc-messages=C \
       -A trust --no-instructions >"$cluster/initdb.log" 2>&1; then
    cat "$cluster/initdb.log" >&2
    die "initdb failed"
  fi

  # Loopback only: TCP on 127.0.0.1 and the cluster's own socket.
  cat >"$data/pg_hba.conf" <<'EOF'
# eng/pg.sh: test-only cluster; trust on loopback and the private socket only.
local   all   all                 trust
host    all   all   127.0.0.1/32  trust
EOF

  # A Unix socket path is limited to 107 bytes: without room for one, TCP only.
  local sockdir="$cluster"
  [ "${#sockdir}" -le 80 ] || sockdir=""

  local durable="off"
  [ "${LISOLOO_PG_FSYNC:-off}" = "on" ] && durable="on"

  local timeout="${LISOLOO_PG_START_TIMEOUT:-60}" port="" attempt
  for attempt in 1 2 3 4 5; do
    port="$(random_port)"
    cat >"$data/postgresql.auto.conf" <<EOF
# eng/pg.sh: a throw-away cluster for tests (see eng/pg.sh for the choices).
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
max_connections = 200
shared_buffers = 128MB
fsync = $durable
synchronous_commit = $durable
full_page_writes = $durable
max_parallel_workers_per_gather = 0
max_parallel_maintenance_workers = 0
jit = off
timezone = 'UTC'
log_timezone = 'UTC'
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    : >"$log"
    [ "$(id -u)" -eq 0 ] && chown "$run_user:" "$data/pg_hba.conf" "$data/postgresql.auto.conf" "$log"
    if as_user "$cluster" "$bindir/pg_ctl" start -D "$data" -l "$log" -w -t "$timeout" -s >/dev/null 2>"$cluster/pg_ctl.log"; then
      break
    fi
    if grep -qiE "could not bind|address already in use|could not create any TCP/IP sockets" "$log"; then
      say "port $port was taken; trying another"
      port=""; continue
    fi
    cat "$cluster/pg_ctl.log" "$log" >&2
    die "the PostgreSQL server did not start"
  done
  [ -n "$port" ] || die "could not bind a free loopback port in 5 tries"

  # Ready means accepting TCP connections on the advertised address.
  local deadline=$((SECONDS + timeout))
  until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -t 2; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      cat "$log" >&2
      die "the server did not answer pg_isready on 127.0.0.1:$port within ${timeout}s"
    fi
    sleep 0.2
  done

  local cs="Host=127.0.0.1;Port=$port;Username=$superuser;Database=postgres"
  echo "$cs" >"$dir/connection-string"
  trap - EXIT
  echo "$cs"
}

[ "$#" -eq 2 ] || usage
case "$1" in
  start) start_cluster "$2" ;;
  stop) stop_cluster "$2" ;;
  halt) halt_cluster "$2" ;;
  resume) resume_cluster "$2" ;;
  *) usage ;;
esac
