# Shared by the build-cost scripts (sourced, not run): the small application a user
# would write on `losant`, and the longest units of a `cargo build --timings` report.

# user_app DIR NAME DEPENDENCY: writes, in DIR, the crate NAME (a binary of that
# name) depending on `losant` as DEPENDENCY (a Cargo.toml dependency line) and tokio,
# whose main makes one call (`device.get`).
user_app() {
    local dir=$1 name=$2 dependency=$3
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "$name"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
$dependency
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
EOF
    cat >"$dir/src/main.rs" <<'EOF'
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
}

# top_units TARGET_DIR: the five longest units of the newest `--timings` report there.
top_units() {
    python3 - "$(ls -t "$1"/cargo-timings/cargo-timing-*.html | head -1)" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", text, re.S).group(1))
for unit in sorted(units, key=lambda u: -u["duration"])[:5]:
    target = unit.get("target", "").strip()
    print(f"    {unit['name']} {unit['version']}{(' ' + target) if target else ''}: {unit['duration']:.1f} s")
EOF
}
