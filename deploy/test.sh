#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, starts a throwaway PostgreSQL on a free port, runs ctest,
# and stops the cluster whatever the outcome. Extra arguments go to ctest (e.g. -L unit, -R users).
set -euo pipefail
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

install_packages
install_packages "${scimd_test_packages[@]}"

# The layout is .clang-format's: a file that differs fails the run (clang-format -i FILE fixes it).
unformatted=$(cd "$scimd_root" && git ls-files '*.cpp' '*.hpp' 2>/dev/null |
    while read -r f; do clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
[ -z "$unformatted" ] || die "not formatted as .clang-format says (run clang-format -i on them): $unformatted"
build_scimd "$scimd_root/build"

# The fuzz targets: a clang build of the libraries, then a short run of each from its corpus.
fuzz_seconds=${SCIMD_FUZZ_SECONDS:-30}
if [ "$fuzz_seconds" -gt 0 ]; then
    CXX=clang++ cmake -S "$scimd_root" -B "$scimd_root/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSCIMD_BUILD_FUZZERS=ON >/dev/null
    cmake --build "$scimd_root/build-fuzz" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
    for target in "$scimd_root"/tests/fuzz/corpus/*/; do
        name=$(basename "$target")
        scratch=$(mktemp -d /tmp/scimd-fuzz.XXXXXX)
        if ! "$scimd_root/build-fuzz/tests/fuzz/${name}_fuzz" "$scratch" "$target" -max_total_time="$fuzz_seconds" \
                -max_len=1024 -print_final_stats=1 -artifact_prefix="$scimd_root/" >"$scratch.log" 2>&1; then
            tail -n 40 "$scratch.log" >&2
            die "fuzz target $name failed; the crashing input is in $scimd_root (crash-*): make it a unit test"
        fi
        say "fuzz: $name ran $(grep -o 'number_of_executed_units: *[0-9]*' "$scratch.log" | grep -o '[0-9]*$') inputs in ${fuzz_seconds}s without a failure"
        rm -rf "$scratch" "$scratch.log"
    done
fi

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
export SCIMD_BINARY="$scimd_root/build/cli/scimd"

cd "$scimd_root/build"
ctest --output-on-failure -j2 "$@"

# The same suites built with AddressSanitizer and UndefinedBehaviorSanitizer: a memory error or undefined behaviour
# anywhere, in the tests or in the scimd they start, fails the run. SCIMD_SANITIZERS=off skips it while iterating.
# Warnings are the plain build's business: instrumented, GCC 12 reports false ones in <regex> and coroutine frames.
if [ "${SCIMD_SANITIZERS:-on}" != off ]; then
    started=$(date +%s)
    cmake -S "$scimd_root" -B "$scimd_root/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSCIMD_SANITIZE=address,undefined -DSCIMD_WARNINGS_AS_ERRORS=OFF >/dev/null
    cmake --build "$scimd_root/build-asan" -j"$(nproc 2>/dev/null || echo 2)" >"$scimd_root/build-asan.log" 2>&1 ||
        { tail -n 40 "$scimd_root/build-asan.log" >&2; die "the sanitizer build failed (build-asan.log)"; }
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0
    export LSAN_OPTIONS="suppressions=$scimd_root/tests/sanitizers/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    cd "$scimd_root/build-asan"
    ctest --output-on-failure -j2 "$@"
    say "sanitizer build and run took $(( $(date +%s) - started ))s"
fi
