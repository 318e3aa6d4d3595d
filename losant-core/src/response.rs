//! A [`Response`] as a transport received it, and the pipeline that turns it into an
//! endpoint's return value: the status check (anything outside 2xx becomes its typed
//! error, with Losant's error body parsed), then decoding.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::endpoint::Endpoint;
use crate::error::{ApiError, Call, DecodeError, Error, RedirectError, Result, excerpt};
use crate::redact::{Redactor, scrub};

/// A response as the transport received it.
#[derive(Debug, Clone)]
pub struct Response {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    pub(crate) attempts: u32,
    redactor: Option<Redactor>,
}

/// The delay a `Retry-After` value asks for: delta-seconds or an HTTP date, from `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

impl Response {
    /// The wait the answer's `Retry-After` asks for, when it has one that parses.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")
            .and_then(|value| parse_retry_after(value, SystemTime::now()))
    }

    /// A response with `status` and `body` and no headers.
    ///
    /// ```
    /// let response = losant_core::Response::new(404, r#"{"type":"NotFound","message":"Event was not found"}"#);
    /// assert_eq!(response.status(), 404);
    /// ```
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        Self::from_parts(status, http::HeaderMap::new(), body.into())
    }

    /// A response whose body is `value` serialized as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(status: u16, value: &T) -> Result<Self> {
        let body = serde_json::to_vec(value).map_err(|e| {
            crate::error::TransportError::new("could not serialize a canned response")
                .with_source(e)
        })?;
        Ok(Self::new(status, body))
    }

    /// A response from its parts.
    #[must_use]
    pub fn from_parts(status: u16, headers: http::HeaderMap, body: Bytes) -> Self {
        Response {
            status,
            headers,
            body,
            attempts: 1,
            redactor: None,
        }
    }

    /// The same response, with errors built from it scrubbed of `redactor`'s secret
    /// (Losant's `type` and `message`, the body excerpt, a redirect's location, the
    /// text of a decode error). [`Client`](crate::Client) attaches its token's
    /// redactor to every response.
    #[must_use]
    pub fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = Some(redactor);
        self
    }

    /// The redactor errors built from this response are scrubbed with.
    #[must_use]
    pub fn redactor(&self) -> Option<&Redactor> {
        self.redactor.as_ref()
    }

    /// The same response with one more header. Names and values that are not valid
    /// HTTP are ignored.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::try_from(name),
            http::HeaderValue::try_from(value),
        ) {
            self.headers.append(name, value);
        }
        self
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// All headers.
    #[must_use]
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The value of header `name`, when present and visible ASCII.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// How many attempts the call took to get this response (1 without retries).
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the status is 2xx.
    #[must_use]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// What an error built from this response knows about its call.
    fn call(&self, endpoint: &'static Endpoint) -> Call {
        Call::new(Some(endpoint), self.attempts)
    }
}

/// Turns a 2xx response into an endpoint's return value. Implemented for every
/// `DeserializeOwned` type (the body decoded as JSON) and for
/// [`MaybeJob`](crate::MaybeJob).
pub trait FromResponse: Sized {
    /// Decodes `response`, a 2xx answer of `endpoint`.
    fn from_response(endpoint: &'static Endpoint, response: &Response) -> Result<Self>;
}

impl<T: DeserializeOwned> FromResponse for T {
    fn from_response(endpoint: &'static Endpoint, response: &Response) -> Result<Self> {
        decode(endpoint, response)
    }
}

/// Losant's error body: `{"type": ..., "message": ...}`.
#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(rename = "type")]
    error_type: Option<String>,
    message: Option<String>,
}

/// Accepts a 2xx response; turns anything else into its typed error: a redirect
/// (never followed) or an API error with Losant's `type` and `message` and the start
/// of the body. Every string kept from the server is scrubbed with the response's
/// redactor, after decoding (a server may have escaped the secret in JSON).
pub fn check(endpoint: &'static Endpoint, response: &Response) -> Result<()> {
    if response.is_success() {
        return Ok(());
    }
    let status = response.status();
    let redactor = response.redactor();
    if (300..400).contains(&status) {
        return Err(Error::Redirect(Box::new(RedirectError {
            call: response.call(endpoint),
            status,
            location: response
                .header("location")
                .map(|location| scrub(redactor, location.to_owned())),
        })));
    }
    let (error_type, message) = match serde_json::from_slice::<ErrorBody>(response.body()) {
        Ok(body) => (
            body.error_type.map(|text| scrub(redactor, text)),
            body.message.map(|text| scrub(redactor, text)),
        ),
        Err(_) => (None, None),
    };
    let (body, body_truncated) = excerpt(response.body(), redactor);
    let retry_after = response.retry_after();
    Err(Error::Api(Box::new(ApiError {
        call: response.call(endpoint),
        status,
        error_type,
        message,
        body,
        body_truncated,
        retry_after,
    })))
}

/// Decodes a 2xx body as `T`, naming the JSON path where it failed.
///
/// The body is decoded once, with [`json::from_slice`](crate::json::from_slice)
/// (structs from JSON objects only): one instantiation per type, and no path
/// tracking on the way. When decoding fails, the path is found from the position of
/// the error.
pub fn decode<T: DeserializeOwned>(endpoint: &'static Endpoint, response: &Response) -> Result<T> {
    crate::json::from_slice(response.body())
        .map_err(|error| decode_error(endpoint, response, std::any::type_name::<T>(), &error))
}

fn decode_error(
    endpoint: &'static Endpoint,
    response: &Response,
    target: &'static str,
    error: &serde_json::Error,
) -> Error {
    let redactor = response.redactor();
    let body = response.body();
    let message = if body.iter().all(u8::is_ascii_whitespace) {
        "the response body is empty".to_owned()
    } else {
        // The message may quote a decoded value, and the path a decoded key.
        scrub(redactor, error.to_string())
    };
    let path = crate::json_path::path_at(body, error.line(), error.column());
    Error::Decode(Box::new(DecodeError {
        call: response.call(endpoint),
        status: response.status(),
        target,
        path: scrub(redactor, path),
        message,
        body: excerpt(body, redactor).0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
