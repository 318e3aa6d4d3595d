//! Any response body, with any status, becomes a value or a typed error without
//! panicking, and the error's message is bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use losant_core::__private::{EndpointSpec, PathPart, endpoint};
use losant_core::response::{check, decode};
use losant_core::{Auth, Endpoint, Method, Response};
use losant_events::{Event, Success};

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

fuzz_target!(|input: &[u8]| {
    let (status, body) = match input {
        [high, low, rest @ ..] => (100 + u16::from_be_bytes([*high, *low]) % 500, rest),
        _ => (200, input),
    };
    let response = Response::new(status, body.to_vec());
    match check(&GET, &response) {
        Ok(()) => {
            if let Err(error) = decode::<Event>(&GET, &response) {
                let _ = error.to_string();
            }
            let _ = decode::<Success>(&GET, &response);
        }
        Err(error) => {
            assert_eq!(error.status(), Some(status));
            let api = error.as_api();
            if let Some(api) = api {
                assert!(api.body().len() <= 4096);
            }
            let _ = format!("{error} {error:?}");
        }
    }
});
