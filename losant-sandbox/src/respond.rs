//! Answers with JSON bodies, serialized with no lock held and, when large, off the
//! async workers so that other requests go on meanwhile.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// Bodies larger than this (estimated) are serialized on a blocking thread.
const INLINE_BYTES: usize = 64 * 1024;

/// `value` as a JSON answer with `status`; `estimated_len` says whether it is large.
pub(crate) async fn json<T>(status: StatusCode, value: T, estimated_len: usize) -> Response
where
    T: Serialize + Send + 'static,
{
    let body = if estimated_len > INLINE_BYTES {
        tokio::task::spawn_blocking(move || serde_json::to_vec(&value))
            .await
            .map_err(|join| join.to_string())
            .and_then(|body| body.map_err(|e| e.to_string()))
    } else {
        serde_json::to_vec(&value).map_err(|e| e.to_string())
    };
    match body {
        Ok(body) => {
            let mut response = (status, Body::from(body)).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(error) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServerError",
            format!("the answer could not be serialized: {error}"),
        )
        .into_response(),
    }
}

/// A request body read as JSON: `None` when empty. Reading fails with Losant's
/// shape: 413 over the body limit, 408 when the body stops arriving, 400 when it is
/// not JSON.
pub(crate) struct JsonBody(pub(crate) Option<serde_json::Value>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                let first: &(dyn std::error::Error + 'static) = &rejection;
                let timed_out = std::iter::successors(Some(first), |e| e.source())
                    .any(<dyn std::error::Error>::is::<tower_http::timeout::TimeoutError>);
                if timed_out {
                    ApiError::new(
                        StatusCode::REQUEST_TIMEOUT,
                        "RequestTimeout",
                        "the request body stopped arriving",
                    )
                } else {
                    ApiError::new(
                        rejection.status(),
                        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                            "PayloadTooLarge"
                        } else {
                            "BadRequest"
                        },
                        rejection.body_text(),
                    )
                }
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonBody(None));
        }
        serde_json::from_slice(&bytes)
            .map(|value| JsonBody(Some(value)))
            .map_err(|e| ApiError::validation(format!("body is not valid JSON: {e}")))
    }
}
