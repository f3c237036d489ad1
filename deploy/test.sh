#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, starts a throwaway PostgreSQL on a free port, runs ctest,
# and stops the cluster whatever the outcome. Extra arguments go to ctest (e.g. -L unit, -R users).
# At the end it prints how long each phase took.
set -euo pipefail
scimd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/lib.sh
. "$scimd_root/deploy/lib.sh"

jobs=$(nproc 2>/dev/null || echo 2)
# Tests mostly wait (on scimd, on PostgreSQL, on each other's servers): more of them than cores keep the cores busy.
test_jobs=$((jobs + 1))
phases=()
phase_started=$(date +%s)
run_started=$phase_started
phase_done() {  # phase_done NAME: records the time since the previous phase ended
    local now
    now=$(date +%s)
    phases+=("$1|$((now - phase_started))")
    phase_started=$now
}
print_phases() {
    local entry
    printf '\nscimd: %-44s %8s\n' phase seconds >&2
    for entry in "${phases[@]}"; do printf 'scimd: %-44s %8s\n' "${entry%%|*}" "${entry##*|}" >&2; done
    printf 'scimd: %-44s %8s\n' "whole run" "$(($(date +%s) - run_started))" >&2
}

install_packages
install_packages "${scimd_test_packages[@]}"
phase_done "install what is missing"

# The layout is .clang-format's: a file that differs fails the run (clang-format -i FILE fixes it).
unformatted=$(cd "$scimd_root" && git ls-files '*.cpp' '*.hpp' 2>/dev/null |
    xargs -r -P "$jobs" -n 20 sh -c 'for f; do clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"; done' sh)
[ -z "$unformatted" ] || die "not formatted as .clang-format says (run clang-format -i on them): $unformatted"
phase_done "layout check"
build_scimd "$scimd_root/build"
phase_done "build (release, with the tests)"

# The fuzz targets: a clang build of the libraries, then a short run of each from its corpus, as many at once as
# there are cores.
fuzz_seconds=${SCIMD_FUZZ_SECONDS:-30}
if [ "$fuzz_seconds" -gt 0 ]; then
    CXX=clang++ cmake -S "$scimd_root" -B "$scimd_root/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSCIMD_BUILD_FUZZERS=ON >/dev/null
    cmake --build "$scimd_root/build-fuzz" -j"$jobs" >/dev/null
    phase_done "build (fuzz targets, clang)"
    fuzz_one() {  # fuzz_one NAME: runs one target, leaving its log and exit status in $fuzz_logs
        local name=$1 scratch status=0
        scratch=$(mktemp -d /tmp/scimd-fuzz.XXXXXX)
        "$scimd_root/build-fuzz/tests/fuzz/${name}_fuzz" "$scratch" "$scimd_root/tests/fuzz/corpus/$name/" \
            -max_total_time="$fuzz_seconds" -max_len=1024 -print_final_stats=1 \
            -artifact_prefix="$scimd_root/" >"$fuzz_logs/$name.log" 2>&1 || status=$?
        echo "$status" >"$fuzz_logs/$name.status"
        rm -rf "$scratch"
    }
    fuzz_logs=$(mktemp -d /tmp/scimd-fuzz-logs.XXXXXX)
    names=()
    for target in "$scimd_root"/tests/fuzz/corpus/*/; do
        name=$(basename "$target")
        names+=("$name")
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
        fuzz_one "$name" &
    done
    wait
    for name in "${names[@]}"; do
        if [ "$(cat "$fuzz_logs/$name.status")" != 0 ]; then
            tail -n 40 "$fuzz_logs/$name.log" >&2
            die "fuzz target $name failed; the crashing input is in $scimd_root (crash-*): make it a unit test"
        fi
        say "fuzz: $name ran $(grep -o 'number_of_executed_units: *[0-9]*' "$fuzz_logs/$name.log" | grep -o '[0-9]*$') inputs in ${fuzz_seconds}s without a failure"
    done
    rm -rf "$fuzz_logs"
    phase_done "fuzzing (${fuzz_seconds} s per target)"
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
    "-c listen_addresses=127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
export SCIMD_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
export SCIMD_BINARY="$scimd_root/build/cli/scimd"

cd "$scimd_root/build"
ctest --output-on-failure -j"$test_jobs" "$@"
phase_done "tests (release build)"

# The same suites with AddressSanitizer and UndefinedBehaviorSanitizer: a memory error or undefined behaviour
# anywhere in scimd, or in the libraries the in-process suites run, fails the run. Built are scimd and the in-process
# suites (unit, PostgreSQL); the end-to-end suite built above then runs against this scimd (SCIMD_BINARY), as do the
# operations tests. -O0 with line tables: instrumented coroutine code builds in a fraction of the time -O2 -g takes,
# and reports still name file and line. SCIMD_SANITIZERS=off skips it while iterating. Warnings are the plain build's
# business: instrumented, GCC 12 reports false ones in <regex> and coroutine frames.
if [ "${SCIMD_SANITIZERS:-on}" != off ]; then
    cmake -S "$scimd_root" -B "$scimd_root/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" -DSCIMD_SANITIZE=address,undefined \
        -DSCIMD_WARNINGS_AS_ERRORS=OFF -DSCIMD_BUILD_E2E_TESTS=OFF >/dev/null
    cmake --build "$scimd_root/build-asan" -j"$jobs" >"$scimd_root/build-asan.log" 2>&1 ||
        { tail -n 40 "$scimd_root/build-asan.log" >&2; die "the sanitizer build failed (build-asan.log)"; }
    phase_done "build (sanitizers: scimd, unit and PostgreSQL suites)"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0
    export LSAN_OPTIONS="suppressions=$scimd_root/tests/sanitizers/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    cd "$scimd_root/build-asan"
    ctest --output-on-failure -j"$test_jobs" "$@"
    cd "$scimd_root/build"
    SCIMD_BINARY="$scimd_root/build-asan/cli/scimd" ctest --output-on-failure -j"$test_jobs" -L e2e -LE web "$@"
    phase_done "tests (sanitizer build)"
fi
print_phases
