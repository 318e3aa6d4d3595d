//! The seam between generated code and the network.

use std::sync::Arc;

use async_trait::async_trait;

use crate::call::BoxFuture;
use crate::error::{ConfigError, Result};
use crate::request::{Request, RequestBuilder};
use crate::response::{FromResponse, Response, check};

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

    /// Opens a stream of server-sent events (an action answering
    /// `text/event-stream`): a 2xx answer's body as it arrives, or any other answer
    /// whole. The default refuses: a transport of whole answers (a test double) does
    /// not stream unless it says how. A wrapper forwards it.
    async fn open(&self, request: Request) -> Result<Opened> {
        Err(ConfigError::error(format!(
            "{} answers with a stream of events, which this transport does not open",
            request.endpoint().name()
        )))
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for &T {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }

    async fn open(&self, request: Request) -> Result<Opened> {
        (**self).open(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }

    async fn open(&self, request: Request) -> Result<Opened> {
        (**self).open(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }

    async fn open(&self, request: Request) -> Result<Opened> {
        (**self).open(request).await
    }
}

/// The body of a stream as it arrives.
pub type ByteStream = futures_util::stream::BoxStream<'static, Result<bytes::Bytes>>;

/// What [`Transport::open`] got back: the stream, or a whole answer that is not one.
pub enum Opened {
    /// A 2xx answer: its body, as it arrives, and the redactor of the token that
    /// opened it (each message is scrubbed with it).
    Stream {
        /// The body.
        body: ByteStream,
        /// Scrubs the token out of each message.
        redactor: Option<crate::redact::Redactor>,
    },
    /// Any other answer, read whole (within the response size limit), for its error.
    Answer(Response),
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Opened::Stream { .. } => f.write_str("Opened::Stream { .. }"),
            Opened::Answer(response) => f.debug_tuple("Opened::Answer").field(response).finish(),
        }
    }
}

/// Sending a built request: what the code generated for each endpoint ends with.
impl RequestBuilder {
    /// Sends the request through `transport` and turns the 2xx answer into `T`.
    ///
    /// The future is boxed here, for every endpoint returning `T`: the code generated
    /// for each endpoint then awaits a small, simple type, which keeps crates of many
    /// endpoints quick to compile. The transport's own future is awaited inside it,
    /// whatever the transport: a wrapper is never bypassed.
    pub fn send<'a, T, Tr>(self, transport: &'a Tr) -> BoxFuture<'a, Result<T>>
    where
        T: FromResponse + 'a,
        Tr: Transport + ?Sized,
    {
        Box::pin(async move {
            let endpoint = self.endpoint();
            let response = send_checked(self.finish()?, transport).await?;
            T::from_response(endpoint, &response)
        })
    }

    /// Sends the request through `transport` and ignores a 2xx body.
    pub fn send_empty<Tr>(self, transport: &Tr) -> BoxFuture<'_, Result<()>>
    where
        Tr: Transport + ?Sized,
    {
        Box::pin(async move { send_checked(self.finish()?, transport).await.map(drop) })
    }
}

/// Sends `request` and accepts only a 2xx answer.
async fn send_checked<Tr: Transport + ?Sized>(
    request: Request,
    transport: &Tr,
) -> Result<Response> {
    let endpoint = request.endpoint();
    let sent = transport.send(request).await;
    let response = sent.map_err(|e| e.with_endpoint(endpoint))?;
    check(endpoint, &response)?;
    Ok(response)
}
