//! Losant's error shape, `{"type": ..., "message": ...}`, for every error the sandbox
//! answers: its own, and those of the HTTP layers under it.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Longest request target the sandbox reads (longer: 414).
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;
/// Most bytes of request headers the sandbox reads (more: 431).
pub(crate) const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Most request headers the sandbox reads (more: 431).
pub(crate) const MAX_HEADERS: usize = 64;

/// A Losant-shaped error answer.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
        }
    }

    /// 400 `Validation`: the request breaks a schema.
    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Validation", message)
    }

    /// 404 `NotFound`.
    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("{what} was not found"),
        )
    }

    /// 501 `NotImplemented`: an action of the API the sandbox does not serve (told
    /// apart from a missing resource). Names the method and path, never the query.
    pub(crate) fn not_served(method: &axum::http::Method, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            format!("{method} {path} is not served by the sandbox"),
        )
    }

    /// 401 `Unauthorized`.
    pub(crate) fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized")
    }

    /// 403 `Forbidden`.
    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", message)
    }

    /// 413 `LimitExceeded`: what the request would store is over a bound.
    pub(crate) fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "LimitExceeded", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.kind,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(json!({"type": self.kind, "message": self.message})),
        )
            .into_response()
    }
}

/// Losant's `type` for a status the HTTP layers answer.
fn kind_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "BadRequest",
        StatusCode::NOT_FOUND => "NotFound",
        StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
        StatusCode::REQUEST_TIMEOUT => "RequestTimeout",
        StatusCode::PAYLOAD_TOO_LARGE => "PayloadTooLarge",
        StatusCode::URI_TOO_LONG => "UriTooLong",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UnsupportedMediaType",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "HeadersTooLarge",
        status if status.is_server_error() => "ServerError",
        _ => "Error",
    }
}

/// Refuses request targets and headers over the sandbox's limits with Losant's shape,
/// before anything else reads them. (Heads over hyper's own buffer, 256 KiB, are
/// refused by hyper with an empty answer.)
pub(crate) async fn limit_heads(request: Request, next: Next) -> Response {
    let target_len = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target_len > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            kind_of(StatusCode::URI_TOO_LONG),
            format!("the request target is {target_len} bytes, more than {MAX_URI_BYTES}"),
        )
        .into_response();
    }
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers.len() > MAX_HEADERS || header_bytes > MAX_HEADER_BYTES {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            kind_of(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
            format!(
                "the request has {} headers of {header_bytes} bytes; at most {MAX_HEADERS} headers of {MAX_HEADER_BYTES} bytes",
                headers.len()
            ),
        )
        .into_response();
    }
    next.run(request).await
}

/// Rewrites every error answer that is not Losant-shaped JSON (a 405 from routing, a
/// 408 from the request timeout, a 413 or 400 from a body or URL the HTTP layers could
/// not read) into `{"type", "message"}`, keeping its status and headers.
pub(crate) async fn losant_shape(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts
                .headers
                .get(header::ALLOW)
                .and_then(|allow| allow.to_str().ok())
                .unwrap_or("none");
            format!("{method} is not allowed on this route; allowed: {allowed}")
        }
        StatusCode::REQUEST_TIMEOUT if text.is_empty() => {
            "the request was not received in time".to_owned()
        }
        _ if text.is_empty() => status.canonical_reason().unwrap_or("Error").to_owned(),
        _ => text,
    };
    let body = json!({"type": kind_of(status), "message": message}).to_string();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
