#!/usr/bin/env bash
# /readyz follows the database, as a load balancer needs: 200 while PostgreSQL answers, 503 while it is stopped,
# 200 again within 2 s of it being back; and 503 from SIGTERM until the process exits.
# usage: readyz_database_test.sh SCIMD_BINARY
set -euo pipefail
scimd=$1
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

work=$(mktemp -d /tmp/scimd-readyz.XXXXXX)
chmod 755 "$work"
server=""
cleanup() {
    [ -z "$server" ] || kill -KILL "$server" 2>/dev/null || true
    pg_stop "$work/data"
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- scimd log"; cat "$work/scimd.log" 2>/dev/null || true; exit 1; }

port=$(free_port)
pg_options="-c listen_addresses=127.0.0.1 -p $port -c fsync=off"
pg_init "$work/data"
pg_start "$work/data" "$work/sockets" "$work/postgres.log" "$pg_options"
url="postgresql://postgres@127.0.0.1:$port/postgres"
"$scimd" migrate --database-url "$url"

admin_port=$(free_port)
admin="http://127.0.0.1:$admin_port"
"$scimd" serve --no-tls --listen 127.0.0.1:0 --admin-listen "127.0.0.1:$admin_port" --database-url "$url" \
    --drain-delay 3 2>"$work/scimd.log" &
server=$!

now_ms() { date +%s%3N; }
status() { curl -s -o "$work/body" -w '%{http_code}' --max-time 2 "$admin/readyz" || true; }
# wait_for STATUS SECONDS: polls /readyz until it answers STATUS; prints the milliseconds it took.
wait_for() {
    local want=$1 limit=$(( $2 * 1000 )) start
    start=$(now_ms)
    while [ "$(status)" != "$want" ]; do
        [ $(( $(now_ms) - start )) -lt "$limit" ] || return 1
        sleep 0.05
    done
    echo $(( $(now_ms) - start ))
}

wait_for 200 10 >/dev/null || fail "/readyz never became 200 after startup"
echo "ready after startup"

pg_stop "$work/data"
took=$(wait_for 503 5) || fail "/readyz still $(status) 5 s after PostgreSQL stopped"
echo "503 ${took} ms after PostgreSQL stopped: $(cat "$work/body")"

pg_start "$work/data" "$work/sockets" "$work/postgres.log" "$pg_options"
took=$(wait_for 200 2) || fail "/readyz still $(status) ($(cat "$work/body")) 2 s after PostgreSQL was back"
echo "200 ${took} ms after PostgreSQL was back"

kill -TERM "$server"
took=$(wait_for 503 2) || fail "/readyz not 503 after SIGTERM"
grep -q "shutting down" "$work/body" || fail "/readyz after SIGTERM said: $(cat "$work/body")"
answers=0
while kill -0 "$server" 2>/dev/null; do
    code=$(status)
    if [ "$code" = 000 ]; then break; fi  # the process is exiting: nothing listens any more
    [ "$code" = 503 ] || fail "/readyz answered $code between SIGTERM and exit"
    answers=$((answers + 1))
    sleep 0.1
done
wait "$server" || fail "scimd exited with status $?"
server=""
echo "503 from SIGTERM until exit ($answers answers while draining); exit status 0"
