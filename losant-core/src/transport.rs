//! The seam between generated code and the network.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Result;
use crate::request::Request;
use crate::response::Response;

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

    /// The [`Client`](crate::Client) this transport is, if it is one: the generated
    /// code then awaits the client's call in place instead of through a boxed
    /// future. Only `Client` (and references to it) say yes; a wrapper must not, or
    /// it would be bypassed.
    #[doc(hidden)]
    fn as_client(&self) -> Option<&crate::Client> {
        None
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for &T {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }

    fn as_client(&self) -> Option<&crate::Client> {
        (**self).as_client()
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }

    fn as_client(&self) -> Option<&crate::Client> {
        (**self).as_client()
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }

    fn as_client(&self) -> Option<&crate::Client> {
        (**self).as_client()
    }
}
