//! A token per handle: a client built without one serves only the actions that take
//! none, and `with_token` gives a handle on the same client that sends another token,
//! scrubs it from answers, and leaves the client it came from unchanged.

use crate::support;

use httpmock::prelude::*;
use losant_core::{Client, Error};
use losant_events::EventApi;
use support::*;

const DEVICE_TOKEN: &str = "device-token-9b7e1f4a2c";

fn anonymous(base_url: &str) -> Client {
    Client::builder()
        .without_token()
        .base_url(base_url)
        .global_params(losant_core::GlobalParams::NONE)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_client_without_a_token_refuses_token_actions_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200);
        })
        .await;
    let error = anonymous(&server.base_url())
        .get_event(&app(), &event())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("needs an API token"), "{error}");
    assert_eq!(any.calls_async().await, 0, "nothing was sent");
}

#[tokio::test]
async fn with_token_sends_the_new_token_and_leaves_the_client_unchanged() {
    let server = MockServer::start_async().await;
    let with_device_token = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(EVENT_PATH)
                .header("authorization", format!("Bearer {DEVICE_TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(EVENT_JSON);
        })
        .await;
    let client = anonymous(&server.base_url());
    let device = client.with_token(DEVICE_TOKEN).unwrap();
    device.get_event(&app(), &event()).await.unwrap();
    with_device_token.assert_async().await;
    with_device_token.delete_async().await;
    // The client it came from still has no token.
    assert!(matches!(
        client.get_event(&app(), &event()).await.unwrap_err(),
        Error::Config(_)
    ));
    // A handle's other settings carry over, and its token replaces the client's.
    let tagged_mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(EVENT_PATH)
                .header("x-tenant", "t1")
                .header("authorization", format!("Bearer {DEVICE_TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(EVENT_JSON);
        })
        .await;
    let both = client
        .with_header("x-tenant", "t1")
        .unwrap()
        .with_token(DEVICE_TOKEN)
        .unwrap();
    both.get_event(&app(), &event()).await.unwrap();
    tagged_mock.assert_async().await;
}

#[tokio::test]
async fn the_new_token_is_scrubbed_from_answers_and_errors() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            then.status(400)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"type":"Validation","message":"bad token {DEVICE_TOKEN}"}}"#
                ));
        })
        .await;
    let device = anonymous(&server.base_url())
        .with_token(DEVICE_TOKEN)
        .unwrap();
    let error = device.get_event(&app(), &event()).await.unwrap_err();
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{device:?}"),
    ] {
        assert!(!shown.contains(DEVICE_TOKEN), "{shown}");
    }
    assert!(error.to_string().contains("[REDACTED]"), "{error}");
}

#[tokio::test]
async fn the_clients_granted_scopes_do_not_judge_another_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            then.status(200)
                .header("content-type", "application/json")
                .body(EVENT_JSON);
        })
        .await;
    let client = client_builder(server.base_url())
        .granted_scopes(["device.get"])
        .build()
        .unwrap();
    assert!(matches!(
        client.get_event(&app(), &event()).await.unwrap_err(),
        Error::InsufficientScope(_)
    ));
    let device = client.with_token(DEVICE_TOKEN).unwrap();
    device.get_event(&app(), &event()).await.unwrap();
    mock.assert_async().await;
}

#[test]
fn an_empty_or_malformed_token_is_refused_without_echoing_it() {
    let client = Client::builder().without_token().build().unwrap();
    assert!(matches!(
        client.with_token(" ").unwrap_err(),
        Error::Config(_)
    ));
    let error = client.with_token("bad\nsecret-abc").unwrap_err();
    assert!(!error.to_string().contains("secret-abc"), "{error}");
}

#[test]
fn a_builder_is_clone_and_builds_clients_of_the_same_settings() {
    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .without_token();
    let a = builder.clone().token("token-a").build().unwrap();
    let b = builder.token("token-b").build().unwrap();
    assert_eq!(a.base_url(), b.base_url());
}
