//! The fault suite: the client against a scripted loopback server that fails in every
//! way a real network and a busy API do, and against bad input. No test asserts on
//! wall-clock time: the retry waits are recorded through `ClientBuilder::sleeper`.

use crate::support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use losant_core::{Error, EventId, Result, RetryPolicy, TimeoutKind, api};
use losant_events::{EventApi, EventPatch, EventState};
use support::{
    EVENT, EVENT_JSON, EVENT_PATH, ScriptedServer, Step, Waits, app, event, recording_client, waits,
};

const HTML_502: &str =
    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";

/// Bindings with free-form path values and POSTs of both kinds.
#[api]
trait ThingsApi {
    /// A plain-text path value.
    #[endpoint(method = "GET", path = "/files/<name>", scope = "file.get")]
    async fn get_file(&self, name: &str) -> Result<serde_json::Value>;

    /// A POST that is not safe to repeat.
    #[endpoint(method = "POST", path = "/things", scope = "things.post")]
    async fn create_thing(&self, #[body] thing: &serde_json::Value) -> Result<serde_json::Value>;

    /// A POST declared safe to repeat.
    #[endpoint(
        method = "POST",
        path = "/things/search",
        scope = "things.search",
        idempotent = true,
        read = true
    )]
    async fn search_things(&self, #[body] query: &serde_json::Value) -> Result<serde_json::Value>;
}

#[tokio::test]
async fn get_is_retried_on_503_then_succeeds() {
    let server =
        ScriptedServer::start(vec![Step::json(503, "{}"), Step::json(200, EVENT_JSON)]).await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    let got = client.get_event(&app(), &event()).await.unwrap();
    assert_eq!(got.id, Some(event()));
    assert_eq!(server.request_count(), 2);
    let waits = waits(&recorded);
    assert_eq!(waits.len(), 1);
    assert!(waits[0] <= Duration::from_millis(200), "{waits:?}");
    // Both attempts carried the same request.
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.target == EVENT_PATH && r.method == "GET")
    );
}

#[tokio::test]
async fn patch_is_not_retried_on_503() {
    let server =
        ScriptedServer::start(vec![Step::json(503, "{}"), Step::json(200, EVENT_JSON)]).await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    let patch = EventPatch::new().state(EventState::Resolved);
    let error = client
        .patch_event(&app(), &event(), &patch)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.request_count(), 1);
    assert!(waits(&recorded).is_empty());
}

#[tokio::test]
async fn a_sequence_of_retryable_statuses_backs_off_exponentially() {
    let server = ScriptedServer::start(vec![
        Step::json(502, "{}"),
        Step::json(504, "{}"),
        Step::json(429, "{}"),
        Step::json(200, EVENT_JSON),
    ])
    .await;
    let policy = RetryPolicy::default()
        .max_attempts(4)
        .jitter(false)
        .base_delay(Duration::from_millis(100));
    let (client, recorded) = recording_client(&server.url(), policy);
    client.get_event(&app(), &event()).await.unwrap();
    assert_eq!(server.request_count(), 4);
    assert_eq!(
        waits(&recorded),
        [
            Duration::from_millis(100),
            Duration::from_millis(200),
            Duration::from_millis(400)
        ]
    );
}

#[tokio::test]
async fn the_last_answer_is_kept_after_the_last_attempt() {
    let server = ScriptedServer::start(vec![
        Step::json(503, r#"{"type":"Busy","message":"first"}"#),
        Step::json(503, r#"{"type":"Busy","message":"second"}"#),
        Step::json(503, r#"{"type":"Busy","message":"third"}"#),
        Step::json(200, EVENT_JSON),
    ])
    .await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    assert_eq!(server.request_count(), 3);
    assert_eq!(waits(&recorded).len(), 2);
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.as_api().unwrap().message(), Some("third"));
    assert!(error.to_string().ends_with("(after 3 attempts)"), "{error}");
}

#[tokio::test]
async fn an_html_502_page_is_retried_then_kept() {
    let server = ScriptedServer::always(Step::Respond {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: HTML_502.as_bytes().to_vec(),
    })
    .await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    assert_eq!(server.request_count(), 3);
    let api = error.as_api().unwrap();
    assert_eq!(api.status(), 502);
    assert_eq!(api.error_type(), None);
    assert!(api.body().contains("<h1>502 Bad Gateway</h1>"));
}

#[tokio::test]
async fn a_reset_before_the_response_is_retried_for_get_only() {
    let server =
        ScriptedServer::start(vec![Step::ResetBeforeResponse, Step::json(200, EVENT_JSON)]).await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    client.get_event(&app(), &event()).await.unwrap();
    assert_eq!(server.request_count(), 2);
    assert_eq!(waits(&recorded).len(), 1);

    let server =
        ScriptedServer::start(vec![Step::ResetBeforeResponse, Step::json(200, EVENT_JSON)]).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());
    let patch = EventPatch::new().comment("once");
    let error = client
        .patch_event(&app(), &event(), &patch)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_reset_in_the_middle_of_the_body_is_a_transport_error_then_retried() {
    let body = EVENT_JSON.as_bytes().to_vec();
    let cut = Step::ResetMidBody {
        status: 200,
        body: body.clone(),
        sent: body.len() / 2,
    };

    let server = ScriptedServer::start(vec![cut.clone()]).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::none());
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.request_count(), 1);

    let server = ScriptedServer::start(vec![cut, Step::json(200, EVENT_JSON)]).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());
    client.get_event(&app(), &event()).await.unwrap();
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_silent_server_hits_the_attempt_timeout_on_every_attempt() {
    let server = ScriptedServer::always(Step::NeverAnswer).await;
    let waits: Waits = Arc::default();
    let seen = Arc::clone(&waits);
    let client = support::client_builder(server.url())
        .attempt_timeout(Duration::from_millis(100))
        .retry(RetryPolicy::default().max_attempts(2))
        .sleeper(move |d| {
            seen.lock().unwrap().push(d);
            Box::pin(async {})
        })
        .build()
        .unwrap();
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.kind(), TimeoutKind::Attempt);
    assert_eq!(timeout.after(), Some(Duration::from_millis(100)));
    assert_eq!(error.attempts(), 2);
    assert_eq!(server.request_count(), 2);
    assert_eq!(waits.lock().unwrap().len(), 1);
}

/// A client of `server` sending through a reqwest client of one's own with a total
/// timeout of 200 ms, and the default retry policy.
fn client_with_its_own_timeout(server: &ScriptedServer) -> losant_core::Client {
    losant_core::install_crypto_provider();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    support::client_builder(server.url())
        .http_client(http)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_write_whose_answer_times_out_in_ones_own_client_is_sent_once() {
    let patch = EventPatch::new().state(EventState::Acknowledged);
    let thing = serde_json::json!({"name": "pump"});
    for method in ["PATCH", "POST"] {
        let server = ScriptedServer::always(Step::NeverAnswer).await;
        let client = client_with_its_own_timeout(&server);
        let error = match method {
            "PATCH" => client.patch_event(&app(), &event(), &patch).await.map(drop),
            _ => client.create_thing(&thing).await.map(drop),
        }
        .unwrap_err();
        let Error::Timeout(timeout) = &error else {
            panic!("{method}: {error:?}")
        };
        // Not a connect timeout: the request was sent, and may have been processed.
        assert_eq!(timeout.kind(), TimeoutKind::HttpClient, "{method}");
        assert_eq!(timeout.after(), None, "{method}");
        assert!(!error.to_string().contains("connect"), "{method}: {error}");
        assert!(
            error.to_string().contains("`timeout` or `read_timeout`"),
            "{error}"
        );
        assert_eq!(server.request_count(), 1, "{method} was sent again");
        assert_eq!(error.attempts(), 1);
    }

    // A read is idempotent: trying again is safe.
    let server = ScriptedServer::always(Step::NeverAnswer).await;
    let client = client_with_its_own_timeout(&server);
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    assert!(matches!(&error, Error::Timeout(t) if t.kind() == TimeoutKind::HttpClient));
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn durations_too_large_to_reckon_mean_no_limit_and_never_panic() {
    let server = ScriptedServer::always(Step::json(200, EVENT_JSON)).await;
    let client = support::client_builder(server.url())
        .connect_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .overall_timeout(Duration::MAX)
        .retry(
            RetryPolicy::default()
                .base_delay(Duration::MAX)
                .max_delay(Duration::MAX)
                .max_retry_after(Duration::MAX),
        )
        .max_concurrent_requests(usize::MAX)
        .rate_limit(losant_core::RateLimit::new(usize::MAX, Duration::MAX))
        .build()
        .unwrap();
    for _ in 0..3 {
        client.get_event(&app(), &event()).await.unwrap();
        client
            .with_timeout(Duration::MAX)
            .get_event(&app(), &event())
            .await
            .unwrap();
    }
    assert_eq!(server.request_count(), 6);
}

#[tokio::test]
async fn a_retry_after_too_long_to_reckon_ends_the_call_without_a_panic() {
    let answer = Step::with_headers(503, &[("retry-after", "18446744073709551615")], "{}");
    let policy = RetryPolicy::default().max_retry_after(Duration::MAX);

    // Within a deadline, the wait cannot end before it: the call ends at once.
    let server = ScriptedServer::always(answer.clone()).await;
    let (client, waits) = recording_client(&server.url(), policy.clone());
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Timeout(t) if t.kind() == TimeoutKind::Overall),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 1);
    assert!(support::waits(&waits).is_empty());

    // Without one, the wait is asked for as the server said.
    let server = ScriptedServer::always(answer).await;
    let (client, waits) = recording_client(&server.url(), policy);
    let error = client
        .with_timeout(None)
        .get_event(&app(), &event())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503), "{error:?}");
    assert_eq!(support::waits(&waits), [Duration::from_secs(u64::MAX); 2]);
}

#[tokio::test]
async fn waiting_for_a_slot_counts_against_the_overall_timeout() {
    let server = ScriptedServer::always(Step::NeverAnswer).await;
    let client = support::client_builder(server.url())
        .max_concurrent_requests(1)
        .attempt_timeout(Duration::from_secs(3600))
        .overall_timeout(Duration::from_secs(3600))
        .build()
        .unwrap();
    let holder = tokio::spawn({
        let client = client.clone();
        async move { client.get_event(&app(), &event()).await }
    });
    while server.request_count() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The one slot is held by a call that never ends: the next waits within its
    // deadline, and nothing of it is sent.
    let (app, id) = (app(), event());
    let quick = client.with_timeout(Duration::from_millis(200));
    let waiting = tokio::time::timeout(Duration::from_secs(60), quick.get_event(&app, &id));
    let error = waiting
        .await
        .expect("the wait for a slot ends at the overall timeout")
        .unwrap_err();
    assert!(
        matches!(&error, Error::Timeout(t) if t.kind() == TimeoutKind::Overall),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 0);
    assert_eq!(server.request_count(), 1);
    holder.abort();
}

#[tokio::test]
async fn the_overall_timeout_ends_the_call_and_says_so() {
    let server = ScriptedServer::always(Step::NeverAnswer).await;
    let client = support::client_builder(server.url())
        .attempt_timeout(Duration::from_secs(30))
        .overall_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.kind(), TimeoutKind::Overall);
    assert!(error.to_string().contains("overall timeout"), "{error}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn no_retry_wait_runs_past_the_overall_deadline() {
    let server =
        ScriptedServer::always(Step::with_headers(503, &[("retry-after", "20")], "{}")).await;
    let client = support::client_builder(server.url())
        .overall_timeout(Duration::from_secs(5))
        .sleeper(|_| panic!("the client slept past its deadline"))
        .build()
        .unwrap();
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    assert_eq!(error.attempts(), 1);
    assert!(
        matches!(&error, Error::Timeout(t) if t.kind() == TimeoutKind::Overall),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_dripping_body_is_read_when_it_fits_the_attempt_timeout() {
    let body = EVENT_JSON.as_bytes().to_vec();
    let drip = |delay| Step::Drip {
        status: 200,
        body: body.clone(),
        chunk: 64,
        delay,
    };

    let server = ScriptedServer::start(vec![drip(Duration::from_millis(5))]).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::none());
    assert_eq!(
        client.get_event(&app(), &event()).await.unwrap().id,
        Some(event())
    );

    let server = ScriptedServer::start(vec![drip(Duration::from_millis(200))]).await;
    let slow = support::client_builder(server.url())
        .attempt_timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = slow.get_event(&app(), &event()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Timeout(t) if t.kind() == TimeoutKind::Attempt),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_while_reading() {
    let big = vec![b' '; 300 * 1024];
    for step in [
        Step::Chunked {
            status: 200,
            body: big.clone(),
            chunk: 16 * 1024,
        },
        Step::Respond {
            status: 200,
            headers: vec![],
            body: big.clone(),
        },
    ] {
        let server = ScriptedServer::start(vec![step, Step::json(200, EVENT_JSON)]).await;
        let client = support::client_builder(server.url())
            .max_response_bytes(64 * 1024)
            .build()
            .unwrap();
        let error = client.get_event(&app(), &event()).await.unwrap_err();
        let Error::BodyTooLarge(too_large) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(too_large.limit(), 64 * 1024);
        assert_eq!(
            server.request_count(),
            1,
            "a body over the limit is not retried"
        );
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_and_not_retried() {
    let server =
        ScriptedServer::start(vec![Step::json(200, &EVENT_JSON[..EVENT_JSON.len() / 2])]).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert!(decode.message().contains("EOF"), "{}", decode.message());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn retry_after_in_seconds_is_waited_exactly() {
    let server = ScriptedServer::start(vec![
        Step::with_headers(
            429,
            &[("retry-after", "2")],
            r#"{"type":"RateLimit","message":"Over rate limit, request throttled"}"#,
        ),
        Step::json(200, EVENT_JSON),
    ])
    .await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    client.get_event(&app(), &event()).await.unwrap();
    assert_eq!(waits(&recorded), [Duration::from_secs(2)]);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_until_then() {
    let at = httpdate_in(Duration::from_secs(4));
    let server = ScriptedServer::start(vec![
        Step::with_headers(503, &[("retry-after", &at)], "{}"),
        Step::json(200, EVENT_JSON),
    ])
    .await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    client.get_event(&app(), &event()).await.unwrap();
    let waits = waits(&recorded);
    assert_eq!(waits.len(), 1);
    // The date has a resolution of one second.
    assert!(
        waits[0] > Duration::from_secs(2) && waits[0] <= Duration::from_secs(4),
        "{waits:?}"
    );
}

fn httpdate_in(delay: Duration) -> String {
    // RFC 7231 IMF-fixdate, built by hand to keep the test independent of the client.
    let secs = (SystemTime::now() + delay)
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let datetime = chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap(), 0).unwrap();
    datetime.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_ends_the_call_with_a_rate_limit_error() {
    let server = ScriptedServer::always(Step::with_headers(
        429,
        &[("retry-after", "120")],
        r#"{"type":"RateLimit","message":"Over rate limit, request throttled"}"#,
    ))
    .await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    let Error::RateLimited(limited) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(limited.retry_after(), Duration::from_secs(120));
    assert_eq!(limited.status(), 429);
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert!(waits(&recorded).is_empty(), "the client slept");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_429_that_says_when_is_retried_for_a_post_and_other_refusals_are_not() {
    // The server refused the creation without processing it and said when to come
    // back: the POST is sent again after that wait.
    let server = ScriptedServer::start(vec![
        Step::with_headers(
            429,
            &[("retry-after", "3")],
            r#"{"type":"RateLimit","message":"Over rate limit, request throttled"}"#,
        ),
        Step::json(200, "{}"),
    ])
    .await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    client
        .create_thing(&serde_json::json!({"a": 1}))
        .await
        .unwrap();
    assert_eq!(server.request_count(), 2);
    assert_eq!(waits(&recorded), [Duration::from_secs(3)]);

    // Without `Retry-After`, a 429 to a POST ends the call: nothing says the request
    // was not processed, nor when to come back.
    let server = ScriptedServer::start(vec![
        Step::json(
            429,
            r#"{"type":"RateLimit","message":"Over rate limit, request throttled"}"#,
        ),
        Step::json(200, "{}"),
    ])
    .await;
    let (client, recorded) = recording_client(&server.url(), RetryPolicy::default());
    let error = client
        .create_thing(&serde_json::json!({"a": 1}))
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(
        error.as_api().unwrap().message(),
        Some("Over rate limit, request throttled")
    );
    assert_eq!(server.request_count(), 1);
    assert!(waits(&recorded).is_empty());

    // A 503 to a POST may have been processed: not retried...
    let server = ScriptedServer::start(vec![Step::json(503, "{}"), Step::json(200, "{}")]).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());
    assert!(client.create_thing(&serde_json::json!({})).await.is_err());
    assert_eq!(server.request_count(), 1);
    // ...unless the endpoint is declared idempotent.
    let server = ScriptedServer::start(vec![Step::json(503, "{}"), Step::json(200, "{}")]).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());
    client.search_things(&serde_json::json!({})).await.unwrap();
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_post() {
    // A port with nothing listening: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (client, recorded) =
        recording_client(&format!("http://127.0.0.1:{port}"), RetryPolicy::default());
    let error = client
        .create_thing(&serde_json::json!({"a": 1}))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("nothing was sent"), "{error}");
    assert_eq!(waits(&recorded).len(), 2);
}

#[tokio::test]
async fn a_redirect_to_another_server_is_not_followed() {
    let elsewhere = ScriptedServer::always(Step::json(200, EVENT_JSON)).await;
    let location = format!("{}{EVENT_PATH}", elsewhere.url());
    let server =
        ScriptedServer::always(Step::with_headers(307, &[("location", &location)], "")).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    let Error::Redirect(redirect) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(redirect.location(), Some(location.as_str()));
    assert!(error.to_string().contains(&location), "{error}");
    assert_eq!(server.request_count(), 1);
    // The second server never saw the request, so never saw the token.
    assert_eq!(elsewhere.request_count(), 0);
    assert!(
        elsewhere
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );
}

#[tokio::test]
async fn bad_input_sends_nothing() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());

    for bad in [
        "",
        "575ed0de7ae143cd83dc4aa",
        "575ed0de7ae143cd83dc4aa55",
        "575ed0de7ae143cd83dc4aaz",
        "575ed0de7ae143cd83dc4aé",
        " 575ed0de7ae143cd83dc4aa5",
    ] {
        let error = bad.parse::<EventId>().unwrap_err();
        assert_eq!(error.kind(), "EventId");
    }
    for bad in ["", ".", ".."] {
        let error = client.get_file(bad).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidArgument(_)),
            "{bad:?}: {error:?}"
        );
        assert_eq!(error.attempts(), 0);
    }
    for patch in [
        EventPatch::new().subject(""),
        EventPatch::new().subject("s".repeat(256)),
        EventPatch::new().comment("c".repeat(32768)),
        EventPatch::new().tag("no spaces", "v"),
        EventPatch::new().tag("k", ""),
    ] {
        let error = client
            .patch_event(&app(), &event(), &patch)
            .await
            .unwrap_err();
        assert!(error.is_rejected_before_sending(), "{error:?}");
    }
    let scoped = support::client_builder(server.url())
        .granted_scopes(["event.get"])
        .build()
        .unwrap();
    assert!(
        scoped
            .delete_event(&app(), &event())
            .await
            .unwrap_err()
            .is_rejected_before_sending()
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn structural_characters_in_a_path_value_stay_inside_one_segment() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::default());
    let cases = [
        ("a/b", "/files/a%2Fb"),
        ("?x", "/files/%3Fx"),
        ("#x", "/files/%23x"),
        ("%2e%2e", "/files/%252e%252e"),
        ("...", "/files/..."),
        ("a b+c", "/files/a%20b%2Bc"),
        ("../../admin", "/files/..%2F..%2Fadmin"),
    ];
    for (value, _) in cases {
        client.get_file(value).await.unwrap();
    }
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    let expected: Vec<&str> = cases.iter().map(|(_, target)| *target).collect();
    assert_eq!(targets, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_concurrent_calls_share_few_connections() {
    let server = ScriptedServer::always(Step::json(200, EVENT_JSON)).await;
    let (client, _) = recording_client(&server.url(), RetryPolicy::none());
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..500 {
        let client = client.clone();
        calls.spawn(async move { client.get_event(&app(), &event()).await });
    }
    let mut succeeded = 0;
    while let Some(result) = calls.join_next().await {
        assert_eq!(result.unwrap().unwrap().id.unwrap().as_str(), EVENT);
        succeeded += 1;
    }
    assert_eq!(succeeded, 500);
    assert_eq!(server.request_count(), 500);
    let connections = server.connections();
    // At most 64 calls are in flight, so about 64 connections are opened; a few
    // more appear when a call starts just before hyper has put a finished
    // connection back in the pool (65 to 107 seen on a loaded 2-core machine).
    assert!(
        connections < 500 / 3,
        "{connections} connections for 500 calls"
    );
}
