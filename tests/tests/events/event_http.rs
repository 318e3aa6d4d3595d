//! The three Event operations against a mock server: what is sent, and how every
//! documented and undocumented answer is decoded.

use crate::support;

use chrono::{TimeZone, Utc};
use httpmock::prelude::*;
use losant_core::Timestamp;
use losant_core::{DeviceId, Error};
use losant_events::{EventApi, EventLevel, EventPatch, EventState, SourceType};
use support::*;

/// Every request carries these headers.
fn standard_headers(when: httpmock::When) -> httpmock::When {
    when.header("authorization", format!("Bearer {TOKEN}"))
        .header("accept", "application/json")
        .header("accept-version", "^1.30.0")
        .header("user-agent", USER_AGENT)
}

#[tokio::test]
async fn get_event_sends_exactly_the_documented_request_and_decodes_every_field() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            standard_headers(when.method(GET).path(EVENT_PATH))
                .header_missing("content-type")
                .header_missing("content-length")
                .header_missing("transfer-encoding");
            then.status(200)
                .header("content-type", "application/json")
                .body(EVENT_JSON);
        })
        .await;

    let event = client(&server.base_url())
        .get_event(&app(), &event())
        .await
        .unwrap();
    mock.assert_async().await;

    let june_13 = Timestamp::try_from(Utc.with_ymd_and_hms(2016, 6, 13, 4, 0, 0).unwrap()).unwrap();
    assert_eq!(event.id, Some(support::event()));
    assert_eq!(event.event_id, Some(support::event()));
    assert_eq!(event.application_id, Some(app()));
    assert_eq!(event.creation_date, Some(june_13));
    assert_eq!(event.last_updated, Some(june_13));
    assert_eq!(
        event.device_id,
        Some("575ecf887ae143cd83dc4aa2".parse::<DeviceId>().unwrap())
    );
    assert_eq!(event.device_name.as_deref(), Some("My Device"));
    assert_eq!(
        event
            .event_tags
            .as_ref()
            .and_then(|t| t.get("customKey"))
            .map(String::as_str),
        Some("customValue")
    );
    assert_eq!(event.level, Some(EventLevel::Info));
    assert_eq!(
        event.message.as_deref(),
        Some("Power levels on device 432 have surpassed critical thresholds")
    );
    assert_eq!(event.source_id.as_deref(), Some("575ed70c7ae143cd83dc4aa9"));
    assert_eq!(event.source_name.as_deref(), Some("hello@example.com"));
    assert_eq!(event.source_type, Some(SourceType::User));
    assert_eq!(event.state, Some(EventState::New));
    assert_eq!(event.subject.as_deref(), Some("Power levels critical"));
    assert_eq!(event.updates, Some(vec![]));
    assert_eq!(event.data, None);
    assert_eq!(event.disable_tag_change_tracking, None);
}

#[tokio::test]
async fn patch_event_sends_the_reference_body_bytes_and_decodes_the_change_records() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            standard_headers(when.method(PATCH).path(EVENT_PATH))
                .header("content-type", "application/json")
                .body(r#"{"state":"acknowledged","comment":"Looking into this issue"}"#);
            then.status(200).body(EVENT_ACKNOWLEDGED_JSON);
        })
        .await;

    let patch = EventPatch::new()
        .state(EventState::Acknowledged)
        .comment("Looking into this issue");
    let event = client(&server.base_url())
        .patch_event(&app(), &event(), &patch)
        .await
        .unwrap();
    mock.assert_async().await;

    assert_eq!(event.state, Some(EventState::Acknowledged));
    assert_eq!(
        event.last_updated,
        Some(
            Timestamp::try_from(
                Utc.with_ymd_and_hms(2016, 6, 14, 9, 30, 15).unwrap()
                    + chrono::Duration::milliseconds(250)
            )
            .unwrap()
        )
    );
    let updates = event.updates.unwrap();
    assert_eq!(updates.len(), 1);
    let update = &updates[0];
    assert_eq!(update.source_type, Some(SourceType::ApiToken));
    assert_eq!(update.source_name.as_deref(), Some("Operations token"));
    assert_eq!(update.comment.as_deref(), Some("Looking into this issue"));
    assert_eq!(update.state, Some(EventState::Acknowledged));
    let state_change = update.state_change.as_ref().unwrap();
    assert_eq!(
        (state_change.old.clone(), state_change.new.clone()),
        (Some(EventState::New), Some(EventState::Acknowledged))
    );
    let level_change = update.level_change.as_ref().unwrap();
    assert_eq!(level_change.new, Some(EventLevel::Critical));
    assert_eq!(
        update.subject_change.as_ref().unwrap().old.as_deref(),
        Some("Power low")
    );
    let device_change = update.device_id_change.as_ref().unwrap();
    assert_eq!(
        device_change.old,
        Some("575ecf887ae143cd83dc4aa2".parse().unwrap())
    );
    assert_eq!(device_change.new, None);
    assert_eq!(device_change.new_device_name.as_deref(), Some("Spare"));
    let zone = &update.tags_change.as_ref().unwrap()["zone"];
    assert_eq!(
        (zone.old.as_deref(), zone.new.as_deref()),
        (Some("a"), Some("b"))
    );
    assert_eq!(update.data, Some(serde_json::json!({"ticket": 42})));
}

#[tokio::test]
async fn patch_event_can_detach_the_device_with_null() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(EVENT_PATH)
                .body(r#"{"deviceId":null}"#);
            then.status(200).body(EVENT_JSON);
        })
        .await;
    client(&server.base_url())
        .patch_event(&app(), &event(), &EventPatch::new().clear_device_id())
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn delete_event_sends_no_body_and_decodes_success() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            standard_headers(when.method(DELETE).path(EVENT_PATH))
                .header_missing("content-type")
                .body("");
            then.status(200).body(r#"{"success":true}"#);
        })
        .await;
    let success = client(&server.base_url())
        .delete_event(&app(), &event())
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(success.is_success());
}

#[tokio::test]
async fn a_path_prefix_in_the_base_url_is_kept() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/losant/v1{EVENT_PATH}"));
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let client = client(&format!("{}/losant/v1/", server.base_url()));
    client.get_event(&app(), &event()).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn custom_user_agent_and_accept_version_are_sent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(EVENT_PATH)
                .header("user-agent", format!("fleet-monitor/2.1 {USER_AGENT}"))
                .header("accept-version", "^1.31.0");
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let client = support::client_builder(server.base_url())
        .user_agent("fleet-monitor/2.1")
        .accept_version("^1.31.0")
        .build()
        .unwrap();
    client.get_event(&app(), &event()).await.unwrap();
    mock.assert_async().await;
}

/// `get_event` against a server answering every request with `status` and `body`.
async fn get_answered(status: u16, body: &str) -> losant_core::Result<losant_events::Event> {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            then.status(status).body(body);
        })
        .await;
    client(&server.base_url()).get_event(&app(), &event()).await
}

async fn error_for(status: u16, body: &str) -> Error {
    get_answered(status, body).await.unwrap_err()
}

#[tokio::test]
async fn not_found_is_a_typed_api_error() {
    let error = error_for(404, NOT_FOUND_JSON).await;
    assert!(error.is_not_found());
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.api_error_type(), Some("NotFound"));
    let api = error.as_api().unwrap();
    assert_eq!(api.message(), Some("Event was not found"));
    assert_eq!(api.body().trim(), NOT_FOUND_JSON.trim());
    assert_eq!(
        error.endpoint().map(losant_core::Endpoint::name),
        Some("get_event")
    );
    assert_eq!(
        error.to_string(),
        "get_event failed with HTTP 404 Not Found: NotFound: Event was not found"
    );
}

#[tokio::test]
async fn bad_request_is_a_typed_api_error() {
    let error = error_for(400, BAD_REQUEST_JSON).await;
    assert!(error.is_bad_request());
    assert_eq!(error.api_error_type(), Some("Validation"));
    assert_eq!(
        error.as_api().unwrap().message(),
        Some("subject must NOT have more than 255 characters")
    );
}

#[tokio::test]
async fn unauthorized_forbidden_and_server_errors_are_typed() {
    let error = error_for(401, r#"{"type":"Unauthorized","message":"Unauthorized"}"#).await;
    assert!(error.is_unauthorized());
    assert_eq!(error.api_error_type(), Some("Unauthorized"));

    let error = error_for(403, r#"{"type":"Forbidden","message":"Forbidden"}"#).await;
    assert!(error.is_forbidden());

    let error = error_for(
        500,
        r#"{"type":"InternalError","message":"Something broke"}"#,
    )
    .await;
    assert!(error.is_server_error());
    assert_eq!(error.status(), Some(500));
    assert!(!error.is_not_found());
    // 500 is not retried.
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn an_html_502_page_keeps_its_status_and_body() {
    let error = error_for(502, BAD_GATEWAY_HTML).await;
    assert!(error.is_server_error());
    assert_eq!(error.status(), Some(502));
    let api = error.as_api().unwrap();
    assert_eq!(api.error_type(), None);
    assert_eq!(api.message(), None);
    assert!(api.body().contains("<h1>502 Bad Gateway</h1>"));
    assert!(!api.is_body_truncated());
    let shown = error.to_string();
    assert!(
        shown.starts_with("get_event failed with HTTP 502 Bad Gateway: <html>"),
        "{shown}"
    );
    assert!(!shown.contains('\n'), "{shown}");
    // A GET is retried on 502: three attempts, the last answer kept.
    assert_eq!(error.attempts(), 3);
    assert!(shown.ends_with("(after 3 attempts)"), "{shown}");
}

#[tokio::test]
async fn a_large_error_body_is_kept_only_in_part() {
    let body = format!("<html>{}</html>", "x".repeat(10_000));
    let error = error_for(503, &body).await;
    let api = error.as_api().unwrap();
    assert_eq!(api.body().len(), 4096);
    assert!(api.is_body_truncated());
}

#[tokio::test]
async fn unknown_fields_and_enum_values_are_tolerated() {
    let event = get_answered(200, EVENT_FUTURE_JSON).await.unwrap();
    assert_eq!(event.level, Some(EventLevel::Other("catastrophic".into())));
    assert_eq!(event.state, Some(EventState::Other("snoozed".into())));
    assert_eq!(
        event.source_type,
        Some(SourceType::Other("satellite".into()))
    );
    assert_eq!(event.subject.as_deref(), Some("From a newer API"));
    let updates = event.updates.unwrap();
    assert_eq!(
        updates[0].state_change.as_ref().unwrap().new,
        Some(EventState::Other("snoozed".into()))
    );
}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    let error = get_answered(
        200,
        r#"{"id":"575ed0de7ae143cd83dc4aa5","updates":[{"creationDate":"yesterday"}]}"#,
    )
    .await
    .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path(), "updates[0].creationDate");
    assert_eq!(decode.status(), 200);
    assert_eq!(decode.target(), "losant_events::model::Event");
    assert!(
        error.to_string().contains("at `updates[0].creationDate`"),
        "{error}"
    );
}

#[tokio::test]
async fn an_invalid_id_in_a_response_fails_at_its_path() {
    let error = get_answered(200, r#"{"applicationId":"not-hex"}"#)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path(), "applicationId");
    assert!(
        decode.message().contains("invalid ApplicationId"),
        "{}",
        decode.message()
    );
}

#[tokio::test]
async fn empty_and_truncated_success_bodies_are_decode_errors() {
    for (body, message) in [
        ("", "the response body is empty"),
        (r#"{"id":"575ed0de"#, "EOF while parsing"),
    ] {
        let error = get_answered(200, body).await.unwrap_err();
        let Error::Decode(decode) = &error else {
            panic!("{error:?}")
        };
        assert!(decode.message().contains(message), "{}", decode.message());
    }
}

#[tokio::test]
async fn a_patch_over_the_schema_limits_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let client = client(&server.base_url());
    for patch in [
        EventPatch::new().subject("s".repeat(256)),
        EventPatch::new().comment("c".repeat(32768)),
        EventPatch::new().tag("bad key", "v"),
        EventPatch::new().tag("k", "v".repeat(256)),
    ] {
        let error = client
            .patch_event(&app(), &event(), &patch)
            .await
            .unwrap_err();
        assert!(error.is_rejected_before_sending(), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with("invalid argument `patch` for patch_event: `"),
            "{error}"
        );
    }
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_token_without_the_scope_sends_nothing() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let client = support::client_builder(server.base_url())
        .granted_scopes(["event.get"])
        .build()
        .unwrap();
    let patch = EventPatch::new().state(EventState::Resolved);
    let error = client
        .patch_event(&app(), &event(), &patch)
        .await
        .unwrap_err();
    let Error::InsufficientScope(scope) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        scope.accepted(),
        [
            "all.Application",
            "all.Application.bounded",
            "all.Organization",
            "all.Organization.bounded",
            "all.User",
            "all.User.bounded",
            "event.*",
            "event.patch"
        ]
    );
    assert_eq!(scope.granted(), ["event.get"]);
    assert!(error.is_rejected_before_sending());
    mock.assert_calls_async(0).await;

    // The granted scope does allow reading.
    client.get_event(&app(), &event()).await.unwrap();
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200).body(EVENT_JSON);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            then.status(302)
                .header("location", server.url("/elsewhere"));
        })
        .await;
    let error = client(&server.base_url())
        .get_event(&app(), &event())
        .await
        .unwrap_err();
    let Error::Redirect(redirect) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(redirect.location(), Some(server.url("/elsewhere").as_str()));
    assert_eq!(error.status(), Some(302));
    elsewhere.assert_calls_async(0).await;
}

#[tokio::test]
async fn the_token_appears_in_no_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            // A broken proxy that echoes the request headers back.
            then.status(500)
                .body(format!("bad request: Authorization: Bearer {TOKEN}"));
        })
        .await;
    let client = client(&server.base_url());
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    assert!(error.as_api().unwrap().body().contains("Bearer [REDACTED]"));

    // Nothing listens on this port: a transport error.
    let closed = support::client_builder("http://127.0.0.1:9")
        .build()
        .unwrap();
    let error = closed.get_event(&app(), &event()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}

#[tokio::test]
async fn a_slow_server_hits_the_request_timeout() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            then.status(200)
                .body(EVENT_JSON)
                .delay(std::time::Duration::from_secs(5));
        })
        .await;
    let client = support::client_builder(server.base_url())
        .attempt_timeout(std::time::Duration::from_millis(200))
        .retry(losant_core::RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    let Error::Timeout(timeout) = &error else {
        unreachable!()
    };
    assert_eq!(timeout.kind(), losant_core::TimeoutKind::Attempt);
    assert_eq!(timeout.after(), Some(std::time::Duration::from_millis(200)));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let client = support::client_builder(server.base_url())
        .max_response_bytes(64)
        .build()
        .unwrap();
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    let Error::BodyTooLarge(too_large) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(too_large.limit(), 64);
}
