//! An `#[api]` trait is object-safe, and every transport gets its methods.
#![deny(warnings)]

use std::sync::Arc;

use losant_core::{api, Client, Result, Transport};

/// A minimal binding.
#[api]
pub trait PingApi {
    /// Checks the API is up.
    #[endpoint(method = "GET", path = "/ping", scope = "me.get")]
    async fn ping(&self) -> Result<()>;
}

fn takes_dyn(_: Arc<dyn PingApi>) {}
fn takes_transport(_: Arc<dyn Transport>) {}

fn main() {
    let client = Client::new("token").unwrap();
    takes_dyn(Arc::new(client.clone()));
    let transport: Arc<dyn Transport> = Arc::new(client);
    takes_transport(Arc::clone(&transport));
    // `Arc<dyn Transport>` is itself a transport, so it has the methods too.
    takes_dyn(Arc::new(transport));
}
