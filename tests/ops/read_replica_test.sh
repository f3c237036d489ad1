#!/usr/bin/env bash
# Reads from a streaming replica (--read-database-url) without ever showing a client less than it wrote:
#  - a token that just wrote reads its write back even while the replica replays nothing (read-your-writes);
#  - a replica that falls behind is left alone until it catches up, then serves reads again;
#  - conditional reads go to the primary;
#  - a replica that stops sends reads to the primary (no error for the client), and is used again once back.
# usage: read_replica_test.sh SCIMD_BINARY
set -euo pipefail
scimd=$1
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

work=$(mktemp -d /tmp/scimd-replica.XXXXXX)
chmod 755 "$work"
if [ "$(id -u)" -eq 0 ]; then chown "$(pg_owner)" "$work"; fi
server=""
cleanup() {
    [ -z "$server" ] || kill -KILL "$server" 2>/dev/null || true
    pg_stop "$work/standby"
    pg_stop "$work/primary"
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- scimd log"; tail -n 30 "$work/scimd.log" 2>/dev/null || true; exit 1; }

primary_port=$(free_port)
standby_port=$(free_port)
pg_init "$work/primary"
pg_start "$work/primary" "$work/sockets" "$work/primary.log" "-c listen_addresses=127.0.0.1 -p $primary_port -c fsync=off"
as_pg "$(pg_bindir)/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$work/standby" -R -X stream
chmod 700 "$work/standby"
pg_start "$work/standby" "$work/sockets" "$work/standby.log" "-c listen_addresses=127.0.0.1 -p $standby_port -c fsync=off"
primary_url="postgresql://postgres@127.0.0.1:$primary_port/postgres"
standby_url="postgresql://postgres@127.0.0.1:$standby_port/postgres"
on_standby() { as_pg "$(pg_bindir)/psql" -X -q -t -A -h 127.0.0.1 -p "$standby_port" -U postgres -c "$1" postgres; }

"$scimd" migrate --database-url "$primary_url" >/dev/null
"$scimd" tenant create acme --database-url "$primary_url" >/dev/null
writer=$("$scimd" token issue --tenant acme --scope write --label hr --database-url "$primary_url")
reader=$("$scimd" token issue --tenant acme --scope read --label directory --database-url "$primary_url")

port=$(free_port)
admin_port=$(free_port)
"$scimd" serve --no-tls --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin_port" \
    --database-url "$primary_url" --read-database-url "$standby_url" --read-your-writes-window 3000 \
    --access-log off 2>"$work/scimd.log" &
server=$!
base="http://127.0.0.1:$port/scim/v2"
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$admin_port/readyz" && break; sleep 0.1; done

# call TOKEN METHOD PATH [BODY] [HEADER]: prints the status; the body is in $work/body
call() {
    local args=(-s -o "$work/body" -w '%{http_code}' --max-time 10 -X "$2" -H "Authorization: Bearer $1")
    [ -z "${4:-}" ] || args+=(-H 'Content-Type: application/scim+json' --data "$4")
    [ -z "${5:-}" ] || args+=(-H "$5")
    curl "${args[@]}" "$base$3"
}
reads() {  # reads OUTCOME: how many reads scimd counted with that outcome
    curl -s "http://127.0.0.1:$admin_port/metrics" |
        awk -v want="scimd_replica_reads_total{outcome=\"$1\"}" '$1 == want { print $2; found = 1 } END { if (!found) print 0 }'
}
id_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/body"; }
user() { printf '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s"}' "$1"; }

# The replica is used once its watcher has seen it caught up.
sleep 1.5
[ "$(call "$reader" GET /Users)" = 200 ] || fail "a list by the read token failed: $(cat "$work/body")"
[ "$(reads replica)" -ge 1 ] || fail "the read token's list did not go to the replica"
connections=$(on_standby "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
[ "$connections" -ge 2 ] || fail "scimd has no read connection on the standby"
echo "reads go to the replica ($connections client connections on the standby)"

# The replica replays nothing from now on: whatever is written next exists only on the primary.
on_standby "SELECT pg_wal_replay_pause()" >/dev/null
[ "$(call "$writer" POST /Users "$(user alice@example.com)")" = 201 ] || fail "create: $(cat "$work/body")"
alice=$(id_of)
[ "$(call "$writer" GET "/Users/$alice")" = 200 ] || fail "the writer did not read its own write back"
[ "$(call "$writer" GET "/Users?filter=userName%20eq%20%22alice@example.com%22")" = 200 ] &&
    grep -q '"totalResults":1' "$work/body" || fail "the writer's filter missed its own write: $(cat "$work/body")"
[ "$(reads recent_write)" -ge 2 ] || fail "the writer's reads were not sent to the primary"
echo "the writer reads its own write while the replica replays nothing"

sleep 1.5  # two checks: the replica is found behind
before=$(reads behind)
[ "$(call "$reader" GET "/Users/$alice")" = 200 ] || fail "another token read a stale replica: $(cat "$work/body")"
[ "$(reads behind)" -gt "$before" ] || fail "the read was not counted as sent away from a replica behind"
echo "a replica behind is not read"

on_standby "SELECT pg_wal_replay_resume()" >/dev/null
sleep 1.5
before=$(reads replica)
[ "$(call "$reader" GET "/Users/$alice")" = 200 ] || fail "read after catching up: $(cat "$work/body")"
[ "$(reads replica)" -gt "$before" ] || fail "the replica was not used again after catching up"
echo "the replica serves again once caught up"

before=$(reads conditional)
call "$reader" GET "/Users/$alice" "" 'If-None-Match: W/"0"' >/dev/null
[ "$(reads conditional)" -gt "$before" ] || fail "a conditional read was not sent to the primary"
echo "conditional reads go to the primary"

pg_stop "$work/standby"
for n in 1 2 3 4 5; do
    code=$(call "$reader" GET "/Users/$alice")
    [ "$code" = 200 ] || fail "read $n with the replica stopped answered $code: $(cat "$work/body")"
done
echo "with the replica stopped, reads are answered from the primary"
pg_start "$work/standby" "$work/sockets" "$work/standby.log" "-c listen_addresses=127.0.0.1 -p $standby_port -c fsync=off"
before=$(reads replica)
for _ in $(seq 1 50); do
    call "$reader" GET "/Users/$alice" >/dev/null
    [ "$(reads replica)" -le "$before" ] || break
    sleep 0.2
done
[ "$(reads replica)" -gt "$before" ] || fail "the replica was not used again within 10 s of being back"
echo "the replica is used again once back"
