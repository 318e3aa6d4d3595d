//! A binding of your own: one trait method with `#[endpoint]`, here the events'
//! `mostRecentBySeverity` action read as raw JSON, called against the embedded sandbox.
//! `crate = losant` points the generated code at this crate's re-exports, so a
//! dependency on `losant` alone is enough.
//!
//! ```sh
//! cargo run --example custom_binding
//! ```

use std::process::ExitCode;

use losant::events::EventLevel;
use losant::{ApplicationId, Client, GlobalParams, Result, api};
use losant_sandbox::{NewEvent, Sandbox};

/// Actions this crate does not bind the way this application wants them.
#[api(crate = losant)]
pub trait SeverityApi {
    /// The most recent event of the highest level, and how many are new, as JSON.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/events/mostRecentBySeverity",
        scope = "events.mostRecentBySeverity"
    )]
    async fn latest_by_level(
        &self,
        app: &ApplicationId,
        #[query] filter: Option<&str>,
    ) -> Result<serde_json::Value>;
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("custom binding failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let app = sandbox.add_application("Greenhouse");
    sandbox.add_event(&app, NewEvent::new(EventLevel::Critical, "Pump stalled"));
    sandbox.add_event(&app, NewEvent::new(EventLevel::Warning, "Humidity high"));
    let token = sandbox.add_token("custom binding example", ["all.Application"]);
    let client = Client::builder()
        .token(token)
        .base_url(sandbox.base_url())
        .global_params(GlobalParams::NONE)
        .build()?;

    let latest = client.latest_by_level(&app).await?;
    println!("{}", serde_json::to_string_pretty(&latest)?);
    // The metadata of the binding, as for every generated one.
    let endpoint = SeverityApiEndpoints::LATEST_BY_LEVEL;
    println!(
        "{} {} (scope {})",
        endpoint.method().as_str(),
        endpoint.path(),
        endpoint.scope()
    );
    // The most severe of the two, and both new.
    if latest["event"]["level"] != "critical" || latest["newCount"] != 2 {
        return Err(format!("unexpected answer: {latest}").into());
    }
    Ok(())
}
