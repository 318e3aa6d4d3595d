//! The client against the embedded sandbox: the three operations end to end, scopes,
//! validation on both sides, and the sandbox's own answers to raw requests.

mod support;

use std::time::Duration;

use losant_core::{ApplicationId, Client, Error, EventId, Result, RetryPolicy, api};
use losant_events::{EventApi, EventLevel, EventPatch, EventState, EventsApi, SourceType};
use losant_sandbox::{DEMO_APPLICATION, DEMO_EVENT, DEMO_TOKEN, NewEvent, Sandbox, Seed};

struct Setup {
    sandbox: Sandbox,
    app: ApplicationId,
    event: EventId,
    token: String,
}

async fn setup(scopes: &[&str]) -> Setup {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Greenhouse");
    let event = sandbox.add_event(
        &app,
        NewEvent::new(EventLevel::Warning, "Humidity high")
            .message("Zone 3 at 91%")
            .tag("zone", "3"),
    );
    let token = sandbox.add_token("CI token", scopes.iter().copied());
    Setup {
        sandbox,
        app,
        event,
        token,
    }
}

/// A client of the sandbox whose retries do not wait.
fn client(setup: &Setup) -> Client {
    support::client_builder(setup.sandbox.base_url())
        .token(&setup.token)
        .build()
        .unwrap()
}

#[tokio::test]
async fn get_patch_get_delete_get() {
    let setup = setup(&["all.Application"]).await;
    let client = client(&setup);
    let (app, id) = (&setup.app, &setup.event);

    let event = client.get_event(app, id).await.unwrap();
    assert_eq!(event.id, Some(*id));
    assert_eq!(event.application_id, Some(*app));
    assert_eq!(event.subject.as_deref(), Some("Humidity high"));
    assert_eq!(event.state, Some(EventState::New));
    let created = event.last_updated.unwrap();

    let patch = EventPatch::new()
        .state(EventState::Acknowledged)
        .level(EventLevel::Critical)
        .comment("Looking into this issue")
        .tag("zone", "4");
    let patched = client.patch_event(app, id, &patch).await.unwrap();
    assert_eq!(patched.state, Some(EventState::Acknowledged));
    assert_eq!(patched.level, Some(EventLevel::Critical));
    assert!(patched.last_updated.unwrap() >= created);
    let updates = patched.updates.clone().unwrap();
    assert_eq!(updates.len(), 1);
    let update = &updates[0];
    assert_eq!(update.comment.as_deref(), Some("Looking into this issue"));
    assert_eq!(update.source_type, Some(SourceType::ApiToken));
    assert_eq!(update.source_name.as_deref(), Some("CI token"));
    let state = update.state_change.as_ref().unwrap();
    assert_eq!(
        (state.old.clone(), state.new.clone()),
        (Some(EventState::New), Some(EventState::Acknowledged))
    );
    assert_eq!(
        update.level_change.as_ref().unwrap().old,
        Some(EventLevel::Warning)
    );
    let zone = &update.tags_change.as_ref().unwrap()["zone"];
    assert_eq!(
        (zone.old.as_deref(), zone.new.as_deref()),
        (Some("3"), Some("4"))
    );
    assert!(update.subject_change.is_none());

    assert_eq!(client.get_event(app, id).await.unwrap(), patched);
    assert_eq!(setup.sandbox.event(app, id), Some(patched));

    assert!(client.delete_event(app, id).await.unwrap().is_success());
    let error = client.get_event(app, id).await.unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.api_error_type(), Some("NotFound"));
    assert_eq!(
        error.as_api().unwrap().message(),
        Some("Event was not found")
    );
    let error = client.delete_event(app, id).await.unwrap_err();
    assert!(error.is_not_found());
}

#[tokio::test]
async fn a_read_only_token_may_get_but_not_patch_or_delete() {
    let setup = setup(&["event.get"]).await;
    let client = client(&setup);
    client.get_event(&setup.app, &setup.event).await.unwrap();

    let patch = EventPatch::new().state(EventState::Resolved);
    let error = client
        .patch_event(&setup.app, &setup.event, &patch)
        .await
        .unwrap_err();
    assert!(error.is_forbidden(), "{error:?}");
    assert_eq!(error.api_error_type(), Some("Forbidden"));
    assert!(
        error
            .as_api()
            .unwrap()
            .message()
            .unwrap()
            .contains("event.patch")
    );
    assert!(
        client
            .delete_event(&setup.app, &setup.event)
            .await
            .unwrap_err()
            .is_forbidden()
    );
    // Nothing changed.
    assert_eq!(
        setup.sandbox.event(&setup.app, &setup.event).unwrap().state,
        Some(EventState::New)
    );

    // Told the token's scopes, the client refuses before sending.
    let seen = setup.sandbox.requests_seen();
    let scoped = support::client_builder(setup.sandbox.base_url())
        .token(&setup.token)
        .granted_scopes(["event.get"])
        .build()
        .unwrap();
    let error = scoped
        .patch_event(&setup.app, &setup.event, &patch)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InsufficientScope(_)), "{error:?}");
    assert_eq!(setup.sandbox.requests_seen(), seen);
}

#[tokio::test]
async fn the_read_groups_allow_get_only() {
    let setup = setup(&["all.Organization.read"]).await;
    let client = client(&setup);
    client.get_event(&setup.app, &setup.event).await.unwrap();
    assert!(
        client
            .delete_event(&setup.app, &setup.event)
            .await
            .unwrap_err()
            .is_forbidden()
    );
}

#[tokio::test]
async fn an_invalid_patch_is_refused_by_the_client_and_by_the_server() {
    let setup = setup(&["all.Application"]).await;
    let client = client(&setup);
    let seen = setup.sandbox.requests_seen();
    let too_long = "x".repeat(256);
    let patch = EventPatch::new().subject(too_long.clone());
    let error = client
        .patch_event(&setup.app, &setup.event, &patch)
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error:?}");
    assert_eq!(
        setup.sandbox.requests_seen(),
        seen,
        "the client sent the invalid patch"
    );

    // The same body, sent raw, is refused by the server with the field named.
    let url = format!(
        "{}/applications/{}/events/{}",
        setup.sandbox.base_url(),
        setup.app,
        setup.event
    );
    let raw = support::raw_http()
        .patch(&url)
        .bearer_auth(&setup.token)
        .header("content-type", "application/json")
        .body(format!(r#"{{"subject":"{too_long}"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let body: serde_json::Value = serde_json::from_slice(&raw.bytes().await.unwrap()).unwrap();
    assert_eq!(body["type"], "Validation");
    assert_eq!(
        body["message"],
        "subject must NOT have more than 255 characters"
    );
    assert_eq!(setup.sandbox.requests_seen(), seen + 1);

    for (body, field) in [
        (r#"{"stat":"new"}"#, "stat"),
        (r#"{"state":"closed"}"#, "state"),
        (r#"{"deviceId":"123"}"#, "deviceId"),
        (r#"{"eventTags":{"bad key":"v"}}"#, "bad key"),
        ("not json", "JSON"),
    ] {
        let raw = support::raw_http()
            .patch(&url)
            .bearer_auth(&setup.token)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 400, "{body}");
        let answer: serde_json::Value =
            serde_json::from_slice(&raw.bytes().await.unwrap()).unwrap();
        assert!(
            answer["message"].as_str().unwrap().contains(field),
            "{body}: {answer}"
        );
    }
    assert_eq!(
        setup
            .sandbox
            .event(&setup.app, &setup.event)
            .unwrap()
            .updates,
        Some(vec![]),
        "a refused patch changed the event"
    );
}

#[tokio::test]
async fn detaching_the_device_records_the_change() {
    let sandbox = Sandbox::start_with(Seed::demo()).await.unwrap();
    let client = support::client_builder(sandbox.base_url())
        .token(DEMO_TOKEN)
        .build()
        .unwrap();
    let (app, id) = (
        DEMO_APPLICATION.parse().unwrap(),
        DEMO_EVENT.parse().unwrap(),
    );
    let event = client
        .patch_event(&app, &id, &EventPatch::new().clear_device_id())
        .await
        .unwrap();
    assert_eq!(event.device_id, None);
    let change = event.updates.unwrap()[0].device_id_change.clone().unwrap();
    assert_eq!(
        change.old,
        Some("575ecf887ae143cd83dc4aa2".parse().unwrap())
    );
    assert_eq!(change.old_device_name.as_deref(), Some("My Device"));
    assert_eq!(change.new, None);
}

/// Raw string path values reach the sandbox as the server would see them.
#[api]
trait RawEventApi {
    /// `get_event` with unchecked path values.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/events/<event>",
        scope = "event.get"
    )]
    async fn get_raw(&self, app: &str, event: &str) -> Result<serde_json::Value>;
}

#[tokio::test]
async fn tokens_ids_and_applications_are_checked_in_order() {
    let setup = setup(&["all.Application"]).await;
    let client = client(&setup);

    let error = client
        .get_raw("not-an-id", setup.event.as_str())
        .await
        .unwrap_err();
    assert!(error.is_bad_request(), "{error:?}");
    assert!(
        error
            .as_api()
            .unwrap()
            .message()
            .unwrap()
            .contains("applicationId")
    );

    let error = client
        .get_raw(setup.app.as_str(), "575ed0de7ae143cd83dc4aaZ")
        .await
        .unwrap_err();
    assert!(
        error
            .as_api()
            .unwrap()
            .message()
            .unwrap()
            .contains("eventId"),
        "{error}"
    );

    let other_app: ApplicationId = "5f0000000000000000000001".parse().unwrap();
    let error = client
        .get_event(&other_app, &setup.event)
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(
        error.as_api().unwrap().message(),
        Some("Application was not found")
    );

    let stranger = support::client_builder(setup.sandbox.base_url())
        .token("unknown-token")
        .build()
        .unwrap();
    let error = stranger
        .get_event(&setup.app, &setup.event)
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    // A bad token is refused before the IDs are looked at.
    assert!(
        stranger
            .get_raw("not-an-id", "x")
            .await
            .unwrap_err()
            .is_unauthorized()
    );

    let anonymous = support::raw_http()
        .get(format!(
            "{}/applications/{}/events/{}",
            setup.sandbox.base_url(),
            setup.app,
            setup.event
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn injected_faults_fail_the_next_calls_then_clear() {
    let setup = setup(&["all.Application"]).await;
    let once = support::client_builder(setup.sandbox.base_url())
        .token(&setup.token)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let faults = setup.sandbox.faults();
    faults.fail_next(2, 503);
    for _ in 0..2 {
        let error = once.get_event(&setup.app, &setup.event).await.unwrap_err();
        assert_eq!(error.status(), Some(503));
        assert_eq!(error.api_error_type(), Some("SandboxFault"));
    }
    once.get_event(&setup.app, &setup.event).await.unwrap();

    // The default policy rides out the same two failures.
    faults.fail_next(2, 503);
    let seen = setup.sandbox.requests_seen();
    client(&setup)
        .get_event(&setup.app, &setup.event)
        .await
        .unwrap();
    assert_eq!(setup.sandbox.requests_seen(), seen + 3);

    faults.set_latency(Duration::from_millis(300));
    let slow = support::client_builder(setup.sandbox.base_url())
        .token(&setup.token)
        .attempt_timeout(Duration::from_millis(50))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = slow.get_event(&setup.app, &setup.event).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    faults.clear();
    slow.get_event(&setup.app, &setup.event).await.unwrap();
}

#[tokio::test]
async fn the_sandbox_refuses_dates_the_client_could_not_read_back() {
    let setup = setup(&["events.post", "events.get"]).await;
    let url = format!(
        "{}/applications/{}/events",
        setup.sandbox.base_url(),
        setup.app
    );
    let post = |date: &'static str| {
        support::raw_http()
            .post(&url)
            .bearer_auth(&setup.token)
            .header("content-type", "application/json")
            .body(
                serde_json::json!({"level": "info", "subject": "s", "creationDate": date})
                    .to_string(),
            )
            .send()
    };
    // Valid RFC 3339, but year -1 in UTC, or a leap second.
    for date in [
        "0000-01-01T00:00:00.000+23:59",
        "9999-12-31T23:59:59.999-00:01",
        "2016-12-31T23:59:60.000Z",
    ] {
        let raw = post(date).await.unwrap();
        assert_eq!(raw.status(), 400, "{date}");
        let body: serde_json::Value = serde_json::from_slice(&raw.bytes().await.unwrap()).unwrap();
        assert_eq!(body["type"], "Validation");
        assert!(body["message"].as_str().unwrap().contains("creationDate"));
    }
    // The earliest and latest the API can write are kept, and every page reads back.
    for date in ["0000-01-01T23:59:00.000+23:59", "9999-12-31T23:59:59.999Z"] {
        assert_eq!(post(date).await.unwrap().status(), 201, "{date}");
    }
    let events = client(&setup)
        .get_events(&setup.app)
        .options(&losant_events::EventsQuery::default())
        .await
        .unwrap();
    let mut dates: Vec<String> = events
        .items
        .unwrap()
        .iter()
        .filter_map(|e| e.creation_date.map(|d| d.to_string()))
        .collect();
    dates.sort();
    assert_eq!(dates.first().unwrap(), "0000-01-01T00:00:00.000Z");
    assert_eq!(dates.last().unwrap(), "9999-12-31T23:59:59.999Z");
}

#[tokio::test]
async fn an_action_the_sandbox_does_not_serve_is_501_not_a_missing_resource() {
    use losant::prelude::*;
    let setup = setup(&["all.Application"]).await;
    let client = support::client_builder(setup.sandbox.base_url())
        .token(&setup.token)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let flow = "575ed18f7ae143cd83dc4aa6".parse().unwrap();
    let error = client.get_flow(&setup.app, &flow).await.unwrap_err();
    assert_eq!(error.status(), Some(501), "{error}");
    assert_eq!(error.api_error_type(), Some("NotImplemented"));
    let shown = error.to_string();
    // (The application's path is checked without its ID: the sandbox's tokens look
    // like its IDs, so the client's redactor may mask part of one.)
    assert!(
        shown.contains("NotImplemented: GET /applications/"),
        "{shown}"
    );
    assert!(
        shown.contains("/flows/575ed18f7ae143cd83dc4aa6 is not served by the sandbox"),
        "{shown}"
    );
}
