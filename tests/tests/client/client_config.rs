//! Building a client: what `Debug` and configuration errors show, never the token.

use losant_core::{Client, Error};

#[test]
fn debug_never_shows_the_token() {
    let builder = Client::builder().token("s3cr3t-t0ken");
    assert!(!format!("{builder:?}").contains("s3cr3t"));
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("[REDACTED]"));
}

#[test]
fn configuration_errors_never_echo_the_token() {
    let error = Client::new("bad\ntoken-s3cr3t").unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
    assert!(!format!("{error:?}").contains("s3cr3t"));
    assert!(matches!(Client::new("  ").unwrap_err(), Error::Config(_)));
}
