//! Snapshot tests of the generator at small scale: each directory of
//! `tests/samples/` is a short description (a few actions of the Losant API, their
//! schemas cut to a few fields), and `tests/output/<sample>.txt` is everything the
//! generator writes for it, file after file. A change to the generator shows here as
//! a short diff to read; the whole API stays covered by `cargo run -p losant-codegen
//! -- --check`.
//!
//! After a deliberate change, rewrite the snapshots with
//! `EXPECTORATE=overwrite cargo test -p losant-codegen --test output`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The generator's whole output for one sample, as one text.
fn output(sample: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/samples")
        .join(sample);
    let (files, summary) = losant_codegen::generate_sample(&dir, &workspace())
        .unwrap_or_else(|error| panic!("sample `{sample}`: {error}"));
    let mut text = format!("# {sample}: what was bound\n\n{summary}\n");
    for file in files {
        let _ = write!(text, "\n# {}\n\n{}", file.path.display(), file.text);
    }
    text
}

fn check(sample: &str) {
    expectorate::assert_contents(format!("tests/output/{sample}.txt"), &output(sample));
}

#[test]
fn a_resource_with_a_paged_list() {
    check("paged_list");
}

#[test]
fn a_polymorphic_body() {
    check("polymorphic_body");
}

#[test]
fn an_answer_queued_as_a_job() {
    check("job_202");
}

#[test]
fn several_successful_answers() {
    check("several_2xx");
}

#[test]
fn a_live_stream_and_an_upload() {
    check("stream_and_upload");
}

#[test]
fn every_sample_has_its_test() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
    let mut names: Vec<String> = std::fs::read_dir(samples)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let source = include_str!("output.rs");
    for name in names {
        assert!(
            source.contains(&format!("check(\"{name}\")")),
            "tests/samples/{name} has no test in tests/output.rs"
        );
    }
}
