//! Any path value is either refused (`""`, `.`, `..`) or encoded as exactly one
//! segment that percent-decodes back to the value, through the request builder the
//! generated code uses.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use losant_core::__private::{EndpointSpec, PathPart, RequestBuilder, endpoint};
use losant_core::{Auth, Endpoint, Method};

static FILE: Endpoint = endpoint(EndpointSpec {
    name: "get_file",
    method: Method::Get,
    path: "/files/<name>/meta",
    parts: &[PathPart::Literal("/files/"), PathPart::Param("name"), PathPart::Literal("/meta")],
    scope: "file.get",
    accepted_scopes: &["file.get"],
    auth: Auth::Token,
    read: true,
    idempotent: true,
});

fuzz_target!(|value: &str| {
    match RequestBuilder::new(&FILE, &[Cow::Borrowed(value).into()]).finish() {
        Err(_) => assert!(matches!(value, "" | "." | "..")),
        Ok(request) => {
            assert!(!matches!(value, "" | "." | ".."));
            assert_eq!(request.query(), None);
            let segment = request
                .path()
                .strip_prefix("/files/")
                .and_then(|rest| rest.strip_suffix("/meta"))
                .expect("the value stays between its literals");
            assert!(segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8().unwrap();
            assert_eq!(decoded, value);
        }
    }
});
