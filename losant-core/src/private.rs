//! Support for the code `#[api]` and `id_type!` generate. Not a public API: it may
//! change in any release.

pub use std::borrow::Cow;

pub use async_trait::async_trait;
pub use serde;

pub use crate::endpoint::PathPart;
pub use crate::id::RawId;
pub use crate::param::{HeaderArg, PathValue};
pub use crate::request::RequestBuilder;

use serde::de::DeserializeOwned;

use crate::endpoint::{Endpoint, Method};
use crate::error::{ApiError, DecodeError, Error, RedirectError, Result, excerpt};
use crate::outcome::FromResponse;
use crate::redact::scrub;
use crate::transport::{Response, Transport};

/// Endpoint metadata, as a constant.
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
#[must_use]
pub const fn endpoint(
    name: &'static str,
    method: Method,
    path: &'static str,
    parts: &'static [PathPart],
    scope: &'static str,
    accepted_scopes: &'static [&'static str],
    read: bool,
    idempotent: bool,
) -> Endpoint {
    // Summed at compile time: the constant is built in a const context.
    let mut literals_len = 0;
    let mut i = 0;
    while i < parts.len() {
        if let PathPart::Literal(text) = parts[i] {
            literals_len += text.len();
        }
        i += 1;
    }
    Endpoint {
        name,
        method,
        path,
        parts,
        scope,
        accepted_scopes,
        read,
        idempotent,
        literals_len,
    }
}

/// Sends the request and turns the 2xx answer into `T`.
pub async fn call_json<T, Tr>(transport: &Tr, request: RequestBuilder) -> Result<T>
where
    T: FromResponse,
    Tr: Transport + ?Sized,
{
    let endpoint = request.endpoint();
    let response = send(transport, request).await?;
    T::from_response(endpoint, &response)
}

/// Sends the request and ignores a 2xx body.
pub async fn call_empty<Tr>(transport: &Tr, request: RequestBuilder) -> Result<()>
where
    Tr: Transport + ?Sized,
{
    send(transport, request).await.map(drop)
}

async fn send<Tr: Transport + ?Sized>(transport: &Tr, request: RequestBuilder) -> Result<Response> {
    let endpoint = request.endpoint();
    let response = transport
        .send(request.finish())
        .await
        .map_err(|e| e.with_endpoint(endpoint))?;
    check(endpoint, &response)?;
    Ok(response)
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(rename = "type")]
    error_type: Option<String>,
    message: Option<String>,
}

/// Accepts a 2xx response; turns anything else into its typed error (the response is
/// borrowed: it is not moved on the path every successful call takes).
pub fn check(endpoint: &'static Endpoint, response: &Response) -> Result<()> {
    let status = response.status();
    if response.is_success() {
        return Ok(());
    }
    let redactor = response.redactor();
    if (300..400).contains(&status) {
        return Err(Error::Redirect(Box::new(RedirectError {
            endpoint: Some(endpoint),
            status,
            location: response
                .header("location")
                .map(|location| scrub(redactor, location.to_owned())),
        })));
    }
    // Scrubbed after decoding: the server may have escaped the secret in JSON.
    let (error_type, message) = match serde_json::from_slice::<ErrorBody>(response.body()) {
        Ok(body) => (
            body.error_type.map(|text| scrub(redactor, text)),
            body.message.map(|text| scrub(redactor, text)),
        ),
        Err(_) => (None, None),
    };
    let (body, body_truncated) = excerpt(response.body(), redactor);
    let retry_after = response
        .header("retry-after")
        .and_then(|value| crate::retry::parse_retry_after(value, std::time::SystemTime::now()));
    Err(Error::Api(Box::new(ApiError {
        endpoint: Some(endpoint),
        status,
        error_type,
        message,
        body,
        body_truncated,
        attempts: response.attempts(),
        retry_after,
    })))
}

/// Decodes a 2xx body as `T`, naming the JSON path where it failed.
///
/// The body is decoded once with plain `serde_json`; only when that fails is it decoded
/// again with path tracking, which allocates for every key it passes, to say where.
pub fn decode<T: DeserializeOwned>(endpoint: &'static Endpoint, response: &Response) -> Result<T> {
    let error = match serde_json::from_slice(response.body()) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let target = std::any::type_name::<T>();
    let mut deserializer = serde_json::Deserializer::from_slice(response.body());
    let path = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(tracked) => tracked.path().to_string(),
        // Only trailing characters can fail the plain decode but not the tracked one.
        Ok(_) => ".".to_owned(),
    };
    Err(decode_error(endpoint, response, target, path, &error))
}

fn decode_error(
    endpoint: &'static Endpoint,
    response: &Response,
    target: &'static str,
    path: String,
    error: &serde_json::Error,
) -> Error {
    let redactor = response.redactor();
    let message = if response.body().iter().all(u8::is_ascii_whitespace) {
        "the response body is empty".to_owned()
    } else {
        // The message may quote a decoded value, and the path a decoded key.
        scrub(redactor, error.to_string())
    };
    Error::Decode(Box::new(DecodeError {
        endpoint: Some(endpoint),
        status: response.status(),
        target,
        path: scrub(redactor, path),
        message,
        body: excerpt(response.body(), redactor).0,
    }))
}

/// Deserializes a string (borrowed or owned) through `make`.
pub fn deserialize_str_with<'de, D, T>(deserializer: D, make: fn(&str) -> T) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor<T>(fn(&str) -> T);

    impl<T> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }

    deserializer.deserialize_str(Visitor(make))
}
