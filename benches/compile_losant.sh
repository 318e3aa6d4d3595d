#!/usr/bin/env bash
# Compile cost of the `losant` crate (the whole generated API), dependencies
# excluded: the median of REPS clean builds of the crate alone, for
#   all features (debug and release), the `device` feature alone (debug), and
#   the incremental rebuild after touching one generated file (debug).
# Usage: bash benches/compile_losant.sh   (REPS=3 by default; about 10 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
export CARGO_TERM_COLOR=never
# Its own target directory: nothing else builds there while it measures.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/compile-losant}

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# One clean build of the crate alone: its own artifacts removed, dependencies kept.
clean_build() {
    local profile_flag=$1; shift
    cargo clean -p losant $profile_flag >/dev/null 2>&1
    local start; start=$(now)
    CARGO_INCREMENTAL=0 cargo build -p losant $profile_flag "$@" >/dev/null
    echo "$(now) - $start" | bc
}

measure() {
    local label=$1; shift
    # shellcheck disable=SC2086 # the profile flag is empty or one word
    cargo build -p losant $1 "${@:2}" >/dev/null   # dependencies, once
    local times=()
    for _ in $(seq "$REPS"); do times+=("$(clean_build "$@")"); done
    printf '%s: %s s (median of %s: %s)\n' "$label" \
        "$(printf '%s\n' "${times[@]}" | median)" "$REPS" "${times[*]}"
}

measure "all features, debug" ""
measure "all features, release" "--release"
measure "device alone, debug" "" --no-default-features --features device

# Incremental rebuild (the dev profile's default) after a change to one
# generated file.
cargo build -p losant >/dev/null 2>&1
times=()
for _ in $(seq "$REPS"); do
    touch losant/src/generated/device.rs
    start=$(now)
    cargo build -p losant >/dev/null 2>&1
    times+=("$(echo "$(now) - $start" | bc)")
done
printf 'rebuild after touching generated/device.rs, debug: %s s (median of %s: %s)\n' \
    "$(printf '%s\n' "${times[@]}" | median)" "$REPS" "${times[*]}"
