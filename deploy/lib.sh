# Shared by deploy/run.sh and deploy/test.sh: packages, build, and a private PostgreSQL cluster.
# shellcheck shell=bash

scimd_packages=(cmake g++ make pkg-config libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
                libpqxx-dev libssl-dev doctest-dev postgresql openssl ca-certificates curl)
# Only deploy/test.sh needs these: clang and its libFuzzer runtime for the fuzz targets, clang-format for the layout,
# python3 and promtool (prometheus) for the log and metrics checks, dpkg-dev and systemd for the package test,
# Patroni, etcd and HAProxy for the failure rehearsal's short form.
scimd_test_packages=(clang libclang-rt-14-dev clang-format python3 python3-yaml prometheus dpkg-dev systemd
                     patroni etcd-server haproxy procps)

say() { printf 'scimd: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root to run: $* (install sudo or run as root)"; fi
}

# Installs the Debian packages that are missing (those named, or scimd's); says nothing when all are present.
install_packages() {
    local missing=() wanted=("$@")
    [ ${#wanted[@]} -gt 0 ] || wanted=("${scimd_packages[@]}")
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds into $1 (default build/) in Release.
build_scimd() {
    local dir=${1:-$scimd_root/build}
    cmake -S "$scimd_root" -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$dir" -j"$(nproc 2>/dev/null || echo 2)"
}

pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
    printf '%s\n' "$dir"
}

# PostgreSQL refuses to run as root: as root, run its programs as the postgres system user.
pg_owner() { if [ "$(id -u)" -eq 0 ]; then printf 'postgres\n'; else id -un; fi; }
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The postgres user must be able to reach a cluster kept inside this checkout.
grant_pg_path() {
    local dir=$1
    [ "$(id -u)" -eq 0 ] || return 0
    while [ "$dir" != / ]; do
        if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
            say "letting the postgres user traverse $dir (chmod o+x) so it can reach its data directory"
            chmod o+x "$dir"
        fi
        dir=$(dirname "$dir")
    done
}

# pg_init DATA_DIR: creates a cluster owned by the PostgreSQL user, with superuser "postgres".
pg_init() {
    local data=$1
    mkdir -p "$data"
    chmod 700 "$data"
    [ "$(id -u)" -eq 0 ] && chown "$(pg_owner)" "$data"
    as_pg "$(pg_bindir)/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
}

# pg_start DATA_DIR SOCKET_DIR LOG [extra postgres options]: starts the cluster, waiting until it is ready.
pg_start() {
    local data=$1 sockets=$2 log=$3
    shift 3
    mkdir -p "$sockets"
    chmod 700 "$sockets"
    touch "$log"
    if [ "$(id -u)" -eq 0 ]; then chown "$(pg_owner)" "$sockets" "$log"; fi
    # setsid keeps the cluster out of the terminal's process group: Ctrl-C reaches scimd, and the
    # script then stops the cluster itself, in order.
    as_pg setsid "$(pg_bindir)/pg_ctl" -D "$data" -l "$log" -w -t 60 \
        -o "-k $sockets $*" start >/dev/null || { tail -n 20 "$log" >&2; die "PostgreSQL did not start"; }
}

pg_stop() {
    local data=$1
    [ -f "$data/postmaster.pid" ] || return 0
    as_pg "$(pg_bindir)/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
    local port
    for _ in $(seq 1 100); do
        # Below Linux's ephemeral range (32768-60999), where outgoing connections would collide with it.
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    die "no free TCP port found"
}
