//! The quickstart: the whole Event workflow against the embedded sandbox, offline.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Starts the sandbox in this process with the demo data, then with the real client:
//! get → patch (acknowledge with a comment) → get → delete → get (`NotFound`).

use std::process::ExitCode;

use losant_core::{ApplicationId, Client, EventId};
use losant_events::{Event, EventApi, EventPatch, EventState};
use losant_sandbox::{DEMO_APPLICATION, DEMO_EVENT, DEMO_TOKEN, Sandbox, Seed};

fn text(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn show(event: &Event) {
    println!("   subject:      {}", text(event.subject.as_ref()));
    println!(
        "   level/state:  {} / {}",
        text(event.level.as_ref()),
        text(event.state.as_ref())
    );
    println!("   device:       {}", text(event.device_name.as_ref()));
    if let Some(updated) = event.last_updated {
        println!("   last updated: {updated}");
    }
    let updates = event.updates.as_deref().unwrap_or_default();
    println!("   updates:      {}", updates.len());
    if let Some(last) = updates.last()
        && let Some(change) = &last.state_change
    {
        println!(
            "   last change:  state {} -> {} by {} ({}): {:?}",
            text(change.old.as_ref()),
            text(change.new.as_ref()),
            text(last.source_name.as_ref()),
            text(last.source_type.as_ref()),
            last.comment.as_deref().unwrap_or_default()
        );
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start_with(Seed::demo()).await?;
    println!(
        "Losant sandbox running in this process at {}",
        sandbox.base_url()
    );
    let client = Client::builder()
        .token(DEMO_TOKEN)
        .base_url(sandbox.base_url())
        .user_agent("losant-quickstart")
        .build()?;
    let app: ApplicationId = DEMO_APPLICATION.parse()?;
    let id: EventId = DEMO_EVENT.parse()?;
    println!("Application {app}, event {id}\n");

    println!("1. get_event");
    let event = client.get_event(&app, &id).await?;
    show(&event);

    println!("\n2. patch_event: acknowledge with a comment");
    let patch = EventPatch::new()
        .state(EventState::Acknowledged)
        .comment("Looking into this issue");
    println!("   sending:      {}", serde_json::to_string(&patch)?);
    let patched = client.patch_event(&app, &id, &patch).await?;
    show(&patched);

    println!("\n3. get_event again");
    let event = client.get_event(&app, &id).await?;
    show(&event);

    println!("\n4. delete_event");
    let deleted = client.delete_event(&app, &id).await?;
    println!("   success:      {}", deleted.is_success());

    println!("\n5. get_event after the delete");
    match client.get_event(&app, &id).await {
        Ok(event) => Err(format!("the event is still there: {event:?}").into()),
        Err(error) if error.is_not_found() => {
            println!("   error:        {error}");
            println!(
                "   is_not_found: true, type: {}",
                error.api_error_type().unwrap_or("-")
            );
            sandbox.stop().await;
            println!("\nDone: every step behaved as the Losant API reference says.");
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("quickstart failed: {error}");
            ExitCode::FAILURE
        }
    }
}
