#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, starts a throwaway PostgreSQL on a free port, runs ctest,
# and stops the cluster whatever the outcome. Extra arguments go to ctest (e.g. -L unit, -R users).
set -euo pipefail
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

install_packages
build_scimd "$scimd_root/build"

work=$(mktemp -d /tmp/scimd-test.XXXXXX)
chmod 755 "$work"
cleanup() {
    pg_stop "$work/data"
    rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
pg_init "$work/data"
pg_start "$work/data" "$work/sockets" "$work/postgres.log" \
    "-c listen_addresses=127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
export SCIMD_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
export SCIMD_BINARY="$scimd_root/build/server/scimd"

cd "$scimd_root/build"
ctest --output-on-failure -j2 "$@"
