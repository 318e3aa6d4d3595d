//! `Client::from_env` reads `LOSANT_API_TOKEN` and `LOSANT_API_URL`. The environment is
//! process-wide, so each case runs in a child process of this test binary.

use std::process::Command;

use losant_core::{Client, Error};

/// Runs the ignored test `name` of this binary in a child with `vars` set (and both
/// variables removed first), returning whether it passed.
fn run_child(name: &str, vars: &[(&str, &str)]) -> bool {
    // The test's name in this binary: its module path without the crate's name.
    let module = module_path!()
        .split_once("::")
        .map_or("", |(_, module)| module);
    let name = format!("{module}::{name}");
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", &name, "--ignored", "--nocapture"])
        .env_remove("LOSANT_API_TOKEN")
        .env_remove("LOSANT_API_URL");
    for (key, value) in vars {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("1 passed") || stdout.contains("1 failed"),
        "{stdout}"
    );
    output.status.success()
}

#[test]
fn from_env_reads_the_token_and_the_optional_url() {
    assert!(run_child(
        "child_with_token_and_url",
        &[
            ("LOSANT_API_TOKEN", "env-token"),
            ("LOSANT_API_URL", "http://127.0.0.1:8080/prefix/")
        ]
    ));
    assert!(run_child(
        "child_with_token_only",
        &[("LOSANT_API_TOKEN", "env-token")]
    ));
    assert!(run_child(
        "child_without_token",
        &[("LOSANT_API_URL", "http://127.0.0.1:8080")]
    ));
    assert!(run_child(
        "child_with_insecure_url",
        &[
            ("LOSANT_API_TOKEN", "env-token"),
            ("LOSANT_API_URL", "http://example.com")
        ]
    ));
}

#[test]
#[ignore = "run by from_env_reads_the_token_and_the_optional_url in a child process"]
fn child_with_token_and_url() {
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080/prefix");
}

#[test]
#[ignore = "run by from_env_reads_the_token_and_the_optional_url in a child process"]
fn child_with_token_only() {
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://api.losant.com"
    );
}

#[test]
#[ignore = "run by from_env_reads_the_token_and_the_optional_url in a child process"]
fn child_without_token() {
    let error = Client::from_env().unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    assert!(
        error.to_string().contains("LOSANT_API_TOKEN is not set"),
        "{error}"
    );
}

#[test]
#[ignore = "run by from_env_reads_the_token_and_the_optional_url in a child process"]
fn child_with_insecure_url() {
    let error = Client::from_env().unwrap_err();
    assert!(error.to_string().contains("not loopback"), "{error}");
    assert!(!error.to_string().contains("env-token"), "{error}");
}
