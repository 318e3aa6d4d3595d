#!/usr/bin/env python3
"""Compile time of a command line of the API's size with clap: derive against builder.

Generates two crates under target/cli-parser-bench/ with the shape of the `losant`
command line (375 actions in 108 resources, each with its path IDs, a few typed query
flags and a body), one declaring it with `#[derive(Parser, Subcommand, Args)]`, the other
building the same tree at run time from a static table with clap's builder API. Builds
their dependencies once, then each crate from clean (`cargo clean -p`) several times,
alternating, and reports the median seconds and their ratio.

    python3 benches/cli_parser_compile.py [--rounds 3] [--profile dev|release]
"""

import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "cli-parser-bench"
RESOURCES = 108
ACTIONS = 375


def plan():
    """(resource, action, flags): flags are (name, kind) with kind id|text|int|bool|json."""
    out = []
    for n in range(ACTIONS):
        resource = f"resource{n % RESOURCES}"
        action = f"action{n // RESOURCES}"
        flags = [("application-id", "id"), ("thing-id", "id")]
        flags += [("sort-field", "text"), ("per-page", "int"), ("exclude", "bool")]
        if n % 3 == 0:
            flags.append(("body", "json"))
        out.append((resource, action, flags))
    return out


def camel(name):
    return "".join(part.capitalize() for part in name.replace("-", " ").split())


def snake(name):
    return name.replace("-", "_")


def derive_crate():
    lines = [
        "#![allow(dead_code, missing_docs)]",
        "use clap::{Args, Parser, Subcommand};",
        "#[derive(Parser)] #[command(name = \"losant\", about = \"The Losant API\")]",
        "struct Cli { #[command(subcommand)] resource: Resource }",
    ]
    by_resource = {}
    for resource, action, flags in plan():
        by_resource.setdefault(resource, []).append((action, flags))
    lines.append("#[derive(Subcommand)] enum Resource {")
    for resource in by_resource:
        lines.append(f"    /// The `{resource}` resource.")
        lines.append(f"    {camel(resource)} {{ #[command(subcommand)] action: {camel(resource)}Action }},")
    lines.append("}")
    for resource, actions in by_resource.items():
        lines.append(f"#[derive(Subcommand)] enum {camel(resource)}Action {{")
        for action, _ in actions:
            lines.append(f"    /// Does `{resource}.{action}`.")
            lines.append(f"    {camel(action)}({camel(resource)}{camel(action)}),")
        lines.append("}")
        for action, flags in actions:
            lines.append(f"#[derive(Args)] struct {camel(resource)}{camel(action)} {{")
            for name, kind in flags:
                ty = {"id": "String", "text": "Option<String>", "int": "Option<i64>",
                      "bool": "Option<bool>", "json": "Option<String>"}[kind]
                lines.append(f"    /// The `{name}` flag.")
                lines.append(f"    #[arg(long = \"{name}\")] {snake(name)}: {ty},")
            lines.append("}")
    lines.append("fn main() { let cli = Cli::parse(); std::hint::black_box(&cli); }")
    return "\n".join(lines) + "\n"


def builder_crate():
    lines = [
        "#![allow(missing_docs)]",
        "use clap::{Arg, ArgAction, Command};",
        "#[derive(Clone, Copy)] enum Kind { Id, Text, Int, Bool, Json }",
        "struct Action { resource: &'static str, action: &'static str, about: &'static str, flags: &'static [(&'static str, Kind, &'static str)] }",
        "static ACTIONS: &[Action] = &[",
    ]
    for resource, action, flags in sorted(plan()):
        flag_list = ", ".join(
            f"(\"{name}\", Kind::{kind.capitalize()}, \"The `{name}` flag.\")" for name, kind in flags)
        lines.append(f"    Action {{ resource: \"{resource}\", action: \"{action}\", about: \"Does `{resource}.{action}`.\", flags: &[{flag_list}] }},")
    lines.append("];")
    lines.append("""
fn flag(name: &'static str, kind: Kind, help: &'static str) -> Arg {
    let arg = Arg::new(name).long(name).help(help);
    match kind {
        Kind::Id => arg.required(true),
        Kind::Text | Kind::Json => arg,
        Kind::Int => arg.value_parser(clap::value_parser!(i64)),
        Kind::Bool => arg.value_parser(clap::value_parser!(bool)).action(ArgAction::Set),
    }
}

fn tree() -> Command {
    let mut root = Command::new("losant").about("The Losant API").subcommand_required(true);
    // The table is sorted by resource: each run of one resource is one group.
    for run in ACTIONS.chunk_by(|a, b| a.resource == b.resource) {
        let actions = run.iter().map(|action| {
            Command::new(action.action)
                .about(action.about)
                .args(action.flags.iter().map(|(name, kind, help)| flag(name, *kind, help)))
        });
        root = root.subcommand(Command::new(run[0].resource).subcommand_required(true).subcommands(actions));
    }
    root
}

fn main() {
    let matches = tree().get_matches();
    std::hint::black_box(&matches);
}
""")
    return "\n".join(lines) + "\n"


def write(name, source):
    directory = WORK / name
    (directory / "src").mkdir(parents=True, exist_ok=True)
    (directory / "Cargo.toml").write_text(f"""[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
clap = {{ version = "4", features = ["derive"] }}

[workspace]
""")
    (directory / "src" / "main.rs").write_text(source)
    return directory


def build(directory, profile, clean):
    target = WORK / "target"
    flags = ["--release"] if profile == "release" else []
    if clean:
        subprocess.run(["cargo", "clean", "-q", "-p", directory.name, "--target-dir", str(target)] + flags,
                       cwd=directory, check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(["cargo", "build", "-q", "--target-dir", str(target)] + flags, cwd=directory, check=True,
                   env={**os.environ, "CARGO_INCREMENTAL": "0"})
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", default="dev", choices=["dev", "release"])
    args = parser.parse_args()
    crates = {"derive": write("cli-derive", derive_crate()), "builder": write("cli-builder", builder_crate())}
    for directory in crates.values():
        build(directory, args.profile, clean=False)  # dependencies, once
    walls = {name: [] for name in crates}
    cpus = {name: [] for name in crates}
    for _ in range(args.rounds):
        for name, directory in crates.items():
            wall, cpu = build(directory, args.profile, clean=True)
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(f"{ACTIONS} subcommands in {RESOURCES} groups, {args.profile}, median of {args.rounds} clean builds "
          "of the crate alone (its dependencies built once before):")
    for name in crates:
        print(f"  {name}: {statistics.median(walls[name]):.2f} s wall, {statistics.median(cpus[name]):.2f} s CPU "
              f"(CPU of each: {', '.join(f'{v:.2f}' for v in cpus[name])})")
    ratio = statistics.median(cpus["builder"]) / statistics.median(cpus["derive"])
    print(f"  builder / derive (CPU): {ratio:.2f}")


if __name__ == "__main__":
    main()
