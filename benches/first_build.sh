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

app() { # name, dependency line
    local dir=$WORK/$1
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<EOF
[package]
name = "first-build-$1"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
$2
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
EOF
    cat > "$dir/src/main.rs" <<'EOF'
use losant::prelude::*;
use losant::{Client, DeviceId};

#[tokio::main]
async fn main() -> losant::Result<()> {
    let client = Client::from_env()?;
    let app = "575ec8687ae143cd83dc4a97".parse()?;
    let id: DeviceId = "575ecf887ae143cd83dc4aa2".parse()?;
    let device = client.get_device(&app, &id).await?;
    println!("{:?}", device.name);
    Ok(())
}
EOF
    echo "$dir"
}

top_units() { # timings html -> the five longest units
    python3 - "$1" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", text, re.S).group(1))
for unit in sorted(units, key=lambda u: -u["duration"])[:5]:
    target = unit.get("target", "").strip()
    print(f"    {unit['name']} {unit['version']}{(' ' + target) if target else ''}: {unit['duration']:.1f} s")
EOF
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
    top_units "$(ls -t "$target"/cargo-timings/cargo-timing-*.html | head -1)"
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
