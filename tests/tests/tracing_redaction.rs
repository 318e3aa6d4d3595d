//! Everything the client and its HTTP stack log at TRACE, over a run of faults and
//! over the device workflow against the sandbox (sign-in, the device's token, state,
//! a live stream, an upload, a refusal), never contains a token or an access key's
//! secret; and the call span carries endpoint, method, path template, attempt, status
//! and latency.
//!
//! A target of its own: it installs the process-wide subscriber, which would also
//! capture every other test running beside it.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use losant_core::{Client, RetryPolicy};
use losant_events::{EventApi, EventPatch, EventState};
use support::{ScriptedServer, Step};

/// A long, distinctive token: any leak of it, or of its start, is easy to find.
const TOKEN: &str = "tok-SECRET-8b1f0c7e2d9a4c65b3e1f0a9d8c7b6a5-end";
const EVENT_JSON: &str = r#"{"id":"575ed0de7ae143cd83dc4aa5","state":"new","subject":"s"}"#;

/// The device workflow's secrets: the application token, the access key's secret
/// and the device's token, once the sandbox gave them.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The device workflow against the sandbox, at TRACE: its failures.
async fn device_workflow() -> Vec<losant::Error> {
    use losant::auth::DeviceCredentials;
    use losant::device::{DeviceState, DeviceStateOrStates};
    use losant::file::{FilePost, FileType};
    use losant::prelude::*;
    use losant::{FilePart, OneOrMany};
    use losant_sandbox::{NewAccessKey, NewDevice, Sandbox};

    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Traced");
    let pump = sandbox.add_device(&app, NewDevice::new("Pump"));
    let other = sandbox.add_device(&app, NewDevice::new("Other"));
    let key = sandbox.add_access_key(&app, NewAccessKey::all_devices());
    let admin_token = sandbox.add_application_token(&app, "admin", ["all.Application"]);
    SECRETS
        .lock()
        .unwrap()
        .extend([admin_token.clone(), key.secret().to_owned()]);
    let anonymous = support::client_builder(sandbox.base_url())
        .without_token()
        .build()
        .unwrap();
    let session = anonymous
        .authenticate_device(&DeviceCredentials::new(pump, key.key(), key.secret()))
        .await
        .unwrap();
    SECRETS
        .lock()
        .unwrap()
        .push(session.authed.token.expose().to_owned());
    assert!(!format!("{session:?}").contains(session.authed.token.expose()));
    let admin = support::client_builder(sandbox.base_url())
        .token(&admin_token)
        .build()
        .unwrap();
    let mut states = admin.state_stream_device(&app, &pump).await.unwrap();
    let state = DeviceStateOrStates(OneOrMany::One(DeviceState::new([(
        "t",
        serde_json::json!(1),
    )])));
    session
        .client
        .send_state_device(&app, &pump, &state)
        .await
        .unwrap();
    states.try_next().await.unwrap().unwrap();
    drop(states);
    let file = admin
        .post_files(&app, &FilePost::new("a.csv", FileType::File))
        .await
        .unwrap();
    let file = file["id"].as_str().unwrap().parse().unwrap();
    admin
        .upload_file(&app, &file, FilePart::bytes("a,b\n"))
        .await
        .unwrap();
    let mut errors = Vec::new();
    // The device's token on another device, and a wrong secret.
    errors.extend(
        session
            .client
            .send_state_device(&app, &other, &state)
            .await
            .err(),
    );
    let wrong = DeviceCredentials::new(pump, key.key(), "wrong-secret-value");
    errors.extend(anonymous.authenticate_device(&wrong).await.err());
    assert_eq!(errors.len(), 2);
    sandbox.stop().await;
    errors
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_at_any_level_contains_the_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .unwrap();

    let app = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let event = "575ed0de7ae143cd83dc4aa5".parse().unwrap();
    let echo = format!("Authorization: Bearer {TOKEN}");
    let body = EVENT_JSON.as_bytes().to_vec();
    let elsewhere = ScriptedServer::always(Step::json(200, EVENT_JSON)).await;
    let script = vec![
        Step::json(200, EVENT_JSON),
        Step::json(503, "{}"),
        Step::json(200, EVENT_JSON),
        Step::ResetBeforeResponse,
        Step::json(200, EVENT_JSON),
        Step::ResetMidBody {
            status: 200,
            body: body.clone(),
            sent: 10,
        },
        Step::json(200, EVENT_JSON),
        Step::with_headers(429, &[("retry-after", "1")], &echo),
        Step::json(200, EVENT_JSON),
        Step::json(
            401,
            &format!(r#"{{"type":"Unauthorized","message":"bad token {TOKEN}"}}"#),
        ),
        Step::json(200, "{not json"),
        Step::with_headers(302, &[("location", &elsewhere.url())], ""),
        Step::Drip {
            status: 200,
            body,
            chunk: 8,
            delay: Duration::from_millis(1),
        },
        Step::NeverAnswer,
    ];
    let server = ScriptedServer::start(script).await;
    let client = support::client_builder(server.url())
        .token(TOKEN)
        .attempt_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::default().max_attempts(2))
        .build()
        .unwrap();

    let mut errors = device_workflow().await;
    for _ in 0..9 {
        if let Err(error) = client.get_event(&app, &event).await {
            errors.push(error);
        }
    }
    let patch = EventPatch::new().state(EventState::Resolved).comment("c");
    if let Err(error) = client.patch_event(&app, &event, &patch).await {
        errors.push(error);
    }
    assert!(!errors.is_empty());

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("endpoint=\"state_stream_device\""), "{log}");
    assert!(log.contains("endpoint=\"upload_file\""), "{log}");
    for secret in SECRETS.lock().unwrap().iter() {
        assert!(
            !log.contains(secret.as_str()),
            "a secret leaked into the logs"
        );
        for error in &errors {
            for shown in [error.to_string(), format!("{error:?}")] {
                assert!(!shown.contains(secret.as_str()), "{shown}");
            }
        }
    }
    assert!(log.contains("losant.request"), "no call span in:\n{log}");
    assert!(log.contains("endpoint=\"get_event\""), "{log}");
    assert!(
        log.contains("path=\"/applications/<app>/events/<event>\""),
        "{log}"
    );
    assert!(log.contains("attempt=2"), "{log}");
    assert!(log.contains("status=503"), "{log}");
    assert!(log.contains("latency_ms="), "{log}");
    // The HTTP stack's own TRACE output was captured too.
    assert!(log.contains("TRACE"), "{log}");
    assert!(!log.contains(TOKEN), "the token leaked into the logs");
    assert!(
        !log.contains("8b1f0c7e2d9a4c65"),
        "part of the token leaked into the logs"
    );

    for error in &errors {
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains(TOKEN), "{shown}");
        }
    }
    for shown in [
        format!("{client:?}"),
        format!("{:?}", Client::builder().token(TOKEN)),
    ] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}
