//! Every page of a collection, the next on its way while one is read: the events of an
//! application, walked with `.stream()` against the embedded sandbox, offline.
//!
//! ```sh
//! cargo run --example paging
//! ```

use std::process::ExitCode;

use losant::events::{EventLevel, EventsApi, EventsQuery};
use losant::prelude::*;
use losant::{Client, GlobalParams};
use losant_sandbox::{NewEvent, Sandbox};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("paging failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let app = sandbox.add_application("Greenhouse");
    for n in 1..=25 {
        sandbox.add_event(
            &app,
            NewEvent::new(EventLevel::Info, format!("Reading {n}")),
        );
    }
    let token = sandbox.add_token("paging example", ["all.Application"]);
    let client = Client::builder()
        .token(token)
        .base_url(sandbox.base_url())
        .global_params(GlobalParams::NONE)
        .build()?;

    // Ten per page: three requests, each page dropped once walked.
    let options = EventsQuery::new().per_page(10);
    let mut events = client.get_events(&app).options(&options).stream();
    let mut seen = 0;
    while let Some(event) = events.try_next().await? {
        seen += 1;
        if seen % 10 == 1 {
            println!(
                "page {}: {} ...",
                seen / 10 + 1,
                event.subject.unwrap_or_default()
            );
        }
    }
    println!("{seen} events in {} requests", sandbox.requests_seen());
    if seen != 25 {
        return Err(format!("expected 25 events, walked {seen}").into());
    }
    Ok(())
}
