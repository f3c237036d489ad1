#!/usr/bin/env bash
# The company directory page in a real browser: Debian's chromium, headless, driven by puppeteer-core. Starts its own
# PostgreSQL and scimd, seeds two tenants, runs tests/web/directory_test.mjs, and stops what it started.
# usage: directory_test.sh SCIMD_BINARY OUTPUT_DIR   (screenshots and the exports go to OUTPUT_DIR)
set -euo pipefail
scimd=$1
out=$2
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

install_packages chromium
command -v npm >/dev/null || install_packages nodejs npm
mkdir -p "$out/node"
if [ ! -d "$out/node/node_modules/puppeteer-core" ]; then
    say "installing puppeteer-core from npm"
    npm install --prefix "$out/node" --no-audit --no-fund --loglevel=error puppeteer-core@24 >/dev/null
fi

work=$(mktemp -d /tmp/scimd-web.XXXXXX)
chmod 755 "$work"
server=""
cleanup() {
    [ -z "$server" ] || kill -TERM "$server" 2>/dev/null || true
    pg_stop "$work/data"
    rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
pg_init "$work/data"
pg_start "$work/data" "$work/sockets" "$work/postgres.log" "-c listen_addresses=127.0.0.1 -p $port -c fsync=off"
url="postgresql://postgres@127.0.0.1:$port/postgres"
admin() { "$scimd" "$@" --database-url "$url"; }
admin migrate >/dev/null 2>&1
admin tenant create acme >/dev/null 2>&1
admin tenant create globex >/dev/null 2>&1
admin site create London --tenant acme --site-code 44 >/dev/null 2>&1
admin license set --tenant acme --type X4 --capacity 1000 >/dev/null 2>&1
admin number claim +14155550100 --count 200 --tenant acme >/dev/null 2>&1

# People: users with extensions and numbers in two sites and three departments, and shared contacts.
people=${SCIMD_DIRECTORY_PEOPLE:-240}
python3 - "$people" >"$work/people.csv" <<'PY'
import sys
n = int(sys.argv[1])
given = ["Ann", "Bob", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo"]
family = ["Lee", "Moss", "Nash", "Ortiz", "Park", "Quinn", "Reyes", "Stone", "Tan", "Uddin", "Vega", "Wu"]
departments = ["Sales", "Support", "Engineering"]
print("User.FirstName,User.LastName,User.Email,User.Site,User.Title,User.Department,User.License,User.Voice.Number")
for i in range(n):
    g, f = given[i % len(given)], family[(i // len(given)) % len(family)]
    licensed = i % 4 != 3 and i < 200
    print("%s,%s%s,%s.%s%d@acme.example,%s,%s,%s,%s,%s" % (
        g, f, "" if i < len(given) * len(family) else str(i), g.lower(), f.lower(), i,
        "London" if i % 2 else "Main", "Agent" if i % 3 else "Lead", departments[i % 3],
        "X4" if licensed else "", "+1415555%04d" % (100 + i) if licensed else ""))
PY
admin import-csv --tenant acme "$work/people.csv" >/dev/null 2>&1
admin import-csv --tenant globex - >/dev/null 2>&1 <<'CSV'
User.FirstName,User.LastName,User.Email,User.Site
Zed,Globex,zed@globex.example,Main
CSV
writer=$(admin token issue --tenant acme --scope write --label directory-admin 2>/dev/null)
globex=$(admin token issue --tenant globex --scope read --label globex 2>/dev/null)

"$scimd" serve --no-tls --listen "127.0.0.1:0" --admin-listen off --database-url "$url" --access-log off \
    2>"$work/scimd.log" &
server=$!
for _ in $(seq 1 100); do
    base=$(grep -o 'listening on http://[0-9.:]*' "$work/scimd.log" | head -1 | sed 's/listening on //') || true
    [ -n "$base" ] && break
    sleep 0.1
done
[ -n "$base" ] || { cat "$work/scimd.log"; die "scimd did not start"; }

# A hidden user, a contact shown only at London, and a user-bound token for someone at Main.
call() { curl -fsS -H "Authorization: Bearer $writer" -H 'Content-Type: application/scim+json' "$@"; }
dir=urn:ietf:params:scim:schemas:extension:8x8:1.1:User
hidden=$(call "$base/scim/v2/Users" -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"hidden@acme.example",
  "name":{"givenName":"Hidden","familyName":"Person"},"'$dir'":{"displayInDirectory":false}}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
call "$base/scim/v2/Users" -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"reception-london@acme.example",
  "name":{"givenName":"Reception","familyName":"London"},"'$dir'":{"site":"London","directoryScope":"SITE"}}' >/dev/null
viewer_name=$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1])))[1]; print(r[0].lower()+"."+r[1].lower()+"0@acme.example")' "$work/people.csv")
viewer_id=$(call "$base/scim/v2/Users?filter=emails.value%20eq%20%22$viewer_name%22" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Resources"][0]["id"])')
viewer_user=$(call "$base/scim/v2/Users/$viewer_id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["userName"])')
viewer=$(admin token issue --tenant acme --scope read --label viewer --user "$viewer_user" 2>/dev/null)

mkdir -p "$out/screenshots" "$out/downloads"
NODE_PATH="$out/node/node_modules" SCIMD_BASE="$base" SCIMD_ADMIN_TOKEN="$writer" SCIMD_VIEWER_TOKEN="$viewer" \
    SCIMD_OTHER_TOKEN="$globex" SCIMD_PEOPLE="$people" SCIMD_HIDDEN_ID="$hidden" SCIMD_OUT="$out" \
    CHROMIUM="$(command -v chromium)" node "$scimd_root/tests/web/directory_test.mjs"
