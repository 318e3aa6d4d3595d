#!/usr/bin/env bash
# A user's first build of an application on `losant`: CPU time (user + sys, from
# /usr/bin/time) and wall time of a cold build, in debug and release, of two small
# applications made for the purpose:
#   default:  `losant` with its default features (every family, rustls, http2);
#   families: `losant` without default features, with rustls, http2 and three
#             families (device, data, auth).
# Each build starts from an empty target directory (the registry's sources are
# already downloaded), and writes `cargo build --timings`, whose five longest units
# are printed.
#
# Usage: bash benches/first_build.sh [CHECKOUT]
#   CHECKOUT: the losant-rs checkout to build against (default: this one), so that
#   two commits can be compared: `git worktree add /tmp/before <rev>` and
#   `bash benches/first_build.sh /tmp/before`.
# Takes 15 to 30 minutes on 2 cores.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
CHECKOUT=$(cd "${1:-$HERE}" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/losant-first-build.XXXXXX)}
export CARGO_TERM_COLOR=never

# shellcheck source=benches/build_support.sh
. "$HERE/benches/build_support.sh"

app() { # name, dependency line -> the application's directory
    user_app "$WORK/$1" "first-build-$1" "$2"
    echo "$WORK/$1"
}

build() { # dir, profile flag
    local dir=$1 flag=$2 target
    target=$(mktemp -d "$WORK/target.XXXXXX")
    # shellcheck disable=SC2086 # the profile flag is empty or one word
    /usr/bin/time -f "%U %S %e" -o "$WORK/time" cargo build --quiet --timings $flag \
        --manifest-path "$dir/Cargo.toml" --target-dir "$target" >/dev/null 2>"$WORK/stderr"
    read -r user sys wall <"$WORK/time"
    printf '  %-8s cpu %6.1f s (user %.1f + sys %.1f), wall %6.1f s\n' \
        "${flag:---debug}" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$wall"
    top_units "$target"
    rm -rf "$target"
}

default=$(app default "losant = { path = \"$CHECKOUT/losant\" }")
families=$(app families "losant = { path = \"$CHECKOUT/losant\", default-features = false, features = [\"rustls\", \"http2\", \"device\", \"data\", \"auth\"] }")
echo "first build against $CHECKOUT ($(git -C "$CHECKOUT" rev-parse --short HEAD)), $(nproc) cores"
for dir in "$default" "$families"; do
    echo "$(basename "$dir"):"
    # Dependencies resolved (and fetched) once, outside the measurement.
    cargo generate-lockfile --quiet --manifest-path "$dir/Cargo.toml"
    build "$dir" ""
    build "$dir" "--release"
done
