//! A bulk update stores its data once, however many events it reaches: the memory the
//! sandbox takes grows with the data sent, not with data × events.
#![cfg(target_os = "linux")]

use losant_events::EventLevel;
use losant_sandbox::{NewEvent, Sandbox};
use serde_json::json;

/// The resident memory of this process, in bytes.
fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[tokio::test]
async fn bulk_updates_share_their_data_between_events() {
    const DATA_BYTES: usize = 1_900_000;
    const EVENTS: usize = 54;
    let sandbox = Sandbox::builder()
        .max_application_bytes(usize::MAX)
        .start()
        .await
        .unwrap();
    let app = sandbox.add_application("Shared");
    let token = sandbox.add_token("ci", ["all.Application"]);
    let first = sandbox.add_event(&app, NewEvent::new(EventLevel::Info, "event 0"));
    for i in 1..EVENTS {
        sandbox.add_event(&app, NewEvent::new(EventLevel::Info, format!("event {i}")));
    }
    let http = http_client();
    let url = format!("{}/applications/{app}/events", sandbox.base_url());
    let before = resident_bytes();
    for round in 0..3 {
        let body =
            json!({"comment": format!("round {round}"), "data": {"blob": "x".repeat(DATA_BYTES)}});
        let response = http
            .patch(&url)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let grown = resident_bytes().saturating_sub(before);
    // Held as copies, the data would take 3 × 54 × 1.9 MB = 308 MB.
    assert!(
        grown < 64 * 1024 * 1024,
        "the sandbox grew by {} MB for 3 updates of 1.9 MB",
        grown / (1024 * 1024)
    );
    // Each event still serves its whole history, as if it held copies.
    let stored = sandbox.application_bytes(&app).unwrap();
    assert!(stored > 3 * EVENTS * DATA_BYTES, "{stored}");
    let event = sandbox.event(&app, &first).unwrap();
    let updates = event.updates.unwrap();
    assert_eq!(updates.len(), 3);
    assert_eq!(
        updates[2].data.as_ref().unwrap()["blob"]
            .as_str()
            .unwrap()
            .len(),
        DATA_BYTES
    );
}

/// A plain reqwest client: reqwest is built without a crypto provider of its own, so
/// the one the losant client uses is installed first.
fn http_client() -> reqwest::Client {
    losant_core::install_crypto_provider();
    reqwest::Client::new()
}
