//! The seam between generated code and the network.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

use crate::endpoint::{Endpoint, Method};
use crate::error::Result;
use crate::redact::Redactor;

/// Sends requests built by the generated endpoint code.
///
/// [`Client`](crate::Client) is the transport that talks HTTP. Implement this trait
/// for a test double that answers canned responses, or for a middleware that wraps
/// another transport (logging, metrics, caching): every `#[api]` trait is then
/// implemented for it automatically.
///
/// A transport returns the response whatever its status; the generated code turns
/// statuses outside 2xx into [`Error::Api`](crate::Error::Api).
///
/// ```
/// use losant_core::{async_trait, Request, Response, Result, Transport};
///
/// /// Answers every request with the same JSON.
/// struct Canned(&'static str);
///
/// #[async_trait]
/// impl Transport for Canned {
///     async fn send(&self, request: Request) -> Result<Response> {
///         assert!(request.path().starts_with('/'));
///         Ok(Response::new(200, self.0))
///     }
/// }
/// ```
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends one request and returns the server's response.
    async fn send(&self, request: Request) -> Result<Response>;
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for &T {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }
}

/// A request ready to send: its endpoint, encoded path and query, extra headers and
/// JSON body. Built by the generated code; the base URL and the client's own
/// headers (`Authorization`, `Accept`, ...) are the transport's business.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) endpoint: &'static Endpoint,
    /// Encoded path, then `?` and the encoded query when there is one.
    pub(crate) target: String,
    pub(crate) query_start: Option<usize>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Bytes>,
}

impl Request {
    /// The endpoint this request belongs to.
    #[must_use]
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// The HTTP method.
    #[must_use]
    pub fn method(&self) -> Method {
        self.endpoint.method()
    }

    /// The percent-encoded path, such as `/applications/575e.../events/575e...`.
    #[must_use]
    pub fn path(&self) -> &str {
        match self.query_start {
            Some(start) => &self.target[..start - 1],
            None => &self.target,
        }
    }

    /// The encoded query string without its `?`, when there is one.
    #[must_use]
    pub fn query(&self) -> Option<&str> {
        self.query_start.map(|start| &self.target[start..])
    }

    /// The path and the query, as they go after the base URL.
    #[must_use]
    pub fn path_and_query(&self) -> &str {
        &self.target
    }

    /// Headers declared with `#[header = "..."]` arguments: lower-case names and
    /// checked values.
    #[must_use]
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The JSON body, when the endpoint has a `#[body]` argument.
    #[must_use]
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// Takes the body out, leaving none.
    pub fn take_body(&mut self) -> Option<Bytes> {
        self.body.take()
    }
}

/// A response as the transport received it.
#[derive(Debug, Clone)]
pub struct Response {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    pub(crate) attempts: u32,
    redactor: Option<Redactor>,
}

impl Response {
    /// A response with `status` and `body` and no headers.
    ///
    /// ```
    /// let response = losant_core::Response::new(404, r#"{"type":"NotFound","message":"Event was not found"}"#);
    /// assert_eq!(response.status(), 404);
    /// ```
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        Response {
            status,
            headers: http::HeaderMap::new(),
            body: body.into(),
            attempts: 1,
            redactor: None,
        }
    }

    /// A response whose body is `value` serialized as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(status: u16, value: &T) -> Result<Self> {
        let body = serde_json::to_vec(value).map_err(|e| {
            crate::error::TransportError::new(format!("could not serialize a canned response: {e}"))
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
}
