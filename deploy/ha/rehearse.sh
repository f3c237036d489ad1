#!/usr/bin/env bash
# A failure rehearsal on this machine's loopback, with the engines operators run: one etcd, three PostgreSQL nodes
# under Patroni (synchronous replication), HAProxy routing to the Patroni primary, three scimd instances and HAProxy
# in front of them. A load generator runs an Entra-like mix at a steady rate and records every request and every
# acknowledged write while the drills run; after each drill every acknowledged write is read back. One table row per
# drill. Everything it starts is stopped when it ends, whatever happens.
#
# With --throughput it then measures requests/s with 1, 2 and 3 scimd instances; with --replicas as well, a read-only
# directory mix with and without --read-database-url (HAProxy to the Patroni replicas), and the Entra-like mix's
# read-your-writes with replicas on.
#
# Usage: deploy/ha/rehearse.sh [--drills rolling,kill9,switchover,failover,stall|none] [--rate N] [--seconds-per-drill N]
#                              [--throughput] [--replicas] [--database-via haproxy|libpq] [--scimd PATH]
# --database-via libpq gives scimd the three nodes as one libpq URL (target_session_attrs=read-write, replicas with
# target_session_attrs=standby) instead of HAProxy's database ports.
set -euo pipefail

scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib.sh
. "$scimd_root/deploy/lib.sh"

drills=rolling,kill9,switchover,failover,stall
rate=60
drill_seconds=25
throughput=false
replicas=false
database_via=haproxy
scimd="$scimd_root/build/cli/scimd"
while [ $# -gt 0 ]; do
    case $1 in
        --drills) drills=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --seconds-per-drill) drill_seconds=$2; shift 2 ;;
        --throughput) throughput=true; shift ;;
        --replicas) replicas=true; throughput=true; shift ;;
        --database-via) database_via=$2; shift 2 ;;
        --scimd) scimd=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
case $database_via in haproxy|libpq) ;; *) die "--database-via must be haproxy or libpq" ;; esac

install_packages "${scimd_packages[@]}" python3 patroni etcd-server haproxy procps
[ -x "$scimd" ] || build_scimd >/dev/null

work=$(mktemp -d /tmp/scimd-ha.XXXXXX)
chmod 755 "$work"
if [ "$(id -u)" -eq 0 ]; then chown "$(pg_owner)" "$work"; fi  # Patroni, as the PostgreSQL user, makes its files here
pids=()
cleanup() {
    set +e
    for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null; done
    pkill -TERM -f "patroni $work/" 2>/dev/null
    sleep 2
    for n in 1 2 3; do [ -d "$work/pg$n" ] && pg_stop "$work/pg$n"; done
    pkill -KILL -f "$work/" 2>/dev/null
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    wait 2>/dev/null
    [ "${SCIMD_HA_KEEP:-}" = 1 ] && say "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq 1 $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
    die "$what did not happen within ${seconds}s (logs in $work; SCIMD_HA_KEEP=1 keeps them)"
}
http_ok() { curl -fs -o /dev/null --max-time 2 "$1"; }

etcd_port=$(free_port); etcd_peer=$(free_port); db_port=$(free_port); replica_db_port=$(free_port)
scim_port=$(free_port)
pg_ports=(); rest_ports=(); scimd_ports=(); admin_ports=()
for n in 1 2 3; do
    pg_ports+=("$(free_port)"); rest_ports+=("$(free_port)"); scimd_ports+=("$(free_port)"); admin_ports+=("$(free_port)")
done

say "etcd on 127.0.0.1:$etcd_port"
setsid etcd --name rehearsal --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "rehearsal=http://127.0.0.1:$etcd_peer" >"$work/etcd.log" 2>&1 &
pids+=($!)
wait_for 20 "etcd start" http_ok "http://127.0.0.1:$etcd_port/health"

start_patroni() {  # start_patroni N (1-based)
    as_pg setsid patroni "$work/patroni$1.yml" >>"$work/patroni$1.log" 2>&1 &
    pids+=($!)
}

# Patroni's settings for the rehearsal: a 10 s leader lease checked every 2 s, so a dead primary is replaced within
# about 10 to 15 s; synchronous mode, so a commit acknowledged by the primary is on a replica too.
for n in 1 2 3; do
    i=$((n - 1))
    mkdir -p "$work/sock$n"
    chown "$(pg_owner)" "$work/sock$n"
    cat >"$work/patroni$n.yml" <<YAML
scope: scimd-rehearsal
name: node$n
restapi:
  listen: 127.0.0.1:${rest_ports[$i]}
  connect_address: 127.0.0.1:${rest_ports[$i]}
etcd3:
  host: 127.0.0.1:$etcd_port
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        synchronous_commit: "on"
        wal_log_hints: "on"
        max_connections: 100
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:${pg_ports[$i]}
  connect_address: 127.0.0.1:${pg_ports[$i]}
  data_dir: $work/pg$n
  bin_dir: $(pg_bindir)
  pgpass: $work/pgpass$n
  authentication:
    superuser: {username: postgres, password: rehearsal}
    replication: {username: replicator, password: rehearsal}
  parameters:
    unix_socket_directories: $work/sock$n
    fsync: "on"
YAML
    touch "$work/patroni$n.log"
    chown "$(pg_owner)" "$work/patroni$n.yml" "$work/patroni$n.log"
    start_patroni $n
    if [ $n = 1 ]; then
        wait_for 60 "the first PostgreSQL node to lead" http_ok "http://127.0.0.1:${rest_ports[0]}/primary"
    fi
done
for n in 2 3; do
    wait_for 90 "node$n to replicate" http_ok "http://127.0.0.1:${rest_ports[$((n - 1))]}/replica"
done
say "PostgreSQL: node1 leads, node2 and node3 replicate (ports ${pg_ports[*]})"

# HAProxy: the database port goes to whichever node Patroni says is the primary; the SCIM port to the ready scimd
# instances. A server that fails its check is out within a second; its open database sessions are cut.
cat >"$work/haproxy.cfg" <<CFG
global
    maxconn 2000
    stats socket $work/haproxy.sock mode 600 level admin
defaults
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout check 1s
listen postgres
    bind 127.0.0.1:$db_port
    mode tcp
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
$(for n in 1 2 3; do echo "    server node$n 127.0.0.1:${pg_ports[$((n - 1))]} check port ${rest_ports[$((n - 1))]}"; done)
listen postgres_replicas
    bind 127.0.0.1:$replica_db_port
    mode tcp
    balance leastconn
    option httpchk GET /replica
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
$(for n in 1 2 3; do echo "    server node$n 127.0.0.1:${pg_ports[$((n - 1))]} check port ${rest_ports[$((n - 1))]}"; done)
listen scim
    bind 127.0.0.1:$scim_port
    mode http
    option httpchk GET /readyz
    http-check expect status 200
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
    default-server inter 500ms fall 1 rise 2
$(for n in 1 2 3; do echo "    server scimd$n 127.0.0.1:${scimd_ports[$((n - 1))]} check port ${admin_ports[$((n - 1))]}"; done)
CFG
setsid haproxy -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)

db_url="postgresql://postgres@127.0.0.1:$db_port/postgres?connect_timeout=3"
wait_for 30 "the database through HAProxy" "$scimd" migrate --database-url "$db_url"
# HAProxy may still be settling on the primary: each step is retried until it has worked.
wait_for 30 "the rehearsal tenant" bash -c "'$scimd' tenant show --tenant rehearsal --database-url '$db_url' ||
    '$scimd' tenant create rehearsal --database-url '$db_url'"
# Measured throughput is scimd's and PostgreSQL's, not the tenant's rate limit (500/s per instance by default).
"$scimd" tenant set --tenant rehearsal --rate-limit off --database-url "$db_url" >/dev/null
wait_for 30 "the load's token" bash -c "'$scimd' token issue --tenant rehearsal --scope write --label load \
    --database-url '$db_url' >'$work/token'"
token=$(cat "$work/token")
"$scimd" token issue --tenant rehearsal --scope read --label directory --database-url "$db_url" >"$work/reader"
reader=$(cat "$work/reader")
replica_url="postgresql://postgres@127.0.0.1:$replica_db_port/postgres?connect_timeout=3"
if [ "$database_via" = libpq ]; then
    hosts=""
    for n in 1 2 3; do hosts+="${hosts:+,}127.0.0.1:${pg_ports[$((n - 1))]}"; done
    db_url="postgresql://postgres@$hosts/postgres?target_session_attrs=read-write&connect_timeout=3"
    replica_url="postgresql://postgres@$hosts/postgres?target_session_attrs=standby&connect_timeout=3"
    say "scimd reaches the database through libpq's host list: $db_url"
fi

scimd_pids=(0 0 0)
scimd_extra=()  # more options of every scimd started from now on
start_scimd() {  # start_scimd N (1-based)
    local i=$(($1 - 1))
    setsid "$scimd" serve --no-tls --listen "127.0.0.1:${scimd_ports[$i]}" --admin-listen "127.0.0.1:${admin_ports[$i]}" \
        --database-url "$db_url" --drain-delay 2 --statement-timeout 5000 --access-log off \
        ${scimd_extra[@]+"${scimd_extra[@]}"} >>"$work/scimd$1.log" 2>&1 &
    scimd_pids[$i]=$!
    pids+=($!)
    wait_for 30 "scimd$1 to be ready" http_ok "http://127.0.0.1:${admin_ports[$i]}/readyz"
}
for n in 1 2 3; do start_scimd $n; done
say "scimd instances on ${scimd_ports[*]} behind HAProxy at 127.0.0.1:$scim_port"
base="http://127.0.0.1:$scim_port/scim/v2"

primary_node() {  # 1-based index of the node Patroni says leads
    for n in 1 2 3; do
        if http_ok "http://127.0.0.1:${rest_ports[$((n - 1))]}/primary"; then echo $n; return 0; fi
    done
    return 1
}
primary_pid() { head -n 1 "$work/pg$1/postmaster.pid"; }

drill_rolling() {
    for n in 1 2 3; do
        kill -TERM "${scimd_pids[$((n - 1))]}"
        wait "${scimd_pids[$((n - 1))]}" 2>/dev/null || true
        start_scimd $n
        sleep 1
    done
}
drill_kill9() {
    kill -KILL "${scimd_pids[1]}"
    wait "${scimd_pids[1]}" 2>/dev/null || true
    sleep 3
    start_scimd 2
}
drill_switchover() {  # planned: to the synchronous standby, the one replica Patroni lets lead without losing a commit
    local from to n
    from=$(primary_node)
    for _ in $(seq 1 150); do  # after a start or a failover Patroni may take a few loops to name one
        for n in 1 2 3; do
            if http_ok "http://127.0.0.1:${rest_ports[$((n - 1))]}/sync"; then to=$n; fi
        done
        [ -z "${to:-}" ] || break
        sleep 0.2
    done
    [ -n "${to:-}" ] || die "Patroni named no synchronous standby within 30 s"
    as_pg patronictl -c "$work/patroni1.yml" switchover --leader "node$from" --candidate "node$to" --force \
        >>"$work/patronictl.log" 2>&1
    wait_for 60 "node$to to lead" http_ok "http://127.0.0.1:${rest_ports[$((to - 1))]}/primary"
}
drill_failover() {  # the primary's machine dies: its Patroni and its PostgreSQL, at once
    local from
    from=$(primary_node)
    pkill -KILL -f "patroni $work/patroni$from.yml"
    kill -KILL "$(primary_pid "$from")"
    wait_for 60 "another node to lead" bash -c "for p in ${rest_ports[*]}; do curl -fs -o /dev/null --max-time 1 http://127.0.0.1:\$p/primary && exit 0; done; exit 1"
    # Back, the old primary rejoins as a replica (pg_rewind) and the cluster is whole for the next drill.
    pkill -KILL -f "$work/pg$from" 2>/dev/null || true
    start_patroni "$from"
    wait_for 90 "node$from to replicate again" http_ok "http://127.0.0.1:${rest_ports[$((from - 1))]}/replica"
}
drill_stall() {  # the primary stops answering for 10 s, as behind a stalled network: every process of it paused
    local from pid all
    from=$(primary_node); pid=$(primary_pid "$from")
    all="$pid $(pgrep -P "$pid" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    kill -STOP $all
    sleep 10
    # shellcheck disable=SC2086
    kill -CONT $all 2>/dev/null || true
}

field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
printf '\n%-12s %8s %7s %-18s %12s %8s %8s %8s\n' drill requests failed by_status no_write_s acked missing p99_ms
IFS=, read -r -a wanted <<<"$drills"
[ "$drills" = none ] && wanted=()
missing_total=0
for drill in ${wanted[@]+"${wanted[@]}"}; do
    declare -F "drill_$drill" >/dev/null || die "no drill $drill (rolling, kill9, switchover, failover, stall)"
    log="$work/load-$drill.jsonl"
    python3 "$scimd_root/deploy/ha/load.py" run --urls "$base" --token "$token" --seconds "$drill_seconds" \
        --rate "$rate" --workers 8 --log "$log" &
    load_pid=$!
    sleep 3
    started=$(date +%s.%N)
    "drill_$drill"
    wait "$load_pid"
    ended=$(date +%s.%N)
    # Everything comes back before the reads: a drill that left the database failing over waits for it here.
    wait_for 60 "the service to answer after $drill" curl -fsS -o /dev/null --max-time 2 \
        -H "Authorization: Bearer $token" "$base/ServiceProviderConfig"
    stats=$(python3 "$scimd_root/deploy/ha/load.py" summary --log "$log" --since "$started" --until "$ended")
    checked=$(python3 "$scimd_root/deploy/ha/load.py" check --url "$base" --token "$token" --log "$log" \
        2>>"$work/missing.log")
    missing=$(field "$checked" missing)
    missing_total=$((missing_total + missing))
    # A drill that saw no acknowledged write proved nothing: the load never got through.
    [ "$(field "$checked" acknowledged)" -gt 0 ] || die "drill $drill: no write was acknowledged (logs in $work)"
    printf '%-12s %8s %7s %-18s %12s %8s %8s %8s\n' "$drill" "$(field "$stats" sent)" "$(field "$stats" failed)" \
        "$(field "$stats" by_status)" "$(field "$stats" no_write_s)" "$(field "$checked" acknowledged)" "$missing" \
        "$(field "$stats" p99_ms)"
done

measure() {  # measure NAME TOKEN MIX INSTANCES: one table row, 15 s of load spread over the first INSTANCES scimd
    local urls="" log="$work/throughput-${1//[^a-z0-9]/-}.jsonl" t0 t1 stats
    for n in $(seq 1 "$4"); do urls+="${urls:+,}http://127.0.0.1:${scimd_ports[$((n - 1))]}/scim/v2"; done
    t0=$(date +%s.%N)
    python3 "$scimd_root/deploy/ha/load.py" run --urls "$urls" --token "$2" --seconds 15 --workers 24 --mix "$3" \
        --log "$log"
    t1=$(date +%s.%N)
    stats=$(python3 "$scimd_root/deploy/ha/load.py" summary --log "$log" --since "$t0" --until "$t1")
    printf '%-34s %10s %8s %7s %6s\n' "$1" "$(field "$stats" rps)" "$(field "$stats" p99_ms)" \
        "$(field "$stats" failed)" "$(field "$stats" stale)"
}
if $throughput; then
    printf '\n%-34s %10s %8s %7s %6s\n' load req/s p99_ms failed stale
    for count in 1 2 3; do measure "entra, $count instance(s)" "$token" entra "$count"; done
    if $replicas; then
        measure "directory reads, primary only" "$reader" directory 3
        # The same three instances again, reading from the Patroni replicas through HAProxy.
        scimd_extra=(--read-database-url "$replica_url")
        for n in 1 2 3; do
            kill -TERM "${scimd_pids[$((n - 1))]}"
            wait "${scimd_pids[$((n - 1))]}" 2>/dev/null || true
            start_scimd "$n"
        done
        sleep 2  # the replica watchers' first checks
        measure "directory reads, replicas" "$reader" directory 3
        measure "entra, 3 instances, replicas" "$token" entra 3
        replica_reads=$(curl -fs "http://127.0.0.1:${admin_ports[0]}/metrics" | grep '^scimd_replica_reads_total' |
            sed 's/^scimd_replica_reads_total{outcome="\([a-z_]*\)"} /\1=/' | tr '\n' ' ')
        say "scimd1's reads by where they went: $replica_reads"
    fi
fi

[ "$missing_total" -eq 0 ] || die "$missing_total acknowledged write(s) missing: see $work/missing.log"
say "every acknowledged write was read back"
