//! The client against a hostile server: bodies at the size limit whatever their
//! chunking, and a token the server sends back in disguise (JSON escapes, percent
//! escapes, cut short). Every string an error keeps from the server is scrubbed.

use crate::support;

use std::error::Error as _;
use std::fmt::Write as _;

use losant_core::{Client, Error, RetryPolicy};
use losant_events::{EventApi, EventsApi};
use support::{ScriptedServer, Step};
use support::{app, event};

const LIMIT: usize = 100_000;

/// A JSON string document of exactly `len` bytes: `"xx…x"`.
fn json_string_of(len: usize) -> Vec<u8> {
    let mut body = vec![b'x'; len];
    body[0] = b'"';
    body[len - 1] = b'"';
    body
}

fn limited_client(url: &str) -> Client {
    support::client_builder(url)
        .retry(RetryPolicy::none())
        .max_response_bytes(LIMIT)
        .build()
        .unwrap()
}

#[losant_core::api]
trait RawApi {
    /// Any JSON document.
    #[endpoint(method = "GET", path = "/raw", scope = "raw.get")]
    async fn raw(&self) -> losant_core::Result<serde_json::Value>;
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_whatever_its_chunking() {
    for chunk in [1000, 997, 4096, 65_536, LIMIT] {
        for (len, fits) in [(LIMIT - 1, true), (LIMIT, true), (LIMIT + 1, false)] {
            let body = json_string_of(len);
            let server = ScriptedServer::start(vec![Step::Chunked {
                status: 200,
                body: body.clone(),
                chunk,
            }])
            .await;
            let result = limited_client(&server.url()).raw().await;
            match (fits, result) {
                (true, Ok(value)) => assert_eq!(value.as_str().map(str::len), Some(len - 2)),
                (false, Err(Error::BodyTooLarge(e))) => assert_eq!(e.limit(), LIMIT),
                (fits, other) => {
                    panic!("{len} bytes in chunks of {chunk}: fits = {fits}, got {other:?}")
                }
            }
        }
    }
}

#[tokio::test]
async fn a_body_announced_with_its_length_is_held_to_the_same_limit() {
    for (len, fits) in [(LIMIT, true), (LIMIT + 1, false)] {
        let server = ScriptedServer::start(vec![Step::Respond {
            status: 200,
            headers: vec![],
            body: json_string_of(len),
        }])
        .await;
        let result = limited_client(&server.url()).raw().await;
        assert_eq!(result.is_ok(), fits, "{len}: {result:?}");
    }
}

/// A token long enough that truncating echoes (an ID's first 32 characters) still
/// leave a recognisable part of it.
const SECRET: &str = "SECRET-7f3a9c1e5b2d8f4a6c0e9b7d1f3a5c8e2";

fn secret_client(url: &str) -> Client {
    support::client_builder(url)
        .token(SECRET)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// The error of a `get_event` with `SECRET` that the server answers with `status`
/// and the JSON `body`.
async fn get_event_answered(status: u16, body: &str) -> Error {
    let server = ScriptedServer::start(vec![Step::json(status, body)]).await;
    secret_client(&server.url())
        .get_event(&app(), &event())
        .await
        .unwrap_err()
}

/// `SECRET` with its first character as a JSON `\u` escape.
fn json_escaped_first() -> String {
    format!("\\u{:04X}{}", u32::from(SECRET.as_bytes()[0]), &SECRET[1..])
}

/// `SECRET` with every character as a JSON `\u` escape.
fn json_escaped_all() -> String {
    SECRET.chars().fold(String::new(), |mut out, c| {
        let _ = write!(out, "\\u{:04x}", u32::from(c));
        out
    })
}

/// Everything an error shows: `Display`, `Debug` and every `source()` in both.
fn everything_shown(error: &Error) -> String {
    let mut shown = format!("{error}\n{error:?}\n");
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(shown, "{cause}\n{cause:?}\n");
        source = cause.source();
    }
    shown
}

/// Neither the token nor any 16-character piece of it is shown.
fn assert_scrubbed(error: &Error) {
    let shown = everything_shown(error);
    assert!(!shown.contains(SECRET), "the token leaked: {shown}");
    for start in 0..=SECRET.len() - 16 {
        let piece = &SECRET[start..start + 16];
        assert!(!shown.contains(piece), "`{piece}` leaked: {shown}");
    }
    // `Debug` doubles backslashes: undo that before looking for escapes.
    let unescaped = shown.replace("\\\\", "\\").to_ascii_lowercase();
    assert!(
        !unescaped.contains(&json_escaped_all()),
        "the escaped token leaked: {shown}"
    );
    assert!(
        !unescaped.contains(&json_escaped_first().to_ascii_lowercase()),
        "the escaped token leaked: {shown}"
    );
}

#[tokio::test]
async fn an_escaped_token_in_an_api_error_is_scrubbed_from_every_field() {
    for escaped in [json_escaped_first(), json_escaped_all()] {
        let body = format!(
            r#"{{"type":"{escaped}","message":"your token {escaped} is not allowed here","echo":"{escaped}"}}"#
        );
        let error = get_event_answered(400, &body).await;
        let api = error.as_api().expect("an API error");
        assert!(api.error_type().unwrap().contains("[REDACTED]"), "{api:?}");
        assert!(
            api.message().unwrap().starts_with("your token [REDACTED]"),
            "{api:?}"
        );
        assert!(!api.body().contains(&escaped), "{}", api.body());
        assert_scrubbed(&error);
    }
}

#[tokio::test]
async fn a_token_echoed_in_part_or_in_disguise_is_scrubbed() {
    let tail = &SECRET[SECRET.len() - 27..];
    let zero_width: String = SECRET
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join("\\u200b");
    let html: String = SECRET.chars().fold(String::new(), |mut out, c| {
        let _ = write!(out, "&#{};", u32::from(c));
        out
    });
    let hex_html = format!("&#x{:x};{}", u32::from(SECRET.as_bytes()[0]), &SECRET[1..]);
    let middle = &SECRET[9..30];
    for echo in [
        tail.to_owned(),
        zero_width,
        html,
        hex_html,
        middle.to_owned(),
    ] {
        let body = format!(r#"{{"type":"Unauthorized","message":"token {echo} refused"}}"#);
        let error = get_event_answered(401, &body).await;
        let api = error.as_api().expect("an API error");
        assert_eq!(api.message(), Some("token [REDACTED] refused"), "{echo}");
        assert!(!api.body().contains(&echo), "{}", api.body());
        assert_scrubbed(&error);
    }
}

#[tokio::test]
async fn a_token_split_by_the_excerpt_cut_is_scrubbed() {
    // The token starts a few bytes before the 4 KiB excerpt ends.
    let filler = "f".repeat(4096 - 40);
    let body = format!(r#"{{"message":"{filler}{}{filler}"}}"#, json_escaped_all());
    let server = ScriptedServer::start(vec![Step::json(500, &body)]).await;
    let error = secret_client(&server.url())
        .delete_event(&app(), &event())
        .await
        .unwrap_err();
    assert!(error.as_api().unwrap().is_body_truncated());
    assert_scrubbed(&error);
}

#[tokio::test]
async fn a_token_quoted_back_by_a_decode_error_is_scrubbed() {
    let escaped = json_escaped_first();
    let cases = [
        // A number expected: serde quotes the string it got.
        format!(r#"{{"items":[],"count":"{escaped}"}}"#),
        // A map key on the path of the failure.
        format!(r#"{{"items":[{{"eventTags":{{"{escaped}":5}}}}]}}"#),
        // An ID expected: the ID error quotes the first 32 characters.
        format!(r#"{{"items":[{{"id":"{escaped}"}}]}}"#),
    ];
    for body in cases {
        let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
        let error = secret_client(&server.url())
            .get_events(&app())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode(_)), "{error:?}");
        assert_scrubbed(&error);
    }
}

#[tokio::test]
async fn a_token_in_a_redirect_location_is_scrubbed() {
    let percent_escaped: String = format!("%{:02X}{}", SECRET.as_bytes()[0], &SECRET[1..]);
    for location in [
        format!("https://elsewhere.example/login?token={SECRET}"),
        format!("https://elsewhere.example/login?token={percent_escaped}"),
    ] {
        let server = ScriptedServer::start(vec![Step::with_headers(
            302,
            &[("location", &location)],
            "",
        )])
        .await;
        let error = secret_client(&server.url())
            .get_event(&app(), &event())
            .await
            .unwrap_err();
        let Error::Redirect(redirect) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(
            redirect.location(),
            Some("https://elsewhere.example/login?token=[REDACTED]")
        );
        assert_scrubbed(&error);
    }
}

#[tokio::test]
async fn a_token_in_a_rate_limit_answer_is_scrubbed() {
    let body = format!(r#"{{"message":"slow down, {}"}}"#, json_escaped_all());
    let server = ScriptedServer::start(vec![Step::with_headers(
        429,
        &[("retry-after", "3600")],
        &body,
    )])
    .await;
    let error = secret_client(&server.url())
        .get_event(&app(), &event())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::RateLimited(_)), "{error:?}");
    assert_scrubbed(&error);
}
