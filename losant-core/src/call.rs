//! What every call has beside its own arguments: the settings a caller may give one
//! call ([`CallSettings`]: a timeout, a header, Losant's global parameters) and the future an
//! API trait answers with ([`Reply`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::error::Result;

/// A boxed future that is `Send`: what a [`Reply`] holds.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The future of one call: what awaiting a call type (such as
/// `losant_events::GetEvent`) gives, and what an API trait's `run_*` methods return.
///
/// A hand-written implementation of an API trait (a test double) makes one from
/// any `Send` future with [`Reply::new`], or from a result at hand with
/// [`Reply::ready`]:
///
/// ```
/// use losant_core::{Reply, Result};
///
/// fn answer<'a>(value: u32) -> Reply<'a, u32> {
///     Reply::new(async move { Ok(value * 2) })
/// }
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert_eq!(answer(21).await?, 42);
/// assert_eq!(Reply::ready(Ok(7)).await?, 7);
/// # Ok::<(), losant_core::Error>(()) }).unwrap();
/// ```
#[must_use = "a reply does nothing unless it is awaited"]
pub struct Reply<'a, T>(BoxFuture<'a, Result<T>>);

impl<'a, T> Reply<'a, T> {
    /// The reply that `future` gives.
    pub fn new(future: impl Future<Output = Result<T>> + Send + 'a) -> Self {
        Reply(Box::pin(future))
    }

    /// The reply `result`, at once.
    pub fn ready(result: Result<T>) -> Self
    where
        T: Send + 'a,
    {
        Reply(Box::pin(std::future::ready(result)))
    }
}

impl<'a, T> From<BoxFuture<'a, Result<T>>> for Reply<'a, T> {
    fn from(future: BoxFuture<'a, Result<T>>) -> Self {
        Reply(future)
    }
}

impl<T> Future for Reply<'_, T> {
    type Output = Result<T>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        self.0.as_mut().poll(cx)
    }
}

impl<T> fmt::Debug for Reply<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reply")
    }
}

/// Losant's global query parameters, which the official clients send on every call
/// (`_actions=false&_links=true&_embedded=true`): whether an answer lists the actions
/// on the resource, its links, and its embedded resources. `None` leaves one out (the
/// server's default).
///
/// The client sends [`GlobalParams::OFFICIAL`] unless its builder says otherwise
/// ([`ClientBuilder::global_params`](crate::ClientBuilder::global_params)); a call
/// overrides each with [`CallSettings::actions`], [`CallSettings::links`] and [`CallSettings::embedded`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GlobalParams {
    /// `_actions`: list the actions on the resource in the answer.
    pub actions: Option<bool>,
    /// `_links`: list the resource's links in the answer.
    pub links: Option<bool>,
    /// `_embedded`: embed related resources in the answer.
    pub embedded: Option<bool>,
}

impl GlobalParams {
    /// What the official JavaScript and Python clients send:
    /// `_actions=false&_links=true&_embedded=true`.
    pub const OFFICIAL: GlobalParams = GlobalParams {
        actions: Some(false),
        links: Some(true),
        embedded: Some(true),
    };

    /// None of them: the server's defaults.
    pub const NONE: GlobalParams = GlobalParams {
        actions: None,
        links: None,
        embedded: None,
    };

    /// `self`, with each parameter `over` sets replaced.
    #[must_use]
    pub fn overridden_by(self, over: GlobalParams) -> GlobalParams {
        GlobalParams {
            actions: over.actions.or(self.actions),
            links: over.links.or(self.links),
            embedded: over.embedded.or(self.embedded),
        }
    }

    /// Appends the parameters that are set to `query`, as `qs` writes them
    /// (`_actions=false&_links=true&_embedded=true`), with a `&` before each but the
    /// first when `query` is empty.
    pub(crate) fn write(self, query: &mut String) {
        let params = [
            ("_actions=", self.actions),
            ("_links=", self.links),
            ("_embedded=", self.embedded),
        ];
        for (key, value) in params {
            if let Some(value) = value {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(key);
                query.push_str(if value { "true" } else { "false" });
            }
        }
    }
}

/// The settings a caller gave one call, applied when it is sent: see [`CallSettings`].
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub(crate) timeout: Option<Duration>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) globals: GlobalParams,
    /// A stream action's settings ([`StreamCall`]).
    pub(crate) stream: Option<Box<StreamSettings>>,
}

impl Settings {
    /// Whether nothing was set: the call is sent as the client sends every call.
    #[must_use]
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.timeout.is_none() && self.headers.is_empty() && self.globals == GlobalParams::NONE
    }

    /// Takes a stream action's settings out (the defaults when none were set): what
    /// the code generated for a stream action opens it with.
    #[doc(hidden)]
    pub fn take_stream(&mut self) -> StreamSettings {
        self.stream
            .take()
            .map(|settings| *settings)
            .unwrap_or_default()
    }
}

/// The settings of a stream action's call beside [`CallSettings`]: how its stream of
/// events reconnects, and its idle timeout and message size limit. Implemented for
/// the call of every action that answers with a stream.
pub trait StreamCall: CallSettings {
    /// All of the stream's settings at once.
    fn stream_settings(mut self, settings: StreamSettings) -> Self {
        self.settings_mut().stream = Some(Box::new(settings));
        self
    }

    /// Whether a dropped stream is opened again (default: yes).
    fn reconnect(self, reconnect: bool) -> Self {
        self.with_stream(|settings| settings.reconnect(reconnect))
    }

    /// How long the stream may send nothing before it is taken as dropped (default:
    /// three keep-alive intervals, from the call's `keepAliveInterval` or else the API's
    /// 2 s).
    fn idle_timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
        let timeout = timeout.into();
        self.with_stream(|settings| settings.idle_timeout(timeout))
    }

    /// The most bytes of one message (default 1 MiB).
    fn max_message_bytes(self, limit: usize) -> Self {
        self.with_stream(|settings| settings.max_message_bytes(limit))
    }

    #[doc(hidden)]
    fn with_stream(mut self, change: impl FnOnce(StreamSettings) -> StreamSettings) -> Self {
        let stream = &mut self.settings_mut().stream;
        let current = stream.take().map(|settings| *settings).unwrap_or_default();
        *stream = Some(Box::new(change(current)));
        self
    }
}

/// The settings every call type takes beside its own parameters: an overall timeout,
/// a header, and Losant's global parameters. Call types are what API methods return
/// (`client.get_device(&app, &device)`); set these on one, then `.await` it.
///
/// ```no_run
/// # async fn run(client: losant_core::Client, app: losant_core::ApplicationId, id: losant_core::EventId) -> losant_core::Result<()> {
/// use std::time::Duration;
/// use losant_core::CallSettings;
/// # use losant_core::{api, Result};
/// # #[api] trait EventApi {
/// #     #[endpoint(method = "GET", path = "/applications/<app>/events/<event>", scope = "event.get")]
/// #     async fn get_event(&self, app: &losant_core::ApplicationId, event: &losant_core::EventId) -> Result<serde_json::Value>;
/// # }
///
/// let event = client
///     .get_event(&app, &id)
///     .timeout(Duration::from_secs(5))
///     .header("x-request-id", "incident-42")
///     .embedded(false)
///     .await?;
/// # Ok(()) }
/// ```
pub trait CallSettings: Sized {
    /// The settings of this call; what the provided methods change.
    fn settings_mut(&mut self) -> &mut Settings;

    /// Ends this call after `timeout` in all (retries and waits included) instead of
    /// the client's overall timeout.
    #[must_use]
    fn timeout(mut self, timeout: Duration) -> Self {
        self.settings_mut().timeout = Some(timeout);
        self
    }

    /// Sends the header `name: value` with this call, replacing one of the same name.
    /// The headers the client sets itself (`Authorization`, `Accept`, ...) cannot be
    /// set, and the value must be visible ASCII: otherwise the call fails before
    /// anything is sent.
    #[must_use]
    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let headers = &mut self.settings_mut().headers;
        headers.retain(|(have, _)| !have.eq_ignore_ascii_case(name));
        headers.push((name, value.into()));
        self
    }

    /// Sends Losant's `losantdomain` header (the domain scope of the request, rarely
    /// needed) with this call.
    #[must_use]
    fn losant_domain(self, domain: impl Into<String>) -> Self {
        self.header("losantdomain", domain)
    }

    /// Sets the `_actions` global parameter of this call.
    #[must_use]
    fn actions(mut self, actions: bool) -> Self {
        self.settings_mut().globals.actions = Some(actions);
        self
    }

    /// Sets the `_links` global parameter of this call.
    #[must_use]
    fn links(mut self, links: bool) -> Self {
        self.settings_mut().globals.links = Some(links);
        self
    }

    /// Sets the `_embedded` global parameter of this call.
    #[must_use]
    fn embedded(mut self, embedded: bool) -> Self {
        self.settings_mut().globals.embedded = Some(embedded);
        self
    }
}

/// How a stream behaves: reconnection, the idle timeout and the message size limit.
#[derive(Debug, Clone)]
#[must_use]
pub struct StreamSettings {
    pub(crate) reconnect: bool,
    pub(crate) max_reconnects: Option<u32>,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) idle_timeout: Idle,
    pub(crate) max_message_bytes: usize,
}

/// A stream's idle timeout: set, or derived from the keep-alive interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idle {
    /// Three keep-alive intervals, known when the stream is opened.
    FromKeepAlive,
    /// As set (`None`: none).
    Set(Option<Duration>),
}

/// The keep-alive interval of Losant's streams when the call does not set one
/// (`keepAliveInterval`'s documented default).
pub(crate) const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(2);

/// The default most bytes of one message (and the comments before it): 1 MiB.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 1024 * 1024;

impl Default for StreamSettings {
    fn default() -> Self {
        StreamSettings {
            reconnect: true,
            max_reconnects: None,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            idle_timeout: Idle::FromKeepAlive,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

impl StreamSettings {
    /// Whether a dropped stream is opened again (default: yes). Off, a drop ends the
    /// stream with an error.
    pub fn reconnect(mut self, reconnect: bool) -> Self {
        self.reconnect = reconnect;
        self
    }

    /// The most reconnections in a row without a message between them (default: no
    /// limit); past it, the last failure ends the stream.
    pub fn max_reconnects(mut self, limit: impl Into<Option<u32>>) -> Self {
        self.max_reconnects = limit.into();
        self
    }

    /// The wait before the first reconnection (default 1 s), doubled for each one in a
    /// row up to [`max_delay`](Self::max_delay); a `retry:` of the server replaces it.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait between reconnections (default 30 s).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How long the stream may send nothing before it is taken as dropped; `None`
    /// waits forever. By default it is derived from the keep-alive interval: three of
    /// the intervals the call asks the server for (`keepAliveInterval`), or of the
    /// API's default 2 s.
    pub fn idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.idle_timeout = Idle::Set(timeout.into());
        self
    }

    /// The idle timeout for a server that sends a keep-alive every `interval`: three
    /// intervals, so that one late keep-alive is not a drop.
    pub fn keep_alive_interval(self, interval: Duration) -> Self {
        self.idle_timeout(interval.saturating_mul(3))
    }

    /// The idle timeout in effect for a stream whose server sends a keep-alive every
    /// `keep_alive` (when the call asked for an interval): the one set, else three
    /// intervals.
    pub(crate) fn idle_for(&self, keep_alive: Option<Duration>) -> Option<Duration> {
        match self.idle_timeout {
            Idle::Set(set) => set,
            Idle::FromKeepAlive => Some(keep_alive.unwrap_or(DEFAULT_KEEP_ALIVE).saturating_mul(3)),
        }
    }

    /// The most bytes of one message, with the comments before it (default 1 MiB); a
    /// larger one ends the stream with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
    pub fn max_message_bytes(mut self, limit: usize) -> Self {
        self.max_message_bytes = limit;
        self
    }

    pub(crate) fn delay(&self, failures: u32, server_retry: Option<Duration>) -> Duration {
        if let Some(retry) = server_retry {
            return retry.min(self.max_delay);
        }
        let doubled = self
            .base_delay
            .saturating_mul(1 << failures.saturating_sub(1).min(16));
        doubled.min(self.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::GlobalParams;

    #[test]
    fn global_params_write_as_qs_does() {
        let mut query = String::new();
        GlobalParams::OFFICIAL.write(&mut query);
        assert_eq!(query, "_actions=false&_links=true&_embedded=true");
        let mut query = String::new();
        GlobalParams::NONE.write(&mut query);
        assert_eq!(query, "");
        let over = GlobalParams {
            embedded: Some(false),
            ..GlobalParams::NONE
        };
        let mut query = String::new();
        GlobalParams::OFFICIAL.overridden_by(over).write(&mut query);
        assert_eq!(query, "_actions=false&_links=true&_embedded=false");
    }
}
