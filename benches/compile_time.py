#!/usr/bin/env python3
"""Compile time of 200 endpoints: declared with #[api]/#[endpoint] against the same 200
written by hand with reqwest and serde_json.

Generates two crates under target/compile-bench/, builds their dependencies once, then
builds each crate from clean (`cargo clean -p`) several times, alternating, and reports
min / median / max seconds and the ratio of the medians (and per round).

    python3 benches/compile_time.py [--rounds 5] [--endpoints 200] [--profile dev|release]
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "compile-bench"

KINDS = ["get", "patch", "delete", "post"]


def macro_crate(n):
    out = [
        "//! 200 endpoints declared with #[api].",
        "#![allow(missing_docs)]",
        "use losant_core::{api, ApplicationId, Result};",
        "use serde_json::Value;",
        "",
        "#[api]",
        "pub trait Generated {",
    ]
    for i in range(n):
        kind = KINDS[i % 4]
        res = f"thing{i}"
        if kind == "get":
            out.append(f'    #[endpoint(method = "GET", path = "/applications/<app>/{res}/<id>", scope = "{res}.get")]')
            out.append(f"    async fn get_{res}(&self, app: &ApplicationId, id: &str) -> Result<Value>;")
        elif kind == "patch":
            out.append(f'    #[endpoint(method = "PATCH", path = "/applications/<app>/{res}/<id>", scope = "{res}.patch")]')
            out.append(f"    async fn patch_{res}(&self, app: &ApplicationId, id: &str, #[body] patch: &Value) -> Result<Value>;")
        elif kind == "delete":
            out.append(f'    #[endpoint(method = "DELETE", path = "/applications/<app>/{res}/<id>", scope = "{res}.delete")]')
            out.append(f"    async fn delete_{res}(&self, app: &ApplicationId, id: &str) -> Result<()>;")
        else:
            out.append(f'    #[endpoint(method = "POST", path = "/applications/<app>/{res}", scope = "{res}.post")]')
            out.append(f"    async fn post_{res}(&self, app: &ApplicationId, #[query] page: Option<u32>, #[body] body: &Value) -> Result<Value>;")
    out.append("}")
    out.append("")
    out.append("/// The vtable of `Client as Generated`: every method compiled for the real client,")
    out.append("/// as a user's crate that calls them would.")
    out.append("pub fn as_dyn(client: &losant_core::Client) -> &dyn Generated { client }")
    return "\n".join(out) + "\n"


def hand_crate(n):
    out = [
        "//! The same 200 endpoints written by hand with reqwest and serde_json.",
        "#![allow(missing_docs)]",
        "use serde_json::Value;",
        "",
        "#[derive(Debug)]",
        "pub enum Error { Http(reqwest::Error), Status(u16, bytes::Bytes), Json(serde_json::Error) }",
        "impl From<reqwest::Error> for Error { fn from(e: reqwest::Error) -> Self { Error::Http(e) } }",
        "impl From<serde_json::Error> for Error { fn from(e: serde_json::Error) -> Self { Error::Json(e) } }",
        "",
        "pub struct Api { pub http: reqwest::Client, pub base: String }",
        "",
        "async fn json(response: reqwest::Response) -> Result<Value, Error> {",
        "    let status = response.status();",
        "    let body = response.bytes().await?;",
        "    if !status.is_success() { return Err(Error::Status(status.as_u16(), body)); }",
        "    Ok(serde_json::from_slice(&body)?)",
        "}",
        "",
        "impl Api {",
    ]
    for i in range(n):
        kind = KINDS[i % 4]
        res = f"thing{i}"
        if kind == "get":
            out.append(f"    pub async fn get_{res}(&self, app: &str, id: &str) -> Result<Value, Error> {{")
            out.append(f'        json(self.http.get(format!("{{}}/applications/{{app}}/{res}/{{id}}", self.base)).send().await?).await')
        elif kind == "patch":
            out.append(f"    pub async fn patch_{res}(&self, app: &str, id: &str, patch: &Value) -> Result<Value, Error> {{")
            out.append(f'        let body = serde_json::to_vec(patch)?;')
            out.append(f'        json(self.http.patch(format!("{{}}/applications/{{app}}/{res}/{{id}}", self.base)).header("content-type", "application/json").body(body).send().await?).await')
        elif kind == "delete":
            out.append(f"    pub async fn delete_{res}(&self, app: &str, id: &str) -> Result<(), Error> {{")
            out.append(f'        let response = self.http.delete(format!("{{}}/applications/{{app}}/{res}/{{id}}", self.base)).send().await?;')
            out.append(f'        if !response.status().is_success() {{ return Err(Error::Status(response.status().as_u16(), response.bytes().await?)); }}')
            out.append(f"        Ok(())")
        else:
            out.append(f"    pub async fn post_{res}(&self, app: &str, page: Option<u32>, body: &Value) -> Result<Value, Error> {{")
            out.append(f'        let mut url = format!("{{}}/applications/{{app}}/{res}", self.base);')
            out.append(f'        if let Some(page) = page {{ url.push_str(&format!("?page={{page}}")); }}')
            out.append(f'        let body = serde_json::to_vec(body)?;')
            out.append(f'        json(self.http.post(url).header("content-type", "application/json").body(body).send().await?).await')
        out.append("    }")
    out.append("}")
    # Async fns are compiled only where they are used; the macro crate's `as_dyn`
    # compiles every method for the client, so this compiles every function here.
    out.append("")
    out.append("type Call<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Error>> + Send + 'a>>;")
    out.append("/// Every function compiled, as a user's crate that calls them would.")
    out.append("pub fn instantiate<'a>(api: &'a Api, app: &'a str, value: &'a Value) -> (Vec<Call<'a, Value>>, Vec<Call<'a, ()>>) {")
    out.append("    let mut values: Vec<Call<'a, Value>> = Vec::new();")
    out.append("    let mut units: Vec<Call<'a, ()>> = Vec::new();")
    for i in range(n):
        kind = KINDS[i % 4]
        res = f"thing{i}"
        if kind == "get":
            out.append(f'    values.push(Box::pin(api.get_{res}(app, "id")));')
        elif kind == "patch":
            out.append(f'    values.push(Box::pin(api.patch_{res}(app, "id", value)));')
        elif kind == "delete":
            out.append(f'    units.push(Box::pin(api.delete_{res}(app, "id")));')
        else:
            out.append(f'    values.push(Box::pin(api.post_{res}(app, Some(1), value)));')
    out.append("    (values, units)")
    out.append("}")
    return "\n".join(out) + "\n"


def write(name, deps, source):
    crate = WORK / name
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        f"[dependencies]\n{deps}\n\n[workspace]\n"
    )
    (crate / "src" / "lib.rs").write_text(source)
    return crate


def cargo(crate, target_dir, profile, *args):
    cmd = ["cargo", *args, "--manifest-path", str(crate / "Cargo.toml"), "--target-dir", str(target_dir)]
    if profile == "release":
        cmd.append("--release")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--profile", choices=["dev", "release"], default="dev")
    args = parser.parse_args()

    core = ROOT / "losant-core"
    macro = write(
        "bench_macro_endpoints",
        f'losant-core = {{ path = "{core}" }}\nserde_json = "1"',
        macro_crate(args.endpoints),
    )
    hand = write(
        "bench_hand_endpoints",
        'reqwest = { version = "0.13", default-features = false, features = ["rustls", "http2"] }\n'
        'serde_json = "1"\nbytes = "1"',
        hand_crate(args.endpoints),
    )
    target_dir = WORK / "target"
    print(f"building dependencies once ({args.profile})...", flush=True)
    for crate in (macro, hand):
        cargo(crate, target_dir, args.profile, "build")

    times = {macro.name: [], hand.name: []}
    for _ in range(args.rounds):
        for crate in (macro, hand):
            cargo(crate, target_dir, args.profile, "clean", "-p", crate.name)
            started = time.perf_counter()
            cargo(crate, target_dir, args.profile, "build")
            times[crate.name].append(time.perf_counter() - started)

    print(f"compile time of {args.endpoints} endpoints, {args.rounds} clean builds each ({args.profile} profile):")
    for label, crate in (("#[api] macro", macro), ("hand-written", hand)):
        values = times[crate.name]
        print(f"  {label:<13} s min {min(values):.2f} median {statistics.median(values):.2f} max {max(values):.2f}")
    ratios = [m / h for m, h in zip(times[macro.name], times[hand.name])]
    print(f"  ratio macro/hand      min {min(ratios):.3f} median {statistics.median(ratios):.3f} max {max(ratios):.3f}")


if __name__ == "__main__":
    sys.exit(main())
