//! Server-sent event streams: [`EventStream`], the messages of an action that answers
//! `text/event-stream`, read as they arrive and decoded one by one.
//!
//! A stream is opened with [`Transport::open`] and read with the `sse-stream` parser.
//! It is exempt from the whole-call timeout and the response size limit; instead each
//! message has a size limit, and a stream that sends nothing (not even a keep-alive)
//! for its idle timeout is taken as dropped. Like a browser's `EventSource`, a dropped
//! stream is opened again with backoff, sending `Last-Event-ID` when the server gave
//! ids; an answer of 401 or 403 to a reconnection (an expired token, a revoked key)
//! ends the stream with that error. With reconnection off, a drop is an error.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{BoxStream, Stream, StreamExt};

use crate::call::{BoxFuture, StreamSettings};
use crate::endpoint::Endpoint;
use crate::error::{
    BodyTooLarge, Call, DecodeError, Error, Result, TimeoutError, TimeoutKind, TransportError,
};
use crate::redact::Redactor;
use crate::request::{Request, RequestBuilder};
use crate::response::check;
use crate::transport::{ByteStream, Opened, Transport};

/// One message of a stream, as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Its `event:` name (`deviceState`), `None` for an unnamed message.
    pub event: Option<String>,
    /// Its `data:` lines, joined with `\n`.
    pub data: String,
    /// Its `id:`, when the server gave one.
    pub id: Option<String>,
}

/// Decodes a stream's messages into its items.
pub trait FromMessage: Sized {
    /// The item of `message`, or `None` when the message is not one of this stream's
    /// (a keep-alive, a kind this version does not know): it is skipped.
    fn from_message(endpoint: &'static Endpoint, message: Message) -> Option<Result<Self>>;
}

/// The item of a message named `event`, decoded from its JSON data; `None` for a
/// message of another name (a keep-alive, a kind this version does not know). What
/// the generated [`FromMessage`] impls call.
#[must_use]
pub fn decode_message<T: serde::de::DeserializeOwned>(
    endpoint: &'static Endpoint,
    event: &str,
    message: &Message,
) -> Option<Result<T>> {
    if message.event.as_deref() != Some(event) {
        return None;
    }
    Some(
        crate::json::from_slice(message.data.as_bytes()).map_err(|error| {
            Error::Decode(Box::new(DecodeError {
                call: Call::new(Some(endpoint), 1),
                status: 200,
                target: std::any::type_name::<T>(),
                path: ".".to_owned(),
                message: format!("a `{event}` message: {error}"),
                body: message.data.chars().take(200).collect(),
            }))
        }),
    )
}

impl FromMessage for Message {
    fn from_message(_: &'static Endpoint, message: Message) -> Option<Result<Self>> {
        Some(Ok(message))
    }
}

/// The messages of a stream action, decoded into `T`, as they arrive: a
/// [`Stream`] of `Result<T>` that ends after an error it cannot recover from.
///
/// ```no_run
/// # async fn run(client: &losant_core::Client, request: losant_core::Request) -> losant_core::Result<()> {
/// use losant_core::stream::TryStreamExt;
/// use losant_core::{EventStream, Message, StreamSettings};
///
/// let mut messages = EventStream::<Message>::open(client, request, StreamSettings::default());
/// while let Some(message) = messages.try_next().await? {
///     println!("{:?}: {}", message.event, message.data);
/// }
/// # Ok(()) }
/// ```
pub struct EventStream<'a, T> {
    inner: BoxStream<'a, Result<T>>,
    reconnects: Arc<AtomicU32>,
}

impl<T> std::fmt::Debug for EventStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("reconnects", &self.reconnects())
            .finish_non_exhaustive()
    }
}

impl<'a, T: FromMessage + Send + 'a> EventStream<'a, T> {
    /// Opens `request` through `transport`; nothing is sent until the stream is first
    /// polled, and a failure of the first connection is its first item.
    pub fn open<Tr: Transport + ?Sized>(
        transport: &'a Tr,
        request: Request,
        settings: StreamSettings,
    ) -> Self {
        Self::from_state(State::new(transport, request, settings))
    }

    /// Opens `request` through `transport` and waits for the first connection: its
    /// failure (a 401, a 404, the network) is this call's error. What the `.await` of
    /// a stream action's call does.
    pub async fn connect<Tr: Transport + ?Sized>(
        transport: &'a Tr,
        request: Request,
        settings: StreamSettings,
    ) -> Result<Self> {
        let mut state = State::new(transport, request, settings);
        match state.connect().await {
            Ok(reader) => state.reader = Some(reader),
            Err(Dropped::Again(error) | Dropped::Final(error)) => return Err(error),
        }
        Ok(Self::from_state(state))
    }

    fn from_state<Tr: Transport + ?Sized>(state: State<'a, Tr, T>) -> Self {
        let reconnects = Arc::clone(&state.reconnects);
        let inner = futures_util::stream::unfold(state, |mut state| async move {
            let item = state.next().await?;
            Some((item, state))
        })
        .boxed();
        EventStream { inner, reconnects }
    }
}

/// The keep-alive interval a stream asks the server for: its `keepAliveInterval`
/// query parameter (whole seconds, as Losant's streams take it).
fn keep_alive_of(request: &Request) -> Option<Duration> {
    request
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("keepAliveInterval="))
        .and_then(|seconds| seconds.parse().ok())
        .map(Duration::from_secs)
}

/// Opening a stream: what the code generated for a stream action ends with.
impl RequestBuilder {
    /// Opens the request through `transport` as a stream of `T`, waiting for the
    /// first connection ([`EventStream::connect`]).
    pub fn open_stream<'a, T, Tr>(
        self,
        transport: &'a Tr,
        settings: StreamSettings,
    ) -> BoxFuture<'a, Result<EventStream<'a, T>>>
    where
        T: FromMessage + Send + 'a,
        Tr: Transport + ?Sized,
    {
        Box::pin(async move {
            let request = self.finish()?;
            EventStream::connect(transport, request, settings).await
        })
    }
}

impl<'a, T: Send + 'a> EventStream<'a, T> {
    /// A stream of these items, for a test double answering a stream action.
    ///
    /// ```
    /// use losant_core::{EventStream, Message};
    ///
    /// let message = Message { event: Some("deviceState".into()), data: "{}".into(), id: None };
    /// let stream = EventStream::from_items([Ok(message)]);
    /// assert_eq!(stream.reconnects(), 0);
    /// ```
    pub fn from_items<I>(items: I) -> Self
    where
        I: IntoIterator<Item = Result<T>>,
        I::IntoIter: Send + 'a,
    {
        EventStream {
            inner: futures_util::stream::iter(items).boxed(),
            reconnects: Arc::new(AtomicU32::new(0)),
        }
    }
}

impl<T> EventStream<'_, T> {
    /// How many times the stream was opened again after a drop.
    #[must_use]
    pub fn reconnects(&self) -> u32 {
        self.reconnects.load(Ordering::Relaxed)
    }
}

impl<T> Stream for EventStream<'_, T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

type Reader = sse_stream::SseByteStream<Counted>;

/// The state of one stream between its messages.
struct State<'a, Tr: ?Sized, T> {
    transport: &'a Tr,
    endpoint: &'static Endpoint,
    request: Request,
    settings: StreamSettings,
    /// The idle timeout in effect (set, or derived from the keep-alive interval).
    idle: Option<Duration>,
    /// When the connection last sent anything (a message, a comment).
    heard: tokio::time::Instant,
    /// Fires at most once an idle period: a message does not touch it, but moves
    /// `heard`, and the timer is set anew from it when it fires early.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    reader: Option<Reader>,
    /// Whether a connection was ever established: a failure of the first is final.
    opened_once: bool,
    /// Failures in a row since the last message.
    failures: u32,
    last_id: Option<String>,
    server_retry: Option<Duration>,
    /// Scrubs the token of the connection out of each message.
    redactor: Option<Redactor>,
    /// Bytes read since the last message.
    read: Arc<AtomicUsize>,
    reconnects: Arc<AtomicU32>,
    done: bool,
    _item: std::marker::PhantomData<fn() -> T>,
}

/// Why a connection ended.
enum Dropped {
    /// It may be opened again.
    Again(Error),
    /// It may not: the error ends the stream.
    Final(Error),
}

impl<'a, Tr: Transport + ?Sized, T> State<'a, Tr, T> {
    fn new(transport: &'a Tr, request: Request, settings: StreamSettings) -> Self {
        State {
            transport,
            endpoint: request.endpoint(),
            idle: settings.idle_for(keep_alive_of(&request)),
            heard: tokio::time::Instant::now(),
            timer: None,
            request,
            settings,
            reader: None,
            opened_once: false,
            failures: 0,
            last_id: None,
            server_retry: None,
            redactor: None,
            read: Arc::new(AtomicUsize::new(0)),
            reconnects: Arc::new(AtomicU32::new(0)),
            done: false,
            _item: std::marker::PhantomData,
        }
    }
}

impl<Tr: Transport + ?Sized, T: FromMessage> State<'_, Tr, T> {
    async fn next(&mut self) -> Option<Result<T>> {
        loop {
            if self.done {
                return None;
            }
            let dropped = match self.reader.take() {
                None => match self.connect().await {
                    Ok(reader) => {
                        self.reader = Some(reader);
                        continue;
                    }
                    Err(dropped) => dropped,
                },
                Some(mut reader) => match self.read(&mut reader).await {
                    Ok(Some(item)) => {
                        self.reader = Some(reader);
                        return Some(item);
                    }
                    Ok(None) => {
                        self.reader = Some(reader);
                        continue;
                    }
                    Err(dropped) => dropped,
                },
            };
            match dropped {
                Dropped::Again(error) if self.may_reconnect() => {
                    self.failures += 1;
                    let delay = self.settings.delay(self.failures, self.server_retry);
                    tracing::info!(
                        endpoint = self.endpoint.name(),
                        failures = self.failures,
                        delay_ms = delay.as_secs_f64() * 1000.0,
                        error = %error,
                        "losant stream reconnecting"
                    );
                    tokio::time::sleep(delay).await;
                    self.reconnects.fetch_add(1, Ordering::Relaxed);
                }
                Dropped::Again(error) | Dropped::Final(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
            }
        }
    }

    fn may_reconnect(&self) -> bool {
        self.opened_once
            && self.settings.reconnect
            && self
                .settings
                .max_reconnects
                .is_none_or(|limit| self.failures < limit)
    }

    async fn connect(&mut self) -> Result<Reader, Dropped> {
        let mut request = self.request.clone();
        if let Some(id) = &self.last_id {
            // An id that is not a valid header value is not sent back.
            let _ = request.set_header("last-event-id", id);
        }
        let opened = self
            .transport
            .open(request)
            .await
            .map_err(|e| Dropped::Again(e.with_endpoint(self.endpoint)))?;
        match opened {
            Opened::Stream { body, redactor } => {
                self.opened_once = true;
                self.heard = tokio::time::Instant::now();
                self.redactor = redactor;
                self.read.store(0, Ordering::Relaxed);
                Ok(sse_stream::SseByteStream::new(Counted {
                    body,
                    read: Arc::clone(&self.read),
                    limit: self.settings.max_message_bytes,
                    endpoint: self.endpoint,
                }))
            }
            Opened::Answer(response) => {
                let status = response.status();
                let error = match check(self.endpoint, &response) {
                    Err(error) => error,
                    // A 2xx answer read whole is not a stream.
                    Ok(()) => {
                        self.transport_error("the server answered without a stream of events")
                    }
                };
                // A refusal (401, 403, 404, ...) stands; a 429 or a 5xx may pass.
                if (400..500).contains(&status) && status != 429 {
                    Err(Dropped::Final(error))
                } else {
                    Err(Dropped::Again(error))
                }
            }
        }
    }

    /// The next item of the open connection; `Ok(None)` after a message that is not
    /// an item.
    async fn read(&mut self, reader: &mut Reader) -> Result<Option<Result<T>>, Dropped> {
        let next = match self.idle {
            None => reader.next().await,
            Some(idle) => {
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                let heard = self.heard;
                let next = std::future::poll_fn(|cx| {
                    if let Poll::Ready(next) = reader.poll_next_unpin(cx) {
                        return Poll::Ready(Some(next));
                    }
                    loop {
                        std::task::ready!(timer.as_mut().poll(cx));
                        let deadline = heard + idle;
                        if deadline <= tokio::time::Instant::now() {
                            return Poll::Ready(None);
                        }
                        timer.as_mut().reset(deadline);
                    }
                })
                .await;
                let Some(next) = next else {
                    return Err(Dropped::Again(Error::Timeout(Box::new(TimeoutError {
                        call: Call::new(Some(self.endpoint), 1),
                        kind: TimeoutKind::Idle,
                        after: Some(idle),
                    }))));
                };
                next
            }
        };
        if self.idle.is_some() {
            self.heard = tokio::time::Instant::now();
        }
        let block = match next {
            None => {
                return Err(Dropped::Again(
                    self.transport_error("the server ended the stream of events"),
                ));
            }
            // The body's own error: a message over the limit is final, a dropped
            // connection is not.
            Some(Err(sse_stream::Error::Body(source))) => {
                return Err(match source.downcast::<Error>() {
                    Ok(error) if matches!(*error, Error::BodyTooLarge(_)) => Dropped::Final(*error),
                    Ok(error) => Dropped::Again(*error),
                    Err(other) => Dropped::Again(self.transport_error(&other.to_string())),
                });
            }
            Some(Err(error)) => {
                return Err(Dropped::Final(Error::Decode(Box::new(DecodeError {
                    call: Call::new(Some(self.endpoint), 1),
                    status: 200,
                    target: std::any::type_name::<T>(),
                    path: ".".to_owned(),
                    message: format!("a malformed message in the stream of events: {error}"),
                    body: String::new(),
                }))));
            }
            Some(Ok(block)) => block,
        };
        self.read.store(0, Ordering::Relaxed);
        if let Some(retry) = block.retry {
            self.server_retry = Some(Duration::from_millis(retry));
        }
        if let Some(id) = &block.id {
            self.last_id = Some(id.clone());
        }
        let Some(data) = block.data else {
            return Ok(None);
        };
        self.failures = 0;
        let data = match &self.redactor {
            Some(redactor) => redactor.redact_string(data),
            None => data,
        };
        let message = Message {
            event: block.event,
            data,
            id: block.id,
        };
        Ok(T::from_message(self.endpoint, message))
    }

    fn transport_error(&self, message: &str) -> Error {
        Error::Transport(Box::new(TransportError {
            call: Call::new(Some(self.endpoint), 1),
            message: message.to_owned(),
            source: None,
        }))
    }
}

/// The body, counting the bytes read since the last message: past the limit it
/// fails, so the parser never holds more than the limit and one chunk.
struct Counted {
    body: ByteStream,
    read: Arc<AtomicUsize>,
    limit: usize,
    endpoint: &'static Endpoint,
}

impl Stream for Counted {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.body.poll_next_unpin(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            let read = self.read.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len();
            if read > self.limit {
                return Poll::Ready(Some(Err(Error::BodyTooLarge(Box::new(BodyTooLarge {
                    call: Call::new(Some(self.endpoint), 1),
                    limit: self.limit,
                })))));
            }
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::keep_alive_of;
    use crate::__private::{EndpointSpec, PathPart, RequestBuilder, endpoint};
    use crate::{Auth, Endpoint, Method, StreamSettings};

    static STREAM: Endpoint = endpoint(EndpointSpec {
        name: "state_stream",
        method: Method::Get,
        path: "/stream",
        parts: &[PathPart::Literal("/stream")],
        scope: "device.stateStream",
        accepted_scopes: &["device.stateStream"],
        auth: Auth::Token,
        read: true,
        idempotent: true,
    });

    fn keep_alive(seconds: Option<u32>) -> Option<Duration> {
        let mut builder = RequestBuilder::new(&STREAM, &[]);
        builder.query("keep_alive_interval", "keepAliveInterval", &seconds);
        keep_alive_of(&builder.finish().unwrap())
    }

    #[test]
    fn the_idle_timeout_follows_the_keep_alive_interval_asked_for() {
        let defaults = StreamSettings::default();
        assert_eq!(keep_alive(Some(10)), Some(Duration::from_secs(10)));
        assert_eq!(keep_alive(None), None);
        assert_eq!(
            defaults.idle_for(keep_alive(Some(10))),
            Some(Duration::from_secs(30))
        );
        // The API's default interval is 2 s.
        assert_eq!(defaults.idle_for(None), Some(Duration::from_secs(6)));
        // One set stands, `None` included.
        let set = StreamSettings::default().idle_timeout(Duration::from_secs(1));
        assert_eq!(
            set.idle_for(Some(Duration::from_secs(10))),
            Some(Duration::from_secs(1))
        );
        let forever = StreamSettings::default().idle_timeout(None);
        assert_eq!(forever.idle_for(None), None);
    }
}
