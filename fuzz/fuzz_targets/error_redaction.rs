//! Whatever a server sends back, with the token planted in it in any disguise (as it
//! is, with JSON escapes of some or all characters, percent-escaped, cut short), no
//! error built from the answer shows the token: not in `Display`, `Debug`, nor in any
//! `source()`.
#![no_main]

use std::error::Error as _;

use libfuzzer_sys::fuzz_target;
use losant_core::__private::{EndpointSpec, PathPart, endpoint};
use losant_core::response::{check, decode};
use losant_core::{Auth, Endpoint, Method, Redactor, Response};
use losant_events::{Event, Events};

const TOKEN: &str = "SECRET-7f3a9c1e5b2d8f4a6c0e9b7d1f3a5c8e2";

static GET: Endpoint = endpoint(EndpointSpec {
    name: "get_event",
    method: Method::Get,
    path: "/applications/<app>/events/<event>",
    parts: &[
        PathPart::Literal("/applications/"),
        PathPart::Param("app"),
        PathPart::Literal("/events/"),
        PathPart::Param("event"),
    ],
    scope: "event.get",
    accepted_scopes: &["event.get"],
    auth: Auth::Token,
    read: true,
    idempotent: true,
});

/// The token written in the disguise `form` picks; `mask` picks which characters are
/// escaped.
fn disguise(form: u8, mask: u8) -> String {
    let mut out = String::new();
    for (i, c) in TOKEN.chars().enumerate() {
        let escape = mask & (1 << (i % 8)) != 0;
        match form % 4 {
            0 => out.push(c),
            1 if escape => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            2 if escape => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            3 if escape => out.push_str(&format!("%{:02X}", u32::from(c))),
            _ => out.push(c),
        }
    }
    out
}

/// The body with every `\0` replaced by a disguised token (the two bytes after it pick
/// the disguise), and the location to send.
fn plant(input: &[u8]) -> (Vec<u8>, String) {
    let mut body = Vec::with_capacity(input.len() + TOKEN.len());
    let mut location = String::from("https://elsewhere.example/?t=");
    let mut i = 0;
    while i < input.len() {
        if input[i] == 0 {
            let form = input.get(i + 1).copied().unwrap_or(1);
            let mask = input.get(i + 2).copied().unwrap_or(0xff);
            let token = disguise(form, mask);
            body.extend_from_slice(token.as_bytes());
            location = format!("https://elsewhere.example/?t={}", disguise(form | 3, mask));
            i += 3;
        } else {
            body.push(input[i]);
            i += 1;
        }
    }
    (body, location)
}

fn assert_scrubbed(error: &losant_core::Error) {
    let mut shown = format!("{error}\n{error:?}\n");
    let mut source = error.source();
    while let Some(cause) = source {
        shown.push_str(&format!("{cause}\n{cause:?}\n"));
        source = cause.source();
    }
    let unescaped = shown.replace("\\\\", "\\");
    let redactor = Redactor::new(TOKEN);
    assert!(!shown.contains(&TOKEN[..16]), "{shown}");
    // No disguise of the token is left either.
    assert_eq!(redactor.redact(&unescaped), unescaped, "{shown}");
}

fuzz_target!(|input: &[u8]| {
    let (status, rest) = match input {
        [high, low, rest @ ..] => (100 + u16::from_be_bytes([*high, *low]) % 500, rest),
        _ => (400, input),
    };
    let (body, location) = plant(rest);
    let response = Response::new(status, body)
        .with_header("location", &location)
        .with_redactor(Redactor::new(TOKEN));
    match check(&GET, &response) {
        Ok(()) => {
            if let Err(error) = decode::<Event>(&GET, &response) {
                assert_scrubbed(&error);
            }
            if let Err(error) = decode::<Events>(&GET, &response) {
                assert_scrubbed(&error);
            }
        }
        Err(error) => assert_scrubbed(&error),
    }
});
