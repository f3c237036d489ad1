#!/usr/bin/env bash
# The benchmark: on a throwaway PostgreSQL, seeds a tenant, runs PostgreSQL's own baselines (pgbench -S and a
# single-row insert), then each scenario of tests/bench/scenarios.lua with wrk against a Release scimd (every read
# scenario over each protocol first, on the data as seeded, then the write scenarios), prints one line per scenario
# and every target with its ratio from this run and met/missed, then sweeps the cost as the data grows.
# Statistics are never refreshed (autovacuum off, no ANALYZE): plans must not need them.
# Leaves nothing running. Exits 1 when a request failed, 2 when a target was missed.
# Usage: tests/bench/run.sh [--users N] [--duration SECONDS] [--connections N] [--scenarios a,b,...]
#                           [--protocols http,https] [--perf DIR] [--sweep 10000,100000,1000000 | --no-sweep]
#                           [--sweep-tenants N]
set -euo pipefail
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

users=100000
duration=10
connections=32
protocols=http,https
perf_dir=""
sweep=10000,100000,1000000
sweep_tenants=10000
read_scenarios=(service_provider_config get_user get_user_no_groups filter_username filter_externalid page_index
                page_total walk_index walk_cursor page_cursor_deep members_walk_index members_walk_cursor
                group_big_no_members)
write_scenarios=(post_user patch_user put_user members_big members_small bulk_create entra_mixed)
# "events": POST and PATCH again with a push stream attached, against the same run's figures without one.
scenarios=$(IFS=,; echo "${read_scenarios[*]},${write_scenarios[*]},events")
while [ $# -gt 0 ]; do
    case $1 in
        --users) users=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --scenarios) scenarios=$2; shift 2 ;;
        --protocols) protocols=$2; shift 2 ;;
        --perf) perf_dir=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
        --sweep) sweep=$2; shift 2 ;;
        --no-sweep) sweep=""; shift ;;
        --sweep-tenants) sweep_tenants=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done
[ "$users" -ge 1000 ] || die "--users must be at least 1000"

install_packages
install_packages wrk
say "building (Release) in build/"
build_scimd "$scimd_root/build" >/dev/null
scimd="$scimd_root/build/cli/scimd"

work=$(mktemp -d /tmp/scimd-bench.XXXXXX)
chmod 755 "$work"
server_pid=""
admin_port=""
declare -A backlog_s
sampler_pid=""
perf_pid=""
stop_server() {
    [ -n "$sampler_pid" ] && { kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; }
    [ -n "$server_pid" ] && { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    sampler_pid=""
    server_pid=""
}
cleanup() {
    stop_server
    pg_stop "$work/data"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PostgreSQL as it would run in production (durable commits), sized for the machine's memory; autovacuum off, so
# that every scenario runs on the statistics of a table just loaded.
pg_port=$(free_port)
pg_init "$work/data"
pg_start "$work/data" "$work/sockets" "$work/postgres.log" \
    "-c listen_addresses=127.0.0.1 -p $pg_port -c max_connections=100 -c shared_buffers=512MB -c autovacuum=off"
export SCIMD_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"
psql_bench() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres "$@"; }

"$scimd" migrate 2>/dev/null

# A tenant with its rate limit off (the benchmark measures the server, not its limits) and a write token.
new_tenant() {
    "$scimd" tenant create "$1" >/dev/null 2>&1
    "$scimd" tenant set --tenant "$1" --rate-limit off >/dev/null
    "$scimd" token issue --tenant "$1" --scope write --label bench 2>/dev/null
}

# Users user<i>@example.com with externalId ext<i>, i from $2 + 1 to $2 + $3, in the tenants named by the SQL
# condition $1, straight in SQL.
seed_users() {
    psql_bench -v first="$2" -v last="$(( $2 + $3 ))" <<SQL
INSERT INTO users (tenant_id, data, created_at, modified_at)
SELECT t.id, jsonb_build_object('userName', 'user' || i || '@example.com', 'externalId', 'ext' || i,
         'displayName', 'User ' || i, 'active', true,
         'name', jsonb_build_object('givenName', 'G' || i, 'familyName', 'F' || (i % 100)),
         'emails', jsonb_build_array(jsonb_build_object('value', 'mail' || i || '@example.com', 'type', 'work'))),
       now() - interval '1 day' + i * interval '1 millisecond', now()
FROM tenants t, generate_series(:first + 1, :last) AS i WHERE $1;
SQL
}

# The users of tenant $1 as scenarios.lua reads them, oldest first, each with token $2 when given.
users_file() {
    psql_bench -At -F $'\t' -c "SELECT u.id, u.user_name, u.external_id FROM users u JOIN tenants t ON t.id = u.tenant_id
                                WHERE t.name = '$1' ORDER BY u.created_at" |
        if [ -n "${2:-}" ]; then sed "s/\$/\t$2/"; else cat; fi
}

token=$(new_tenant bench)
printf '%s\n' "$token" >"$work/bench.tokens"
say "seeding $users users, a group of all of them and a group of 10"
seed_users "t.name = 'bench'" 0 "$users"
psql_bench <<'SQL'
INSERT INTO groups (tenant_id, data, created_at, modified_at)
SELECT tenants.id, jsonb_build_object('displayName', g.name), now(), now()
FROM tenants, (VALUES ('Everyone'), ('Ten')) AS g(name) WHERE tenants.name = 'bench';
INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
SELECT u.tenant_id, g.id, u.id, 'User' FROM users u JOIN groups g ON g.tenant_id = u.tenant_id
WHERE g.display_name = 'Everyone';
INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
SELECT u.tenant_id, g.id, u.id, 'User'
FROM (SELECT tenant_id, id FROM users ORDER BY created_at LIMIT 10) u JOIN groups g ON g.tenant_id = u.tenant_id
WHERE g.display_name = 'Ten';
SQL
users_file bench >"$work/users.tsv"
big_group=$(psql_bench -At -c "SELECT id FROM groups WHERE display_name = 'Everyone'")
small_group=$(psql_bench -At -c "SELECT id FROM groups WHERE display_name = 'Ten'")

# The baselines, at the same client count: what PostgreSQL itself does for a point read and a one-row insert.
say "baseline: pgbench -S and a single-row insert, $connections clients, ${duration}s each"
scale=$(( users / 100000 )); [ "$scale" -ge 1 ] || scale=1
pgbench -i -q -s "$scale" -h 127.0.0.1 -p "$pg_port" -U postgres postgres >/dev/null 2>&1
psql_bench -c "CREATE TABLE bench_insert (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL,
                 data jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
               CREATE UNIQUE INDEX ON bench_insert (lower(name));"
cat >"$work/insert.sql" <<'SQL'
INSERT INTO bench_insert (name, data) VALUES (gen_random_uuid()::text, '{"userName":"someone@example.com"}');
SQL
# CPU time (clock ticks) used so far by scimd and by every PostgreSQL process: where a scenario's time goes.
cpu_ticks() {
    local stats
    stats=$(cat /proc/[0-9]*/stat 2>/dev/null || true)  # processes come and go while it reads
    printf '%s\n' "$stats" |
        awk '$2 == "(scimd)" { s += $14 + $15 } $2 == "(postgres)" { p += $14 + $15 + $16 + $17 }
             END { printf "%d %d", s, p }'  # with the CPU of backends that exited, which the postmaster keeps
}
# PostgreSQL's CPU microseconds per transaction of the last baseline.
baseline_pg_us() { awk -v b="$1" -v a="$2" -v n="$3" -v d="$duration" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { split(b, x, " "); split(a, y, " "); printf "%d", (y[2] - x[2]) / hz * 1e6 / (n * d) }'; }
pgbench_tps() {
    pgbench -n -c "$connections" -j 2 -T "$duration" -h 127.0.0.1 -p "$pg_port" -U postgres "$@" postgres 2>/dev/null |
        sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -n 1
}
ticks0=$(cpu_ticks)
select_tps=$(pgbench_tps -S)
ticks1=$(cpu_ticks)
insert_tps=$(pgbench_tps -f "$work/insert.sql")
ticks2=$(cpu_ticks)
select_pg_us=$(baseline_pg_us "$ticks0" "$ticks1" "$select_tps")
insert_pg_us=$(baseline_pg_us "$ticks1" "$ticks2" "$insert_tps")

# wrk's request bodies need a cursor deep in the set: page there with the largest page size.
deep_cursor() {
    local base=$1 cursor="" page
    for _ in $(seq 1 $(( users * 9 / 10 / 1000 ))); do
        page=$(curl -sk -G -H "Authorization: Bearer $token" "$base/Users" --data-urlencode "count=1000" \
                    --data-urlencode "attributes=id" --data-urlencode "cursor=$cursor")
        cursor=$(printf '%s' "$page" | grep -o '"nextCursor":"[^"]*"' | sed 's/.*:"\(.*\)"/\1/')
        [ -n "$cursor" ] || die "paging to a deep cursor failed: $page"
    done
    printf '%s\n' "$cursor"
}

start_server() {
    local protocol=$1 port
    port=$(free_port)
    local tls=(--no-tls)
    if [ "$protocol" = https ]; then
        [ -f "$work/cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
            -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
        tls=(--tls-cert "$work/cert.pem" --tls-key "$work/key.pem")
    fi
    admin_port=$(free_port)
    "$scimd" serve --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin_port" "${tls[@]}" \
        --egress-allow 127.0.0.1 2>>"$work/scimd-$protocol.log" &
    server_pid=$!
    base="$protocol://127.0.0.1:$port/scim/v2"
    for _ in $(seq 1 100); do
        curl -sk -o /dev/null -H "Authorization: Bearer $token" "$base/ServiceProviderConfig" && return 0
        sleep 0.1
    done
    die "scimd did not start: $(tail -n 5 "$work/scimd-$protocol.log")"
}

# Samples the server's resident memory while wrk runs; the peak is in $work/rss.
sample_rss() {
    local peak=0 rss
    while kill -0 "$server_pid" 2>/dev/null; do
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
        [ "${rss:-0}" -gt "$peak" ] && { peak=$rss; echo "$peak" >"$work/rss"; }
        sleep 0.2
    done
}

baseline_of() {
    case $1 in post_user|patch_user|put_user|members_big|members_small|bulk_create|entra_mixed) echo insert ;;
               *) echo select ;; esac
}
is_walk() { case $1 in walk_*|members_walk_*) return 0 ;; *) return 1 ;; esac; }
wanted() { case ",$scenarios," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

declare -A rate p99 rss_mb
failed_requests=0
# Runs scenario $2 over protocol $1 against the running server with the tokens of $3 and the users of $4, and
# prints its line; `rate`, `p99` and `rss_mb` keep its figures under "$5$1.$2".
measure() {
    local protocol=$1 scenario=$2 tokens=$3 users_tsv=$4 key=$5$1.$2 user_count=$6 threads=2 out line
    is_walk "$scenario" && threads=$connections  # a walk is one client per connection: a thread each
    echo 0 >"$work/rss"
    sample_rss &
    sampler_pid=$!
    if [ -n "$perf_dir" ]; then
        perf record -q -F 499 -g -p "$server_pid" -o "$perf_dir/$5$protocol-$scenario.data" -- sleep "$duration" \
            >/dev/null 2>&1 &
        perf_pid=$!
    fi
    local cpu_before cpu_after
    cpu_before=$(cpu_ticks)
    out=$(BENCH_SCENARIO=$scenario BENCH_TOKENS=$tokens BENCH_USERS=$users_tsv BENCH_USER_COUNT=$user_count \
          BENCH_BIG_GROUP=$big_group BENCH_SMALL_GROUP=$small_group BENCH_CURSOR=${cursor:-} BENCH_RUN="$5$protocol" \
          wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 30s -s "$scimd_root/tests/bench/scenarios.lua" \
              "$base/" 2>&1) || die "wrk failed on $scenario: $out"
    cpu_after=$(cpu_ticks)
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=""
    [ -n "$perf_pid" ] && { wait "$perf_pid" 2>/dev/null || true; perf_pid=""; }
    line=$(printf '%s\n' "$out" | grep '^RESULT') || die "wrk gave no result for $scenario: $out"
    local r_requests r_duration_us r_p50_us r_p99_us r_errors r_created
    eval "$(printf '%s\n' "${line#RESULT }" | tr ' ' '\n' | sed 's/^/r_/')"
    failed_requests=$(( failed_requests + r_errors ))
    # Only successes count; a bulk counts the users it created.
    local ok=$(( r_requests - r_errors )) per_op rps base_tps
    rps=$(awk -v n="$ok" -v d="$r_duration_us" 'BEGIN { printf "%.1f", n / (d / 1e6) }')
    per_op=$rps
    [ "$scenario" = bulk_create ] && per_op=$(awk -v n="$r_created" -v d="$r_duration_us" 'BEGIN { printf "%.1f", n / (d / 1e6) }')
    rate[$key]=$rps
    p99[$key]=$(awk -v v="$r_p99_us" 'BEGIN { printf "%.2f", v / 1000 }')
    rss_mb[$key]=$(awk -v k="$(cat "$work/rss")" 'BEGIN { printf "%.1f", k / 1024 }')
    if [ "$(baseline_of "$scenario")" = select ]; then base_tps=$select_tps; else base_tps=$insert_tps; fi
    # CPU microseconds per request, in scimd and in PostgreSQL (a bulk: per user created).
    local cpu_us
    cpu_us=$(awk -v b="$cpu_before" -v a="$cpu_after" -v n="$([ "$scenario" = bulk_create ] && echo "$r_created" || echo "$ok")" \
                 -v hz="$(getconf CLK_TCK)" 'BEGIN { split(b, x, " "); split(a, y, " "); if (n < 1) n = 1
                 printf "%d %d", (y[1] - x[1]) / hz * 1e6 / n, (y[2] - x[2]) / hz * 1e6 / n }')
    printf '%-6s %-24s %10s %9.2f %9s %7d %8s %9.0f%% %8s %8s\n' "$protocol" "$scenario" "$rps" \
        "$(awk -v v="$r_p50_us" 'BEGIN { print v / 1000 }')" "${p99[$key]}" "$r_errors" "${rss_mb[$key]}" \
        "$(awk -v a="$per_op" -v b="$base_tps" 'BEGIN { print 100 * a / b }')" ${cpu_us}
}

printf '\nscimd benchmark: %d users, %d connections, %ss per scenario, %s cores, %s\n' "$users" "$connections" \
    "$duration" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf 'baseline  pgbench -S: %.0f tps (PostgreSQL %s us CPU each)   single-row insert: %.0f tps (%s us)\n\n' \
    "$select_tps" "$select_pg_us" "$insert_tps" "$insert_pg_us"
printf '%-6s %-24s %10s %9s %9s %7s %8s %10s %8s %8s\n' proto scenario req/s p50_ms p99_ms errors rss_MB vs_base \
    scimd_us pg_us
# Reads first, on every protocol, while the data is as seeded; then the writes.
for phase in read write; do
    for protocol in ${protocols//,/ }; do
        start_server "$protocol"
        if [ "$phase" = read ] && wanted page_cursor_deep; then cursor=$(deep_cursor "$base"); fi
        if [ "$phase" = read ]; then list=("${read_scenarios[@]}"); else list=("${write_scenarios[@]}"); fi
        for scenario in "${list[@]}"; do
            wanted "$scenario" || continue
            measure "$protocol" "$scenario" "$work/bench.tokens" "$work/users.tsv" "" "$users"
        done
        stop_server
    done
done

# Change events: the same writes with one push stream attached to the tenant, its SETs signed and POSTed by the
# delivery worker to a receiver on this machine. Then how far delivery lagged behind: the SETs still waiting when the
# writes stopped, the time to deliver them, and the lag of every SET from the server's histogram.
if wanted events; then
    receiver_port=$(free_port)
    "$scimd_root/build/tests/bench_receiver" "$receiver_port" &
    receiver_pid=$!
    "$scimd" events stream create bench-events --tenant bench --push "http://127.0.0.1:$receiver_port/events" \
        --egress-allow 127.0.0.1 2>/dev/null
    start_server http
    printf '\nwith one push stream (delivery by the same scimd to a receiver on this machine):\n'
    for scenario in post_user patch_user; do
        receiver_ticks=$(awk '{ print $14 + $15 }' "/proc/$receiver_pid/stat")
        measure http "$scenario" "$work/bench.tokens" "$work/users.tsv" "events." "$users"
        # The receiver shares this machine's cores with scimd and PostgreSQL; on a real one it would not.
        receiver_us=$(awk -v b="$receiver_ticks" -v a="$(awk '{ print $14 + $15 }' "/proc/$receiver_pid/stat")" \
            -v n="$(awk -v r="${rate[events.http.$scenario]:-1}" -v d="$duration" 'BEGIN { print r * d }')" \
            -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%d", (a - b) / hz * 1e6 / (n < 1 ? 1 : n) }')
        waiting=$("$scimd" events stream list --tenant bench 2>/dev/null | grep -o '[0-9]* waiting' | grep -o '[0-9]*')
        started=$(date +%s%N)
        while "$scimd" events stream list --tenant bench 2>/dev/null | grep -qv '\b0 waiting'; do sleep 0.1; done
        drain_ms=$(( ($(date +%s%N) - started) / 1000000 ))
        lag=$(curl -s "http://127.0.0.1:$admin_port/metrics" | awk -F'[{}" ]+' '
            /^scimd_event_delivery_lag_seconds_bucket/ { le[n] = $3; c[n++] = $NF }
            /^scimd_event_delivery_lag_seconds_count/ { total = $NF }
            END { for (q = 0.5; q <= 0.99; q += 0.49) { for (i = 0; i < n && c[i] < q * total; i++); printf "%s<=%ss ", (q < 0.9 ? "p50" : "p99"), le[i] } }')
        printf '  %-22s SETs waiting when the writes stopped: %s, delivered %d ms later; lag %s; receiver %s us CPU each\n' \
            "$scenario" "${waiting:-0}" "$drain_ms" "$lag" "$receiver_us"
        backlog_s[$scenario]=$(awk -v w="${waiting:-0}" -v r="${rate[events.http.$scenario]:-1}" 'BEGIN { printf "%.2f", w / r }')
    done
    stop_server
    kill -TERM "$receiver_pid" 2>/dev/null || true
    wait "$receiver_pid" 2>/dev/null || true
    "$scimd" events stream delete bench-events --tenant bench 2>/dev/null
fi

# The targets, each a ratio from this run.
missed=0
target() {  # name, value, comparison (ge|le), threshold, unit
    local verdict
    if [ -z "$2" ]; then
        printf '  %-78s %10s   (not run)\n' "$1" "-"
        return 0
    fi
    if awk -v v="$2" -v t="$4" -v c="$3" 'BEGIN { exit !((c == "ge") ? v >= t : v <= t) }'; then verdict=met
    else verdict=MISSED; missed=$(( missed + 1 )); fi
    printf '  %-78s %10s   %s %s%s   %s\n' "$1" "$2" "$([ "$3" = ge ] && echo '>=' || echo '<=')" "$4" "${5:-}" "$verdict"
}
of() {  # a / b (times m), or empty when either was not run
    local a=${rate[$1]:-} b=${2:-}
    case $b in [0-9]*) ;; *) b=${rate[$b]:-} ;; esac
    [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v m="${3:-1}" 'BEGIN { printf "%.2f", m * a / b }'
    return 0
}
peak_rss_of() {  # the highest RSS over the scenarios whose keys start with $1
    local key peak=0
    for key in "${!rss_mb[@]}"; do
        case $key in "$1"*) peak=$(awk -v a="$peak" -v b="${rss_mb[$key]}" 'BEGIN { print (b > a) ? b : a }') ;; esac
    done
    echo "$peak"
}
printf '\ntargets (%d users, %d connections):\n' "$users" "$connections"
for protocol in ${protocols//,/ }; do
    p=$protocol
    target "$p GET /Users/{id} with groups / pgbench -S" "$(of "$p.get_user" "$select_tps")" ge 0.50
    target "$p filter userName eq / pgbench -S" "$(of "$p.filter_username" "$select_tps")" ge 0.45
    target "$p POST /Users / one-row insert" "$(of "$p.post_user" "$insert_tps")" ge 0.50
    target "$p PATCH /Users/{id} / one-row insert" "$(of "$p.patch_user" "$insert_tps")" ge 0.40
    target "$p startIndex walk page / cursor walk page" "$(of "$p.walk_index" "$p.walk_cursor")" ge 0.90
    target "$p startIndex walk, pages of 100 per second" "${rate[$p.walk_index]:-}" ge 750
    target "$p membership change: $users-member group / 10-member group" \
        "$(of "$p.members_big" "$p.members_small")" ge 0.67
    target "$p groups.value eq page by startIndex / /Users page by startIndex" \
        "$(of "$p.members_walk_index" "$p.walk_index")" ge 0.67
    target "$p groups.value eq page by cursor / /Users page by cursor" \
        "$(of "$p.members_walk_cursor" "$p.walk_cursor")" ge 0.67
    target "$p p99 of GET /Users/{id} at $connections connections (ms)" "${p99[$p.get_user]:-}" le 10
    target "$p users created per second: /Bulk / separate POSTs" "$(of "$p.bulk_create" "$p.post_user" 1000)" ge 5
    target "$p peak RSS over every scenario (MB)" "$(peak_rss_of "$p.")" le 100
done
if wanted events; then
    target "http POST /Users with a push stream / without" "$(of "events.http.post_user" "http.post_user")" ge 0.85
    target "http PATCH /Users/{id} with a push stream / without" "$(of "events.http.patch_user" "http.patch_user")" \
        ge 0.85
    target "http seconds of POST /Users output still waiting for delivery when the writes stopped" \
        "${backlog_s[post_user]:-}" le 1
fi

# The sweep: the cost of a read as the data grows, over HTTP, each figure against the first tenant's.
if [ -n "$sweep" ]; then
    sweep_scenarios=(get_user filter_username walk_cursor walk_index page_total)
    printf '\nsweep: one tenant of each size, then %d tenants of 100 users (HTTP, %d connections)\n' \
        "$sweep_tenants" "$connections"
    printf '%-16s %-16s %10s %9s %8s %10s\n' tenant scenario req/s p99_ms rss_MB vs_first
    seeded=0
    first=""  # the first tenant of the sweep: every figure is compared with its own
    for size in ${sweep//,/ } many; do
        if [ "$size" = many ]; then
            name=many
            say "sweep: seeding $sweep_tenants tenants of 100 users"
            psql_bench -c "INSERT INTO tenants (name, rate_limit, rate_burst)
                           SELECT 'many' || i, 0, 1 FROM generate_series(1, $sweep_tenants) AS i"
            seed_users "t.name LIKE 'many%'" "$seeded" 100
            seeded=$(( seeded + 100 ))
            # Fifty of them are read, each with a token of its own (stored as scimd stores them: SHA-256).
            : >"$work/sweep.tokens"
            : >"$work/sweep.tsv"
            for i in $(seq 1 50); do
                t=$(( (i * 7919) % sweep_tenants + 1 ))
                tok=$(openssl rand -hex 24)
                psql_bench -c "INSERT INTO api_tokens (tenant_id, token_sha256, label, scope)
                               SELECT id, encode(sha256('$tok'::bytea), 'hex'), 'bench', 'write'
                               FROM tenants WHERE name = 'many$t'"
                printf '%s\n' "$tok" >>"$work/sweep.tokens"
                users_file "many$t" "$tok" >>"$work/sweep.tsv"
            done
            count=100
        else
            name=size$size
            tok=$(new_tenant "$name")
            printf '%s\n' "$tok" >"$work/sweep.tokens"
            say "sweep: seeding a tenant of $size users"
            users_before=$(psql_bench -At -c "SELECT pg_total_relation_size('users')")
            seed_users "t.name = '$name'" "$seeded" "$size"
            seeded=$(( seeded + size ))
            users_after=$(psql_bench -At -c "SELECT pg_total_relation_size('users')")
            printf '%s\t%s\t%s\n' "$size" "$users_before" "$users_after" >>"$work/sizes"
            users_file "$name" | shuf -n 100000 >"$work/sweep.tsv"
            count=$size
        fi
        start_server http
        first=${first:-$name}
        for scenario in "${sweep_scenarios[@]}"; do
            measure http "$scenario" "$work/sweep.tokens" "$work/sweep.tsv" "$name." "$count" >/dev/null
            key=$name.http.$scenario
            printf '%-16s %-16s %10s %9s %8s %9sx\n' "$name" "$scenario" "${rate[$key]:-?}" "${p99[$key]:-?}" \
                "${rss_mb[$key]:-?}" "$(of "$key" "$first.http.$scenario")"
        done
        stop_server
    done
    printf '\nsweep targets (each against the %s tenant):\n' "$first"
    for size in ${sweep//,/ } many; do
        name=$([ "$size" = many ] && echo many || echo "size$size")
        [ "$name" = "$first" ] && continue
        for scenario in get_user filter_username walk_cursor; do
            target "$name $scenario throughput / $first's" "$(of "$name.http.$scenario" "$first.http.$scenario")" ge 0.77
        done
        target "$name startIndex walk page / $first's" "$(of "$name.http.walk_index" "$first.http.walk_index")" ge 0.77
        target "$name unfiltered list with totalResults / $first's" \
            "$(of "$name.http.page_total" "$first.http.page_total")" ge 0.77
        target "$name peak RSS / $first's" "$(peak_rss_of "$name." | awk -v f="$(peak_rss_of "$first.")" \
            '{ printf "%.2f", $1 / f }')" le 1.30
    done
    for size in 10000 100000; do
        if [ -n "${rate[size$size.http.walk_index]:-}" ]; then
            target "size$size startIndex walk, pages of 100 per second" "${rate[size$size.http.walk_index]}" ge 750
        fi
    done
    # The database size per 100,000 users, from the growth of the users table when the largest tenant was seeded.
    read -r size before after < <(tail -n 1 "$work/sizes")
    printf '\ndatabase size per 100,000 users (users table with its indexes and TOAST): %s MB\n' \
        "$(awk -v s="$size" -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", (b - a) / s * 100000 / 1048576 }')"
    psql_bench -At -F $'\t' -c "
        SELECT c.relname, round(pg_relation_size(c.oid) / 1048576.0 / (SELECT count(*) FROM users) * 100000, 1)
        FROM pg_class c WHERE c.oid IN (SELECT 'users'::regclass UNION SELECT indexrelid FROM pg_index
                                        WHERE indrelid = 'users'::regclass
                                        UNION SELECT reltoastrelid FROM pg_class WHERE oid = 'users'::regclass)
        ORDER BY pg_relation_size(c.oid) DESC" |
        awk -F '\t' '{ printf "  %-32s %8s MB per 100,000 users\n", $1, $2 }'
fi

printf '\n'
if [ "$failed_requests" -gt 0 ]; then say "$failed_requests requests failed"; exit 1; fi
if [ "$missed" -gt 0 ]; then say "$missed targets missed"; exit 2; fi
say "every target met"
