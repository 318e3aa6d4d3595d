#!/usr/bin/env bash
# What the `losant` command line costs beside the library: CPU time (user + sys, from
# /usr/bin/time) of cold release builds and the size of the binaries.
#   library:  a small application on `losant` with its default features (every family),
#             making one call (the application of benches/first_build.sh);
#   cli:      `cargo build --release -p losant-cli`, the `losant` binary; its five
#             longest units (from `--timings`) follow.
# (A CLI built after the library in one target directory rebuilds most of it: the CLI
# turns on features of tokio, which everything from hyper up depends on.)
# Each build starts from an empty target directory (the registry's sources are already
# downloaded). Sizes are as built and stripped (`strip` of binutils).
#
# Usage: bash benches/cli_cost.sh        Takes 10 to 20 minutes on 2 cores.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/losant-cli-cost.XXXXXX)}
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

cpu() { # label, command...: runs the command, prints its CPU and wall time
    local label=$1
    shift
    /usr/bin/time -f "%U %S %e" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || {
        cat "$WORK/stderr"
        exit 1
    }
    read -r user sys wall <"$WORK/time"
    printf '  %-22s cpu %6.1f s, wall %6.1f s\n' "$label" "$(echo "$user + $sys" | bc)" "$wall"
}

size() { # label, binary
    cp "$2" "$WORK/stripped"
    strip "$WORK/stripped"
    printf '  %-22s %6.1f MiB, stripped %6.1f MiB\n' "$1" \
        "$(echo "scale=1; $(stat -c %s "$2") / 1048576" | bc)" \
        "$(echo "scale=1; $(stat -c %s "$WORK/stripped") / 1048576" | bc)"
}

# shellcheck source=benches/build_support.sh
. "$HERE/benches/build_support.sh"
app=$WORK/library
user_app "$app" library-alone "losant = { path = \"$HERE/losant\" }"

echo "Cold release builds, $(nproc) cores:"
cpu "library (an app)" cargo build --release --quiet --manifest-path "$app/Cargo.toml" \
    --target-dir "$WORK/target-app"
cpu "cli" cargo build --release --quiet --timings --manifest-path "$HERE/Cargo.toml" \
    -p losant-cli --target-dir "$WORK/target-cli"
top_units "$WORK/target-cli"
echo "Binaries:"
size "library (an app)" "$WORK/target-app/release/library-alone"
size "cli" "$WORK/target-cli/release/losant"
rm -rf "$WORK"
