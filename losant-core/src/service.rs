//! `tower` integration (feature `tower`): a [`Client`] is a `tower::Service`, and any
//! `tower::Service` of requests can be the transport of the bindings, so tower's
//! layers (timeouts, rate limits, retries, tracing, your own) wrap the calls.

use std::task::{Context, Poll};

use async_trait::async_trait;
use tower_service::Service;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::request::{BoxFuture, Request};
use crate::response::Response;
use crate::transport::Transport;

impl Service<Request> for Client {
    type Response = Response;
    type Error = Error;
    type Future = BoxFuture<'static, Result<Response>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<()>> {
        // The client waits for its own concurrency limit inside the call.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let client = self.clone();
        Box::pin(async move { client.call(request).await })
    }
}

/// Any `tower::Service` of [`Request`]s as a [`Transport`]: every `#[api]` trait is
/// then implemented for it.
///
/// ```
/// use losant_core::{api, Client, Result, ServiceTransport};
/// use tower::ServiceBuilder;
///
/// #[api]
/// pub trait PingApi {
///     #[endpoint(method = "GET", path = "/ping", scope = "ping.get")]
///     async fn ping(&self) -> Result<()>;
/// }
///
/// let client = Client::new("my-token")?;
/// let service = ServiceBuilder::new()
///     .map_request(|mut request: losant_core::Request| {
///         request.set_header("x-tenant", "greenhouse").expect("a valid header");
///         request
///     })
///     .service(client);
/// // Every `#[api]` trait is implemented for the transport: `transport.ping()`.
/// let transport = ServiceTransport::new(service);
/// # fn is_ping(_: &impl PingApi) {}
/// # is_ping(&transport);
/// # Ok::<(), losant_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ServiceTransport<S> {
    service: S,
}

impl<S> ServiceTransport<S> {
    /// Wraps `service`.
    pub fn new(service: S) -> Self {
        ServiceTransport { service }
    }

    /// The wrapped service.
    pub fn into_inner(self) -> S {
        self.service
    }
}

#[async_trait]
impl<S> Transport for ServiceTransport<S>
where
    S: Service<Request, Response = Response, Error = Error> + Clone + Send + Sync + 'static,
    S::Future: Send,
{
    async fn send(&self, request: Request) -> Result<Response> {
        // A clone per call, as tower services are used: `poll_ready` then `call` on
        // the same handle.
        let mut service = self.service.clone();
        std::future::poll_fn(|cx| service.poll_ready(cx)).await?;
        service.call(request).await
    }
}
