//! What the integration tests share: fixtures, IDs, the one client builder, and the
//! scripted server (`scripted.rs`) and the delaying proxy (`proxy.rs`).

#![allow(dead_code, unreachable_pub)]

mod proxy;
mod scripted;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use losant_core::{ApplicationId, Client, ClientBuilder, EventId, GlobalParams, RetryPolicy};

#[allow(unused_imports)]
pub use proxy::DelayingProxy;
#[allow(unused_imports)]
pub use scripted::{Recorded, ScriptedServer, Step};

pub const TOKEN: &str = "test-token-5f1c2d9e";

/// A plain reqwest client, for a test that talks HTTP itself: reqwest is built without
/// a crypto provider of its own, so the one the client uses is installed first.
pub fn raw_http() -> reqwest::Client {
    losant_core::install_crypto_provider();
    reqwest::Client::new()
}
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

/// The one way the tests build a client: `TOKEN`, `base_url`, and retries that do not
/// wait (the waits themselves are recorded by [`recording_client`]). Tests change what
/// they need on the builder.
///
/// It sends no global parameters (`_actions`, `_links`, `_embedded`), so that the
/// targets the tests compare are the request's own; `global_params.rs` tests what the
/// client sends by default.
pub fn client_builder(base_url: impl AsRef<str>) -> ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url.as_ref())
        .global_params(GlobalParams::NONE)
        .sleeper(|_| Box::pin(async {}))
}

/// [`client_builder`], built.
pub fn client(base_url: &str) -> Client {
    client_builder(base_url).build().unwrap()
}

/// The retry waits a client asked for.
pub type Waits = Arc<Mutex<Vec<Duration>>>;

/// A client of `url` whose retry waits are recorded instead of slept.
pub fn recording_client(url: &str, policy: RetryPolicy) -> (Client, Waits) {
    let waits: Waits = Arc::default();
    let seen = Arc::clone(&waits);
    let client = client_builder(url)
        .retry(policy)
        .sleeper(move |delay| {
            seen.lock().unwrap().push(delay);
            Box::pin(async {})
        })
        .build()
        .unwrap();
    (client, waits)
}

/// The waits recorded so far.
pub fn waits(waits: &Waits) -> Vec<Duration> {
    waits.lock().unwrap().clone()
}
