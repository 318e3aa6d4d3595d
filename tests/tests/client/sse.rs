//! Streams of server-sent events against a scripted server: messages in order with
//! keep-alives ignored, no whole-call timeout, the idle timeout, reconnection with
//! `Last-Event-ID` and its limits (none after a 401, none with reconnection off), the
//! message size limit, and the token scrubbed from what a stream yields.

use std::time::Duration;

use crate::support;

use losant_core::__private::{EndpointSpec, PathPart, RequestBuilder, endpoint};

use losant_core::stream::TryStreamExt;
use losant_core::{
    Auth, Client, Endpoint, Error, EventStream, Message, Method, Request, StreamSettings,
    TimeoutKind,
};
use support::{ScriptedServer, Step, TOKEN};

static STATE_STREAM: Endpoint = endpoint(EndpointSpec {
    name: "state_stream_device",
    method: Method::Get,
    path: "/applications/<app>/devices/<device>/stateStream",
    parts: &[PathPart::Literal(
        "/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2/stateStream",
    )],
    scope: "device.stateStream",
    accepted_scopes: &["device.stateStream"],
    auth: Auth::Token,
    read: true,
    idempotent: true,
});

fn request() -> Request {
    RequestBuilder::new(&STATE_STREAM, &[]).finish().unwrap()
}

/// A client whose call timeouts are far shorter than the streams of these tests.
fn client(server: &ScriptedServer) -> Client {
    support::client_builder(server.url())
        .attempt_timeout(Duration::from_millis(200))
        .overall_timeout(Duration::from_millis(200))
        .build()
        .unwrap()
}

fn quick() -> StreamSettings {
    StreamSettings::default()
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
        .idle_timeout(Duration::from_secs(5))
}

fn part(text: &str) -> (Duration, String) {
    (Duration::ZERO, text.to_owned())
}

async fn collect(stream: EventStream<'_, Message>) -> (Vec<Message>, Option<Error>) {
    let mut stream = stream;
    let mut messages = Vec::new();
    loop {
        match stream.try_next().await {
            Ok(Some(message)) => messages.push(message),
            Ok(None) => return (messages, None),
            Err(error) => return (messages, Some(error)),
        }
    }
}

#[tokio::test]
async fn messages_arrive_in_order_and_keep_alives_are_skipped() {
    let server = ScriptedServer::start(vec![Step::Events {
        parts: vec![
            part(": keep-alive\n\n"),
            part("event: deviceState\nid: 1\ndata: {\"data\":{\"temp\":21}}\n\n"),
            part(": keep-alive\n\nevent: deviceState\ndata: {\"data\":"),
            part("{\"temp\":22}}\n\n"),
            part("data: line one\ndata: line two\n\n"),
        ],
        hold: false,
    }])
    .await;
    let client = client(&server);
    let stream = EventStream::<Message>::open(&client, request(), quick().reconnect(false));
    let (messages, error) = collect(stream).await;
    let data: Vec<&str> = messages.iter().map(|m| m.data.as_str()).collect();
    assert_eq!(
        data,
        [
            r#"{"data":{"temp":21}}"#,
            r#"{"data":{"temp":22}}"#,
            "line one\nline two"
        ]
    );
    assert_eq!(messages[0].event.as_deref(), Some("deviceState"));
    assert_eq!(messages[0].id.as_deref(), Some("1"));
    assert_eq!(messages[2].event, None);
    // With reconnection off, the end of the stream is an error the caller sees.
    assert!(matches!(error, Some(Error::Transport(_))), "{error:?}");
    let sent = &server.requests()[0];
    // As the official client sends it: its own `Accept` over `EventSource`'s.
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn a_stream_outlives_the_call_timeouts() {
    let gap = Duration::from_millis(150);
    let server = ScriptedServer::start(vec![Step::Events {
        parts: (1..=3)
            .map(|n| (gap, format!("event: deviceState\ndata: {n}\n\n")))
            .collect(),
        hold: true,
    }])
    .await;
    let client = client(&server);
    let mut stream = EventStream::<Message>::open(&client, request(), quick());
    let started = std::time::Instant::now();
    for n in 1..=3 {
        let message = stream.try_next().await.unwrap().unwrap();
        assert_eq!(message.data, n.to_string());
    }
    // Past the 200 ms attempt and overall timeouts, and not cut.
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(stream.reconnects(), 0);
}

#[tokio::test]
async fn an_idle_stream_is_detected() {
    let server = ScriptedServer::start(vec![Step::Events {
        parts: vec![part("data: first\n\n")],
        hold: true,
    }])
    .await;
    let client = client(&server);
    let settings = quick()
        .reconnect(false)
        .idle_timeout(Duration::from_millis(300));
    let stream = EventStream::<Message>::open(&client, request(), settings);
    let (messages, error) = collect(stream).await;
    assert_eq!(messages.len(), 1);
    let Some(Error::Timeout(timeout)) = error else {
        panic!("{error:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::Idle);
}

#[tokio::test]
async fn a_dropped_stream_reconnects_with_the_last_event_id() {
    let server = ScriptedServer::start(vec![
        Step::Events {
            parts: vec![part("id: 41\ndata: a\n\n"), part("id: 42\ndata: b\n\n")],
            hold: false,
        },
        Step::ResetBeforeResponse,
        Step::Events {
            parts: vec![part("id: 43\ndata: c\n\n")],
            hold: true,
        },
    ])
    .await;
    let client = client(&server);
    let mut stream = EventStream::<Message>::open(&client, request(), quick());
    let mut data = Vec::new();
    for _ in 0..3 {
        data.push(stream.try_next().await.unwrap().unwrap().data);
    }
    assert_eq!(data, ["a", "b", "c"]);
    assert_eq!(stream.reconnects(), 2);
    let requests = server.requests();
    assert_eq!(requests[0].header("last-event-id"), None);
    assert_eq!(requests[1].header("last-event-id"), Some("42"));
    assert_eq!(requests[2].header("last-event-id"), Some("42"));
}

#[tokio::test]
async fn a_reconnection_answered_401_ends_the_stream() {
    let server = ScriptedServer::start(vec![
        Step::Events {
            parts: vec![part("data: a\n\n")],
            hold: false,
        },
        Step::json(
            401,
            &format!(r#"{{"type":"Unauthorized","message":"token {TOKEN} expired"}}"#),
        ),
    ])
    .await;
    let client = client(&server);
    let stream = EventStream::<Message>::open(&client, request(), quick());
    let (messages, error) = collect(stream).await;
    assert_eq!(messages.len(), 1);
    let Some(error) = error else {
        panic!("the stream should end with the 401")
    };
    assert_eq!(error.status(), Some(401), "{error}");
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    assert_eq!(server.request_count(), 2, "no retry after the 401");
}

#[tokio::test]
async fn a_first_connection_refused_is_an_error_not_a_retry() {
    let server = ScriptedServer::start(vec![Step::json(
        503,
        r#"{"type":"Unavailable","message":"down"}"#,
    )])
    .await;
    let client = client(&server);
    let stream = EventStream::<Message>::open(&client, request(), quick());
    let (messages, error) = collect(stream).await;
    assert!(messages.is_empty());
    assert_eq!(error.and_then(|e| e.status()), Some(503));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn reconnections_stop_at_their_limit() {
    let server = ScriptedServer::start(vec![
        Step::Events {
            parts: vec![part("data: a\n\n")],
            hold: false,
        },
        Step::ResetBeforeResponse,
        Step::ResetBeforeResponse,
    ])
    .await;
    let client = client(&server);
    let stream = EventStream::<Message>::open(&client, request(), quick().max_reconnects(2));
    let (messages, error) = collect(stream).await;
    assert_eq!(messages.len(), 1);
    assert!(matches!(error, Some(Error::Transport(_))), "{error:?}");
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_message_over_the_limit_ends_the_stream() {
    let big = "x".repeat(4096);
    let server = ScriptedServer::start(vec![Step::Events {
        parts: vec![
            part("data: small\n\n"),
            part(&format!("data: {big}")),
            part(&format!("{big}\n\n")),
        ],
        hold: true,
    }])
    .await;
    let client = client(&server);
    let settings = quick().max_message_bytes(6000);
    let stream = EventStream::<Message>::open(&client, request(), settings);
    let (messages, error) = collect(stream).await;
    assert_eq!(messages.len(), 1);
    let Some(Error::BodyTooLarge(too_large)) = error else {
        panic!("{error:?}");
    };
    assert_eq!(too_large.limit(), 6000);
    assert_eq!(
        server.request_count(),
        1,
        "a message over the limit is not retried"
    );
}

#[tokio::test]
async fn the_token_is_scrubbed_from_messages() {
    let server = ScriptedServer::start(vec![Step::Events {
        parts: vec![part(&format!("data: echo {TOKEN}\n\n"))],
        hold: true,
    }])
    .await;
    let client = client(&server);
    let mut stream = EventStream::<Message>::open(&client, request(), quick());
    let message = stream.try_next().await.unwrap().unwrap();
    assert_eq!(message.data, "echo [REDACTED]");
}

#[tokio::test]
async fn a_transport_that_does_not_stream_says_so() {
    struct Whole;
    #[losant_core::async_trait]
    impl losant_core::Transport for Whole {
        async fn send(&self, _: Request) -> losant_core::Result<losant_core::Response> {
            Ok(losant_core::Response::new(200, "{}"))
        }
    }
    let stream = EventStream::<Message>::open(&Whole, request(), quick());
    let (_, error) = collect(stream).await;
    let Some(Error::Config(error)) = error else {
        panic!("{error:?}");
    };
    assert!(
        error
            .to_string()
            .contains("state_stream_device answers with a stream"),
        "{error}"
    );
}

/// A stream action bound with the macro, as a user (or the generator) writes it.
#[losant_core::api]
trait StateStreams {
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/devices/<device>/stateStream",
        scope = "device.stateStream"
    )]
    async fn state_stream(
        &self,
        app: &losant_core::ApplicationId,
        device: &losant_core::DeviceId,
        #[query] keep_alive_interval: Option<u32>,
    ) -> losant_core::Result<EventStream<Message>>;
}

#[tokio::test]
async fn a_bound_stream_action_opens_on_await_with_its_settings() {
    use losant_core::StreamCall as _;
    let server = ScriptedServer::start(vec![
        Step::Events {
            parts: vec![part("event: deviceState\ndata: {}\n\n")],
            hold: false,
        },
        Step::json(
            404,
            r#"{"type":"NotFound","message":"Device was not found"}"#,
        ),
    ])
    .await;
    let client = client(&server);
    let app = support::app();
    let device: losant_core::DeviceId = "575ecf887ae143cd83dc4aa2".parse().unwrap();
    let mut stream = client
        .state_stream(&app, &device)
        .keep_alive_interval(10)
        .reconnect(false)
        .await
        .unwrap();
    assert_eq!(stream.try_next().await.unwrap().unwrap().data, "{}");
    // Reconnection is off: the end of the stream is an error, and nothing more is sent.
    assert!(matches!(stream.try_next().await, Err(Error::Transport(_))));
    assert_eq!(server.request_count(), 1);
    assert_eq!(
        server.requests()[0].target,
        "/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2/stateStream?keepAliveInterval=10"
    );
    // A first connection refused is the error of the `.await`.
    let error = client.state_stream(&app, &device).await.unwrap_err();
    assert_eq!(error.api_error_type(), Some("NotFound"));
}

#[tokio::test]
async fn a_test_double_answers_a_stream_action_with_items() {
    struct Canned;
    impl StateStreams for Canned {
        fn run_state_stream<'a>(
            &'a self,
            call: StateStream<'a>,
        ) -> losant_core::Reply<'a, EventStream<'a, Message>> {
            let data = format!("{}", call.device);
            losant_core::Reply::new(async move {
                Ok(EventStream::from_items([Ok(Message {
                    event: Some("deviceState".to_owned()),
                    data,
                    id: None,
                })]))
            })
        }
    }
    let double: std::sync::Arc<dyn StateStreams> = std::sync::Arc::new(Canned);
    let app = support::app();
    let device: losant_core::DeviceId = "575ecf887ae143cd83dc4aa2".parse().unwrap();
    let mut stream = double.state_stream(&app, &device).await.unwrap();
    let message = stream.try_next().await.unwrap().unwrap();
    assert_eq!(message.data, "575ecf887ae143cd83dc4aa2");
    assert!(stream.try_next().await.unwrap().is_none());
}
