//! A hand-written test double of `EventApi`, used the way application code would
//! hold the API: as `Arc<dyn EventApi>`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use losant_core::{
    ApplicationId, Error, EventId, Reply, Response, Result, Transport, Validate, async_trait,
};
use losant_events::{
    DeleteEvent, Event, EventApi, EventPatch, EventState, GetEvent, PatchEvent, Success,
};

/// An in-memory stand-in for the Event API.
#[derive(Default)]
struct FakeEvents {
    events: Mutex<HashMap<EventId, Event>>,
}

/// The `NotFound` error the real API answers, built through a transport double so that
/// the fake fails exactly like the client does.
async fn not_found(app: &ApplicationId, id: &EventId) -> Error {
    struct NotFound;

    #[async_trait]
    impl Transport for NotFound {
        async fn send(&self, _: losant_core::Request) -> Result<Response> {
            Ok(Response::new(
                404,
                r#"{"type":"NotFound","message":"Event was not found"}"#,
            ))
        }
    }
    NotFound.get_event(app, id).await.unwrap_err()
}

/// The double answers each call from its fields, as a test double of any `#[api]`
/// trait does: one `run_*` method per endpoint, each taking the whole call.
impl EventApi for FakeEvents {
    fn run_get_event<'a>(&'a self, call: GetEvent<'a>) -> Reply<'a, Event> {
        Reply::new(async move {
            let found = self.events.lock().unwrap().get(call.event).cloned();
            match found {
                Some(found) => Ok(found),
                None => Err(not_found(call.app, call.event).await),
            }
        })
    }

    fn run_patch_event<'a>(&'a self, call: PatchEvent<'a>) -> Reply<'a, Event> {
        Reply::new(async move {
            let PatchEvent {
                app, event, patch, ..
            } = call;
            patch.validate()?;
            let updated = {
                let mut events = self.events.lock().unwrap();
                events.get_mut(event).map(|stored| {
                    if let Some(state) = &patch.state {
                        stored.state = Some(state.clone());
                    }
                    if let Some(subject) = &patch.subject {
                        stored.subject = Some(subject.clone());
                    }
                    stored.clone()
                })
            };
            match updated {
                Some(updated) => Ok(updated),
                None => Err(not_found(app, event).await),
            }
        })
    }

    fn run_delete_event<'a>(&'a self, call: DeleteEvent<'a>) -> Reply<'a, Success> {
        let removed = self.events.lock().unwrap().remove(call.event);
        match removed {
            Some(_) => {
                let mut success = Success::default();
                success.success = Some(true);
                Reply::ready(Ok(success))
            }
            None => Reply::new(async move { Err(not_found(call.app, call.event).await) }),
        }
    }
}

/// Application code under test: acknowledges an event unless it is resolved.
async fn acknowledge(api: &dyn EventApi, app: &ApplicationId, id: &EventId) -> Result<bool> {
    let event = api.get_event(app, id).await?;
    if event.state == Some(EventState::Resolved) {
        return Ok(false);
    }
    let patch = EventPatch::new()
        .state(EventState::Acknowledged)
        .comment("on it");
    api.patch_event(app, id, &patch).await?;
    Ok(true)
}

#[tokio::test]
async fn application_code_runs_against_the_double_through_dyn() {
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let id: EventId = "575ed0de7ae143cd83dc4aa5".parse().unwrap();
    let fake = FakeEvents::default();
    let mut stored = Event::default();
    stored.id = Some(id);
    stored.state = Some(EventState::New);
    fake.events.lock().unwrap().insert(id, stored);
    let api: Arc<dyn EventApi> = Arc::new(fake);

    // The trait object can cross tasks.
    let task_api = Arc::clone(&api);
    let acknowledged = tokio::spawn(async move { acknowledge(&*task_api, &app, &id).await })
        .await
        .unwrap()
        .unwrap();
    assert!(acknowledged);
    assert_eq!(
        api.get_event(&app, &id).await.unwrap().state,
        Some(EventState::Acknowledged)
    );

    let patch = EventPatch::new().subject("");
    let error = api.patch_event(&app, &id, &patch).await.unwrap_err();
    assert!(error.is_rejected_before_sending());

    assert!(api.delete_event(&app, &id).await.unwrap().is_success());
    let error = api.get_event(&app, &id).await.unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.api_error_type(), Some("NotFound"));
}

#[tokio::test]
async fn a_transport_double_sees_each_request_with_its_endpoint() {
    /// Endpoint name, method, path and query, body.
    type Seen = (String, String, String, Option<String>);

    /// Records what the generated code hands to the transport.
    #[derive(Default)]
    struct Recorder {
        seen: Mutex<Vec<Seen>>,
    }

    #[async_trait]
    impl Transport for Recorder {
        async fn send(&self, request: losant_core::Request) -> Result<Response> {
            self.seen.lock().unwrap().push((
                request.endpoint().name().to_owned(),
                request.method().to_string(),
                request.path_and_query().to_owned(),
                request
                    .body()
                    .map(|b| String::from_utf8(b.to_vec()).unwrap()),
            ));
            Ok(Response::new(200, r#"{"success":true}"#))
        }
    }

    let recorder = Arc::new(Recorder::default());
    // `Arc<Recorder>` is a transport too, and `dyn EventApi` can hold it.
    let api: Arc<dyn EventApi> = Arc::new(Arc::clone(&recorder));
    let app: ApplicationId = "575EC8687AE143CD83DC4A97".parse().unwrap();
    let id: EventId = "575ed0de7ae143cd83dc4aa5".parse().unwrap();
    api.delete_event(&app, &id).await.unwrap();
    api.patch_event(&app, &id, &EventPatch::new().state(EventState::Resolved))
        .await
        .unwrap();

    let seen = recorder.seen.lock().unwrap();
    assert_eq!(
        *seen,
        [
            (
                "delete_event".to_owned(),
                "DELETE".to_owned(),
                "/applications/575ec8687ae143cd83dc4a97/events/575ed0de7ae143cd83dc4aa5".to_owned(),
                None
            ),
            (
                "patch_event".to_owned(),
                "PATCH".to_owned(),
                "/applications/575ec8687ae143cd83dc4a97/events/575ed0de7ae143cd83dc4aa5".to_owned(),
                Some(r#"{"state":"resolved"}"#.to_owned())
            ),
        ]
    );
}
