//! A hand-written fake behind `Arc<dyn EventApi>`: application code holds the API as a
//! trait object, and a test hands it an in-memory double instead of a client. Each
//! endpoint is one `run_*` method taking the whole call, so the double answers exactly
//! the calls the code makes, and refuses what the real API refuses.
//!
//! ```sh
//! cargo run --example test_double
//! ```

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use losant::events::{
    DeleteEvent, Event, EventApi, EventPatch, EventState, GetEvent, PatchEvent, Success,
};
use losant::validate::Validate;
use losant::{ApplicationId, EventId, Reply, Request, Response, Result, Transport, async_trait};

/// What the application does: acknowledges an event, with a comment.
async fn acknowledge(api: &dyn EventApi, app: &ApplicationId, id: &EventId) -> Result<Event> {
    let event = api.get_event(app, id).await?;
    if event.state == Some(EventState::Acknowledged) {
        return Ok(event);
    }
    let mut patch = EventPatch::default();
    patch.state = Some(EventState::Acknowledged);
    patch.comment = Some("on it".to_owned());
    api.patch_event(app, id, &patch).await
}

/// The double: events in memory, and the calls it answered.
#[derive(Default)]
struct FakeEvents {
    events: Mutex<HashMap<EventId, Event>>,
    calls: Mutex<Vec<&'static str>>,
}

/// The `NotFound` error the real API answers, made by the same decoding as the client's.
async fn not_found(app: &ApplicationId, id: &EventId) -> losant::Error {
    struct NotFound;

    #[async_trait]
    impl Transport for NotFound {
        async fn send(&self, _: Request) -> Result<Response> {
            Ok(Response::new(
                404,
                r#"{"type":"NotFound","message":"Event was not found"}"#,
            ))
        }
    }
    match NotFound.get_event(app, id).await {
        Err(error) => error,
        Ok(_) => unreachable!("a 404 is an error"),
    }
}

impl EventApi for FakeEvents {
    fn run_get_event<'a>(&'a self, call: GetEvent<'a>) -> Reply<'a, Event> {
        self.calls.lock().unwrap().push("get_event");
        Reply::new(async move {
            let found = self.events.lock().unwrap().get(call.event).cloned();
            match found {
                Some(found) => Ok(found),
                None => Err(not_found(call.app, call.event).await),
            }
        })
    }

    fn run_patch_event<'a>(&'a self, call: PatchEvent<'a>) -> Reply<'a, Event> {
        self.calls.lock().unwrap().push("patch_event");
        Reply::new(async move {
            // The limits the client checks before sending, checked here too.
            call.patch.validate()?;
            let updated = self
                .events
                .lock()
                .unwrap()
                .get_mut(call.event)
                .map(|stored| {
                    if let Some(state) = &call.patch.state {
                        stored.state = Some(state.clone());
                    }
                    stored.clone()
                });
            match updated {
                Some(updated) => Ok(updated),
                None => Err(not_found(call.app, call.event).await),
            }
        })
    }

    fn run_delete_event<'a>(&'a self, call: DeleteEvent<'a>) -> Reply<'a, Success> {
        self.calls.lock().unwrap().push("delete_event");
        Reply::new(async move {
            if self.events.lock().unwrap().remove(call.event).is_none() {
                return Err(not_found(call.app, call.event).await);
            }
            let mut success = Success::default();
            success.success = Some(true);
            Ok(success)
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().expect("an ID");
    let id: EventId = "575ed0de7ae143cd83dc4aa5".parse().expect("an ID");
    let fake = Arc::new(FakeEvents::default());
    let mut stored = Event::default();
    stored.subject = Some("Humidity high".to_owned());
    stored.state = Some(EventState::New);
    fake.events.lock().unwrap().insert(id, stored);
    let api: Arc<dyn EventApi> = fake.clone();

    let acknowledged = acknowledge(api.as_ref(), &app, &id).await;
    let missing: EventId = "575ed0de7ae143cd83dc4aa6".parse().expect("an ID");
    let not_found = acknowledge(api.as_ref(), &app, &missing).await;
    println!("calls: {:?}", fake.calls.lock().unwrap());
    match (acknowledged, not_found) {
        (Ok(event), Err(error)) if event.state == Some(EventState::Acknowledged) => {
            println!("acknowledged; a missing event: {error}");
            ExitCode::SUCCESS
        }
        (acknowledged, not_found) => {
            eprintln!("unexpected: {acknowledged:?} / {not_found:?}");
            ExitCode::FAILURE
        }
    }
}
