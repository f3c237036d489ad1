#!/usr/bin/env bash
# The benchmark: on a throwaway PostgreSQL, seeds a tenant, runs PostgreSQL's own baselines (pgbench -S and a
# single-row insert), then each scenario of tests/bench/scenarios.lua with wrk against a Release scimd, over plain
# HTTP and over HTTPS, and prints one line per scenario with its ratio to the baseline measured in the same run.
# Leaves nothing running. Usage: tests/bench/run.sh [--users N] [--duration SECONDS] [--connections N]
#                                                   [--scenarios a,b,...] [--protocols http,https]
#                                                   [--perf DIR]   (a perf profile of scimd per scenario)
set -euo pipefail
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

users=100000
duration=8
connections=8
protocols=http,https
perf_dir=""
read_scenarios=(get_user filter_username filter_externalid page_index page_cursor_first page_cursor_deep
                group_big_no_members)
write_scenarios=(post_user patch_user put_user members_big members_small bulk_create entra_mixed)
scenarios=$(IFS=,; echo "${read_scenarios[*]},${write_scenarios[*]}")
while [ $# -gt 0 ]; do
    case $1 in
        --users) users=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --scenarios) scenarios=$2; shift 2 ;;
        --protocols) protocols=$2; shift 2 ;;
        --perf) perf_dir=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done
[ "$users" -ge 100 ] || die "--users must be at least 100"

install_packages
install_packages wrk
say "building (Release) in build/"
build_scimd "$scimd_root/build" >/dev/null
scimd="$scimd_root/build/cli/scimd"

work=$(mktemp -d /tmp/scimd-bench.XXXXXX)
chmod 755 "$work"
server_pid=""
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

# PostgreSQL as it would run in production (durable commits), sized for the machine's memory.
pg_port=$(free_port)
pg_init "$work/data"
pg_start "$work/data" "$work/sockets" "$work/postgres.log" \
    "-c listen_addresses=127.0.0.1 -p $pg_port -c max_connections=100 -c shared_buffers=512MB"
export SCIMD_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"
psql_bench() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres "$@"; }

"$scimd" migrate 2>/dev/null
"$scimd" tenant create bench >/dev/null 2>&1
"$scimd" tenant set --tenant bench --rate-limit off >/dev/null  # the benchmark measures the server, not its limits
token=$("$scimd" token issue --tenant bench --scope write --label bench 2>/dev/null)

say "seeding $users users, a group of all of them and a group of 10"
psql_bench -v users="$users" <<'SQL'
INSERT INTO users (tenant_id, data, created_at, modified_at)
SELECT t.id, jsonb_build_object('userName', 'user' || i || '@example.com', 'externalId', 'ext' || i,
         'displayName', 'User ' || i, 'active', true,
         'name', jsonb_build_object('givenName', 'G' || i, 'familyName', 'F' || (i % 100)),
         'emails', jsonb_build_array(jsonb_build_object('value', 'mail' || i || '@example.com', 'type', 'work'))),
       now() - interval '1 day' + i * interval '1 millisecond', now()
FROM tenants t, generate_series(1, :users) AS i WHERE t.name = 'bench';
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
VACUUM ANALYZE;
SQL
psql_bench -At -c "COPY (SELECT id, user_name, external_id FROM users ORDER BY created_at) TO STDOUT" >"$work/users.tsv"
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
pgbench_tps() {
    pgbench -n -c "$connections" -j 2 -T "$duration" -h 127.0.0.1 -p "$pg_port" -U postgres "$@" postgres 2>/dev/null |
        sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -n 1
}
select_tps=$(pgbench_tps -S)
insert_tps=$(pgbench_tps -f "$work/insert.sql")

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
    "$scimd" serve --listen "127.0.0.1:$port" "${tls[@]}" 2>"$work/scimd-$protocol.log" &
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

baseline_of() { case $1 in get_user|filter_*|page_*|group_*) echo select ;; *) echo insert ;; esac; }

printf '\nscimd benchmark: %d users, %d connections, %ss per scenario, %s cores, %s\n' "$users" "$connections" \
    "$duration" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf 'baseline  pgbench -S: %.0f tps   single-row insert: %.0f tps\n\n' "$select_tps" "$insert_tps"
printf '%-6s %-22s %10s %9s %9s %7s %8s %10s\n' proto scenario req/s p50_ms p99_ms errors rss_MB vs_base
declare -A rate
for protocol in ${protocols//,/ }; do
    start_server "$protocol"
    cursor=$(deep_cursor "$base")
    for scenario in ${scenarios//,/ }; do
        echo 0 >"$work/rss"
        sample_rss &
        sampler_pid=$!
        if [ -n "$perf_dir" ]; then
            perf record -q -F 499 -g -p "$server_pid" -o "$perf_dir/$protocol-$scenario.data" -- sleep "$duration" \
                >/dev/null 2>&1 &
            perf_pid=$!
        fi
        out=$(BENCH_SCENARIO=$scenario BENCH_TOKEN=$token BENCH_USERS="$work/users.tsv" BENCH_BIG_GROUP=$big_group \
              BENCH_SMALL_GROUP=$small_group BENCH_CURSOR=$cursor BENCH_RUN=$protocol \
              wrk -t2 -c"$connections" -d"${duration}s" --timeout 30s -s "$scimd_root/tests/bench/scenarios.lua" \
                  "$base/" 2>&1) || die "wrk failed on $scenario: $out"
        kill "$sampler_pid" 2>/dev/null || true
        wait "$sampler_pid" 2>/dev/null || true
        sampler_pid=""
        [ -n "$perf_pid" ] && { wait "$perf_pid" 2>/dev/null || true; perf_pid=""; }
        line=$(printf '%s\n' "$out" | grep '^RESULT') || die "wrk gave no result for $scenario: $out"
        eval "$(printf '%s\n' "${line#RESULT }" | tr ' ' '\n' | sed 's/^/r_/')"
        rps=$(awk -v n="$r_requests" -v d="$r_duration_us" 'BEGIN { printf "%.1f", n / (d / 1e6) }')
        rate[$protocol.$scenario]=$rps
        if [ "$(baseline_of "$scenario")" = select ]; then base_tps=$select_tps; else base_tps=$insert_tps; fi
        # A bulk request creates 1,000 users: compare the users it creates per second.
        per_op=$rps; [ "$scenario" = bulk_create ] && per_op=$(awk -v r="$rps" 'BEGIN { print r * 1000 }')
        printf '%-6s %-22s %10s %9.2f %9.2f %7d %8.1f %9.0f%%\n' "$protocol" "$scenario" "$rps" \
            "$(awk -v v="$r_p50_us" 'BEGIN { print v / 1000 }')" "$(awk -v v="$r_p99_us" 'BEGIN { print v / 1000 }')" \
            "$r_errors" "$(awk -v k="$(cat "$work/rss")" 'BEGIN { print k / 1024 }')" \
            "$(awk -v a="$per_op" -v b="$base_tps" 'BEGIN { print 100 * a / b }')"
    done
    stop_server
done

# The targets that compare scenarios with each other rather than with PostgreSQL.
printf '\n'
for protocol in ${protocols//,/ }; do
    ratio() {
        local a=${rate[$protocol.$1]:-} b=${rate[$protocol.$2]:-}
        [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v m="${3:-1}" 'BEGIN { printf "%.2f", m * a / b }'
    }
    r=$(ratio members_big members_small) && printf '%-6s members: 100,000-member group / 10-member group throughput %s (target >= 0.67, i.e. within 1.5x)\n' "$protocol" "$r"
    r=$(ratio page_cursor_deep page_cursor_first) && printf '%-6s cursor: deep page / first page throughput %s (target ~1)\n' "$protocol" "$r"
    r=$(ratio bulk_create post_user 1000) && printf '%-6s bulk: users created per second, bulk / separate POSTs %sx (target >= 5)\n' "$protocol" "$r"
done
