//! Shared helpers of the integration tests: fixtures, IDs and clients.

#![allow(dead_code, unreachable_pub)]

use losant_core::{ApplicationId, Client, EventId};

pub const TOKEN: &str = "test-token-5f1c2d9e";
pub const APP: &str = "575ec8687ae143cd83dc4a97";
pub const EVENT: &str = "575ed0de7ae143cd83dc4aa5";
pub const EVENT_PATH: &str =
    "/applications/575ec8687ae143cd83dc4a97/events/575ed0de7ae143cd83dc4aa5";
pub const USER_AGENT: &str = concat!("losant-core/", env!("CARGO_PKG_VERSION"));

pub const EVENT_JSON: &str = include_str!("../fixtures/event.json");
pub const EVENT_ACKNOWLEDGED_JSON: &str = include_str!("../fixtures/event_acknowledged.json");
pub const EVENT_FUTURE_JSON: &str = include_str!("../fixtures/event_future.json");
pub const NOT_FOUND_JSON: &str = include_str!("../fixtures/not_found.json");
pub const BAD_REQUEST_JSON: &str = include_str!("../fixtures/bad_request.json");
pub const BAD_GATEWAY_HTML: &str = include_str!("../fixtures/bad_gateway.html");

pub fn app() -> ApplicationId {
    APP.parse().unwrap()
}

pub fn event() -> EventId {
    EVENT.parse().unwrap()
}

/// A client for `base_url` whose retries do not wait: these tests check what is sent
/// and decoded; the waits themselves are checked in `faults.rs`.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .sleeper(|_| Box::pin(async {}))
        .build()
        .unwrap()
}
