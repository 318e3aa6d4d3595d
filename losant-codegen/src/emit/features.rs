//! The `losant` crate's cargo features: one per family, all on by default.

use crate::Error;
use crate::api::Api;
use std::fmt::Write as _;

/// The transport features on by default, as in `losant-core`.
const TRANSPORT_DEFAULTS: &[&str] = &["rustls", "http2"];

const BEGIN: &str = "# BEGIN generated features\n";
const END: &str = "# END generated features\n";

/// The feature lines: `default`, `events` and one per family.
#[must_use]
pub fn lines(api: &Api) -> String {
    let mut names: Vec<&str> = api.families.iter().map(|f| f.module.as_str()).collect();
    names.push("events");
    names.sort_unstable();
    let mut out = String::from("default = [\n");
    // The transport's defaults (defined by hand below the markers), then every family.
    for name in TRANSPORT_DEFAULTS.iter().chain(&names) {
        let _ = writeln!(out, "    \"{name}\",");
    }
    out.push_str("]\n");
    for name in &names {
        if *name == "events" {
            out.push_str("events = [\"dep:losant-events\"]\n");
        } else {
            let _ = writeln!(out, "{name} = []");
        }
    }
    out
}

/// `manifest` with the text between its markers replaced by [`lines`].
pub fn manifest(api: &Api, manifest: &str) -> Result<String, Error> {
    let start = manifest
        .find(BEGIN)
        .ok_or_else(|| Error::spec(format!("losant/Cargo.toml has no `{}` line", BEGIN.trim())))?
        + BEGIN.len();
    let end = manifest[start..]
        .find(END)
        .ok_or_else(|| Error::spec(format!("losant/Cargo.toml has no `{}` line", END.trim())))?
        + start;
    Ok(format!(
        "{}{}{}",
        &manifest[..start],
        lines(api),
        &manifest[end..]
    ))
}
