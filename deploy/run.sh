#!/usr/bin/env bash
# Installs what is missing, builds scimd in Release and serves https://127.0.0.1:8443/scim/v2 in the foreground,
# on a private PostgreSQL cluster under ./var/ that it creates on first run (with a self-signed certificate,
# tenant "default" and a first write token). Ctrl-C stops the server, then the cluster. Running it again
# reuses everything. Settings: SCIMD_LISTEN (default 127.0.0.1:8443) and the other SCIMD_* variables of
# 'scimd serve --help'.
set -euo pipefail
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

install_packages
say "building (Release) in build/"
build_scimd "$scimd_root/build" >/dev/null
scimd="$scimd_root/build/cli/scimd"

var="$scimd_root/var"
mkdir -p "$var/pg" "$var/tls"
grant_pg_path "$var"
if [ ! -f "$var/pg/data/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster in var/pg/data"
    pg_init "$var/pg/data"
fi
pg_stop "$var/pg/data"  # a cluster left running by an earlier run that was killed
# Unix socket only, in a directory only its owner can enter: nothing else on the machine reaches it.
pg_start "$var/pg/data" "$var/pg/sockets" "$var/pg/postgres.log" "-c listen_addresses=''"

server_pid=""
stop_all() {
    if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    pg_stop "$var/pg/data"
    say "stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export SCIMD_DATABASE_URL="postgresql:///scimd?host=$var/pg/sockets&user=postgres"
if ! as_pg psql -h "$var/pg/sockets" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'scimd'" | grep -q 1; then
    as_pg createdb -h "$var/pg/sockets" -U postgres scimd
fi
"$scimd" migrate

if [ ! -f "$var/tls/cert.pem" ]; then
    say "making a self-signed certificate for localhost in var/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$var/tls/key.pem" -out "$var/tls/cert.pem" 2>/dev/null
    chmod 600 "$var/tls/key.pem"
fi

listen=${SCIMD_LISTEN:-127.0.0.1:8443}
base="https://$listen/scim/v2"
if ! "$scimd" tenant list | grep -qx default; then
    "$scimd" tenant create default
    token=$("$scimd" token issue --tenant default --scope write --label first-admin 2>/dev/null)
    cat >&2 <<MSG

  scimd is starting at $base
  Your write token for tenant "default" (shown once; only its hash is stored):

      export T=$token

  Try:  curl -k -H "Authorization: Bearer \$T" $base/ServiceProviderConfig

MSG
else
    cat >&2 <<MSG

  scimd is starting at $base (tenant "default" exists; its tokens were shown when they were issued)
  A new token:  SCIMD_DATABASE_URL='$SCIMD_DATABASE_URL' $scimd token issue --tenant default --label NAME
  (with this script running, or after starting the cluster it uses)

MSG
fi

"$scimd" serve --listen "$listen" --tls-cert "$var/tls/cert.pem" --tls-key "$var/tls/key.pem" &
server_pid=$!
wait "$server_pid"
status=$?
server_pid=""
exit "$status"
