#!/usr/bin/env bash
# The Debian package as an operator meets it: built by CPack, installed with apt-get, its unit checked by
# systemd-analyze, 'scimd migrate' and 'scimd serve' run from the installed paths as the scimd user with the
# installed configuration against a throwaway PostgreSQL, /readyz answered, and the package purged without a trace.
# It installs into this machine, so it runs only as root and never over a scimd package it did not install.
# usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$1
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "${work:-/nonexistent}/scimd.log" ] && { echo "--- scimd log"; cat "$work/scimd.log"; }; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
grep -q '^SCIMD_SANITIZE:STRING=.' "$build/CMakeCache.txt" && skip "a sanitizer build is not what gets packaged"
if dpkg-query -W -f='${Status}' scimd 2>/dev/null | grep -q 'install ok installed'; then
    skip "a scimd package is already installed on this machine; not touching it"
fi

work=$(mktemp -d /tmp/scimd-package.XXXXXX)
chmod 755 "$work"
server=""
installed=""
cleanup() {
    [ -z "$server" ] || kill -KILL "$server" 2>/dev/null || true
    pg_stop "$work/data"
    [ -z "$installed" ] || DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq scimd >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# Built into a directory of its own, so that parallel runs never see a half-written package.
(cd "$build" && cpack -G DEB -B "$work/package" >/dev/null) || fail "cpack could not build the package"
deb=$(ls "$work"/package/scimd_*_amd64.deb)
echo "built $(basename "$deb") ($(( $(stat -c %s "$deb") / 1024 )) KiB)"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
case "$depends" in *-dev*) fail "the package depends on a development package: $depends" ;; esac
case "$depends" in *libpqxx*) ;; *) fail "the package does not depend on libpqxx's runtime library" ;; esac

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install failed"; }
installed=1
for f in /usr/bin/scimd /etc/scimd/scimd.conf /usr/lib/systemd/system/scimd.service /usr/share/doc/scimd/operations.md; do
    [ -e "$f" ] || fail "$f is not installed"
done
getent passwd scimd >/dev/null || fail "no scimd system user"
[ "$(stat -c '%U:%G %a' /etc/scimd/scimd.conf)" = "root:scimd 640" ] ||
    fail "/etc/scimd/scimd.conf is $(stat -c '%U:%G %a' /etc/scimd/scimd.conf), not root:scimd 640"
dpkg-query -W -f='${Conffiles}\n' scimd | grep -q /etc/scimd/scimd.conf || fail "scimd.conf is not a conffile"
echo "installed: /usr/bin/scimd, /etc/scimd/scimd.conf (root:scimd 640, conffile), the unit, user scimd"

if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify /usr/lib/systemd/system/scimd.service || fail "systemd-analyze verify found problems"
    exposure=$(systemd-analyze security --offline=true /usr/lib/systemd/system/scimd.service 2>/dev/null |
        grep -o 'Overall exposure level for scimd.service: [0-9.]* [A-Z]*' | sed 's/.*: //')
    echo "systemd-analyze verify: clean; security exposure: $exposure"
    case "$exposure" in *OK) ;; *) fail "systemd-analyze security rates the unit $exposure, not OK" ;; esac
fi
/usr/bin/scimd serve --help | grep -q -- "--admin-listen" || fail "scimd serve --help does not describe --admin-listen"

port=$(free_port)
pg_init "$work/data"
pg_start "$work/data" "$work/sockets" "$work/postgres.log" "-c listen_addresses=127.0.0.1 -p $port -c fsync=off"
url="postgresql://postgres@127.0.0.1:$port/postgres"
setpriv --reuid=scimd --regid=scimd --init-groups /usr/bin/scimd migrate --config /etc/scimd/scimd.conf --database-url "$url" ||
    fail "scimd migrate from the installed package failed"

admin_port=$(free_port)
setpriv --reuid=scimd --regid=scimd --init-groups /usr/bin/scimd serve --config /etc/scimd/scimd.conf --database-url "$url" --no-tls \
    --listen 127.0.0.1:0 --admin-listen "127.0.0.1:$admin_port" >"$work/scimd.log" 2>&1 &
server=$!
ready=""
for _ in $(seq 1 100); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin_port/readyz" || true)" = 200 ]; then
        ready=1
        break
    fi
    sleep 0.1
done
[ -n "$ready" ] || fail "/readyz of the installed scimd never answered 200"
# /readyz can answer before the line saying where scimd listens is written: wait for it too.
for _ in $(seq 1 50); do grep -q '"msg":"listening on http' "$work/scimd.log" && break; sleep 0.1; done
grep -q '"msg":"listening on http' "$work/scimd.log" || fail "the installed configuration's log-format = json was not used"
echo "the installed scimd, run as user scimd with /etc/scimd/scimd.conf, answers /readyz 200"
kill -TERM "$server"
wait "$server" || fail "scimd exited with status $?"
server=""

DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq scimd >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get purge failed"; }
installed=""
for f in /usr/bin/scimd /etc/scimd /usr/lib/systemd/system/scimd.service; do
    [ ! -e "$f" ] || fail "$f is still there after purge"
done
! getent passwd scimd >/dev/null || fail "user scimd is still there after purge"
echo "purged: no file, directory or user left"
