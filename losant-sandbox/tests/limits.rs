//! The sandbox under hostile input and load: what an application may hold, pages past
//! any count, the creation limit, slow and idle clients, a cap on connections, and
//! Losant's error shape on every error, whichever layer refuses.

use std::time::Duration;

use losant_core::{ApplicationId, Client, RetryPolicy};
use losant_events::{EventLevel, EventPost, EventsApi, EventsQuery};
use losant_sandbox::{NewEvent, Sandbox, ServerLimits};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SCOPES: [&str; 1] = ["all.Application"];

fn client(sandbox: &Sandbox, token: &str) -> Client {
    Client::builder()
        .token(token)
        .base_url(sandbox.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn events_url(sandbox: &Sandbox, app: &ApplicationId) -> String {
    format!("{}/applications/{app}/events", sandbox.base_url())
}

/// Sends a request and returns its status and JSON body (which must be Losant's shape
/// for errors).
async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.bytes().await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{status}: not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    if status >= 400 {
        assert_eq!(
            content_type.as_deref(),
            Some("application/json"),
            "{status} {body}"
        );
        assert!(
            body["type"].is_string() && body["message"].is_string(),
            "{status} {body}"
        );
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    }
    (status, body)
}

#[tokio::test]
async fn a_bulk_patch_that_would_overflow_the_application_changes_nothing() {
    let sandbox = Sandbox::builder()
        .max_application_bytes(400_000)
        .start()
        .await
        .unwrap();
    let app = sandbox.add_application("Bounded");
    let token = sandbox.add_token("ci", SCOPES);
    for i in 0..20 {
        sandbox.add_event(&app, NewEvent::new(EventLevel::Info, format!("event {i}")));
    }
    let before = sandbox.application_bytes(&app).unwrap();
    let http = http_client();
    // 20 events × 25 KB of data in their histories: 500 KB, over the bound.
    let data = json!({"blob": "x".repeat(25_000)});
    let (status, body) = send(
        http.patch(events_url(&sandbox, &app))
            .bearer_auth(&token)
            .json(&json!({"comment": "bulk", "data": data})),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["type"], "LimitExceeded");
    assert_eq!(sandbox.application_bytes(&app), Some(before));
    let listed = client(&sandbox, &token).get_events(&app).await.unwrap();
    let items = listed.items.unwrap();
    assert_eq!(items.len(), 20);
    assert!(items.iter().all(|e| e.updates.as_ref().unwrap().is_empty()));

    // Half the data fits: every event gets it.
    let data = json!({"blob": "x".repeat(12_000)});
    let (status, _) = send(
        http.patch(events_url(&sandbox, &app))
            .bearer_auth(&token)
            .json(&json!({"comment": "bulk", "data": data})),
    )
    .await;
    assert_eq!(status, 200);
    let bytes = sandbox.application_bytes(&app).unwrap();
    assert!(bytes > before + 20 * 12_000 && bytes <= 400_000, "{bytes}");
}

#[tokio::test]
async fn everything_an_application_holds_fits_one_answer_the_client_reads() {
    const BOUND: usize = 300_000;
    let sandbox = Sandbox::builder()
        .max_application_bytes(BOUND)
        .start()
        .await
        .unwrap();
    let app = sandbox.add_application("Full");
    let token = sandbox.add_token("ci", SCOPES);
    let http = http_client();
    let mut created = 0;
    loop {
        let (status, body) = send(
            http.post(events_url(&sandbox, &app))
                .bearer_auth(&token)
                .json(&json!({"level": "info", "subject": "s", "data": "d".repeat(9_000)})),
        )
        .await;
        if status == 413 {
            assert_eq!(body["type"], "LimitExceeded");
            break;
        }
        assert_eq!(status, 201, "{body}");
        created += 1;
        sandbox.set_creation_limit(None);
    }
    assert!(created >= 30, "{created}");
    // A client whose limit is the bound plus the envelope reads the whole application.
    let reader = Client::builder()
        .token(&token)
        .base_url(sandbox.base_url())
        .max_response_bytes(BOUND + 64 * 1024)
        .build()
        .unwrap();
    let all = reader
        .get_events(&app)
        .options(&EventsQuery::new().per_page(1000))
        .await
        .unwrap();
    assert_eq!(all.items.unwrap().len(), created);
    assert_eq!(
        losant_sandbox::DEFAULT_MAX_APPLICATION_BYTES + 64 * 1024,
        losant_core::DEFAULT_MAX_RESPONSE_BYTES
    );
}

// A current-thread runtime: the listing's serialization would hold the only thread if
// it ran on it, so the GET could not be answered before it.
#[tokio::test(flavor = "current_thread")]
async fn a_big_listing_does_not_hold_up_a_get_on_another_application() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.add_token("ci", SCOPES);
    let big = sandbox.add_application("Big");
    let small = sandbox.add_application("Small");
    let data: Value = (0..2_000).map(|i| json!({"n": i, "v": [i, i]})).collect();
    for i in 0..60 {
        sandbox.add_event(
            &big,
            NewEvent::new(EventLevel::Info, format!("big {i}")).data(data.clone()),
        );
    }
    let event = sandbox.add_event(&small, NewEvent::new(EventLevel::Info, "small"));
    let http = http_client();
    let listing = tokio::spawn(
        http.get(format!("{}?perPage=1000", events_url(&sandbox, &big)))
            .bearer_auth(&token)
            .send(),
    );
    // Wait until the listing has reached the sandbox.
    while sandbox.requests_seen() == 0 {
        tokio::task::yield_now().await;
    }
    let got = http
        .get(format!("{}/{event}", events_url(&sandbox, &small)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert!(
        !listing.is_finished(),
        "the listing answered before the small GET: nothing shows it did not block"
    );
    let listing = listing.await.unwrap().unwrap();
    assert_eq!(listing.status(), 200);
    let body: Value = listing.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 60);
}

#[tokio::test]
async fn pages_past_any_count_are_empty_and_numbers_past_u64_are_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Pages");
    let token = sandbox.add_token("ci", SCOPES);
    sandbox.add_event(&app, NewEvent::new(EventLevel::Info, "only"));
    let http = http_client();
    for (page, per_page) in [
        ("9223372036854775808", "100"),
        ("18446744073709551615", "1000"),
        ("1", "100"),
    ] {
        let (status, body) = send(
            http.get(events_url(&sandbox, &app))
                .query(&[("page", page), ("perPage", per_page)])
                .bearer_auth(&token),
        )
        .await;
        assert_eq!(status, 200, "{page}: {body}");
        assert_eq!(body["items"], json!([]), "{page}");
        assert_eq!(body["totalCount"], 1);
        assert_eq!(body["page"].to_string(), page);
    }
    let (status, body) = send(
        http.get(events_url(&sandbox, &app))
            .query(&[("page", "18446744073709551616")])
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn refused_creations_do_not_count_against_the_limit() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Creations");
    let token = sandbox.add_token("ci", SCOPES);
    let http = http_client();
    for _ in 0..15 {
        let (status, _) = send(
            http.post(events_url(&sandbox, &app))
                .bearer_auth(&token)
                .json(&json!({"level": "info"})),
        )
        .await;
        assert_eq!(status, 400);
    }
    let created = client(&sandbox, &token)
        .post_event(&app, &EventPost::new(EventLevel::Info, "valid"))
        .await
        .unwrap();
    assert_eq!(created.subject.as_deref(), Some("valid"));
}

fn short_limits() -> ServerLimits {
    let mut limits = ServerLimits::default();
    limits.header_timeout = Duration::from_millis(300);
    limits.body_timeout = Duration::from_millis(300);
    limits
}

/// Reads until the server closes the connection; what it sent before.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut received));
    // A reset ends the connection as well as a close does.
    let _ = read.await.expect("the sandbox kept the connection open");
    received
}

#[tokio::test]
async fn a_client_that_sends_its_headers_slowly_is_dropped() {
    let sandbox = Sandbox::builder()
        .limits(short_limits())
        .start()
        .await
        .unwrap();
    let addr = sandbox.base_url().trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /applications HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // The rest never comes: the header timeout closes the connection.
    let answer = read_until_closed(&mut slow).await;
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(sandbox.requests_seen(), 0);

    // An idle kept-alive connection is closed after the same time.
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut idle).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 501"), "{text}");
}

#[tokio::test]
async fn a_body_that_stops_arriving_gets_a_408() {
    let sandbox = Sandbox::builder()
        .limits(short_limits())
        .start()
        .await
        .unwrap();
    let app = sandbox.add_application("Slow");
    let token = sandbox.add_token("ci", SCOPES);
    let addr = sandbox.base_url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /applications/{app}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"level\":"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut stream).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    let body = &text[text.find("\r\n\r\n").unwrap() + 4..];
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["type"], "RequestTimeout");
}

#[tokio::test]
async fn connections_over_the_cap_wait_for_a_free_one() {
    let mut limits = ServerLimits::default();
    limits.max_connections = 2;
    let sandbox = Sandbox::builder().limits(limits).start().await.unwrap();
    let addr = sandbox.base_url().trim_start_matches("http://").to_owned();
    let first = TcpStream::connect(&addr).await.unwrap();
    let _second = TcpStream::connect(&addr).await.unwrap();
    let closed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = std::sync::Arc::clone(&closed);
    let url = format!("{}/nowhere", sandbox.base_url());
    let third = tokio::spawn(async move {
        let status = http_client().get(url).send().await.unwrap().status();
        (status, seen.load(std::sync::atomic::Ordering::SeqCst))
    });
    // Time enough for an uncapped server to answer the third at once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    closed.store(true, std::sync::atomic::Ordering::SeqCst);
    drop(first);
    let (status, after_a_slot_freed) = third.await.unwrap();
    assert_eq!(status, 501);
    assert!(
        after_a_slot_freed,
        "the third connection was served over the cap"
    );
}

#[tokio::test]
async fn authentication_comes_before_the_body() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Auth");
    let token = sandbox.add_token("ci", SCOPES);
    let http = http_client();
    let huge = vec![b' '; losant_core::DEFAULT_MAX_RESPONSE_BYTES + 1];
    let (status, body) = send(http.post(events_url(&sandbox, &app)).body(huge.clone())).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = send(
        http.post(events_url(&sandbox, &app))
            .bearer_auth(&token)
            .body(huge),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["type"], "PayloadTooLarge");
    // The scheme is case-insensitive.
    let (status, _) = send(
        http.get(events_url(&sandbox, &app))
            .header("authorization", format!("bEaReR {token}")),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn every_error_has_losants_shape() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Shapes");
    let token = sandbox.add_token("ci", SCOPES);
    let event = sandbox.add_event(&app, NewEvent::new(EventLevel::Info, "e"));
    let base = sandbox.base_url();
    let http = http_client();
    let cases = [
        (
            http.get(format!("{base}/applications/%zz/events"))
                .bearer_auth(&token),
            400,
        ),
        (
            http.put(format!("{base}/applications/{app}/events/{event}"))
                .bearer_auth(&token),
            405,
        ),
        (
            http.get(format!(
                "{base}/applications/{app}/events?filter={}",
                "x".repeat(20_000)
            ))
            .bearer_auth(&token),
            414,
        ),
        (
            (0..100).fold(http.get(events_url(&sandbox, &app)), |request, i| {
                request.header(format!("x-h{i}"), "v")
            }),
            431,
        ),
        (
            http.get(format!("{base}/no/such/route"))
                .bearer_auth(&token),
            501,
        ),
    ];
    for (request, expected) in cases {
        let (status, body) = send(request).await;
        assert_eq!(status, expected, "{body}");
    }
}

#[tokio::test]
async fn bodies_and_queries_are_held_to_their_schemas() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Schemas");
    let token = sandbox.add_token("ci", SCOPES);
    let http = http_client();
    let export = format!("{}/export", events_url(&sandbox, &app));
    let (status, body) = send(
        http.post(&export)
            .bearer_auth(&token)
            .json(&json!({"format": "xml"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = send(
        http.post(&export)
            .bearer_auth(&token)
            .json(&json!({"format": "json", "email": "ops@example.com"})),
    )
    .await;
    assert_eq!(status, 202);
    for query in [
        json!({"level": {"$in": "info"}}),
        json!({"eventTags": {"$gt": "a"}}),
        json!({"eventTags": {"$eq": {"$lte": "a"}}}),
    ] {
        let (status, body) = send(
            http.get(events_url(&sandbox, &app))
                .query(&[("query", query.to_string())])
                .bearer_auth(&token),
        )
        .await;
        assert_eq!(status, 400, "{query}: {body}");
    }
}

#[tokio::test]
async fn an_application_token_works_for_its_application_only() {
    let sandbox = Sandbox::start().await.unwrap();
    let own = sandbox.add_application("Own");
    let other = sandbox.add_application("Other");
    let token = sandbox.add_application_token(&own, "app token", SCOPES);
    let http = http_client();
    let (status, _) = send(http.get(events_url(&sandbox, &own)).bearer_auth(&token)).await;
    assert_eq!(status, 200);
    let (status, body) = send(http.get(events_url(&sandbox, &other)).bearer_auth(&token)).await;
    assert_eq!(status, 403, "{body}");
}

/// A plain reqwest client: reqwest is built without a crypto provider of its own, so
/// the one the losant client uses is installed first.
fn http_client() -> reqwest::Client {
    losant_core::install_crypto_provider();
    reqwest::Client::new()
}
