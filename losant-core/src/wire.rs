//! The client's side of the wire, over reqwest: a [`Request`] turned into an HTTP
//! request, a body read within the size limit, a failed attempt classified, and the
//! base URL checked.

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::call::GlobalParams;
use crate::endpoint::{Auth, Endpoint, Method};
use crate::error::{
    Call, ConfigError, Error, InvalidArgument, Result, TimeoutError, TimeoutKind, TransportError,
};
use crate::request::Request;
use crate::retry::{Failure, Retry};

/// The `User-Agent` of this crate, after the application's own when it gives one.
const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The `Authorization` header of `token`, marked sensitive (never shown by `Debug`,
/// never compressed into a shared table by HTTP/2).
pub(crate) fn authorization(token: &str) -> Result<HeaderValue> {
    let mut authorization = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
        ConfigError::error("the API token contains characters not allowed in an HTTP header")
    })?;
    authorization.set_sensitive(true);
    Ok(authorization)
}

/// What the HTTP client is built from.
pub(crate) struct HttpSettings<'a> {
    pub(crate) accept_version: &'a str,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) losant_domain: Option<&'a str>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) proxies: &'a [reqwest::Proxy],
    #[cfg(feature = "__tls")]
    pub(crate) root_certificates: &'a [reqwest::Certificate],
}

/// The headers every request carries: `Accept`, `Accept-Version`, `User-Agent`, and
/// `losantdomain` when the builder set one.
pub(crate) fn client_headers(settings: &HttpSettings<'_>) -> Result<HeaderMap> {
    let accept_version = HeaderValue::try_from(settings.accept_version).map_err(|_| {
        ConfigError::error("the Accept-Version value is not a valid HTTP header value")
    })?;
    let user_agent = match settings.user_agent {
        Some(app) => format!("{app} {USER_AGENT}"),
        None => USER_AGENT.to_owned(),
    };
    let user_agent = HeaderValue::try_from(user_agent)
        .map_err(|_| ConfigError::error("the user agent is not a valid HTTP header value"))?;

    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(HeaderName::from_static("accept-version"), accept_version);
    headers.insert(header::USER_AGENT, user_agent);
    if let Some(domain) = settings.losant_domain {
        let domain = HeaderValue::try_from(domain).map_err(|_| {
            ConfigError::error("the losantdomain value is not a valid HTTP header value")
        })?;
        headers.insert(HeaderName::from_static("losantdomain"), domain);
    }
    Ok(headers)
}

/// The reqwest client every request goes through: the headers every request carries
/// (the token is added per request, for the endpoints that take it), no redirects,
/// the connect timeout, the proxies and extra root certificates. (The attempt
/// timeout is the client's own, around the whole attempt: reqwest's would box a
/// timer and wrap the body on every request.) Responses are decompressed by the
/// enabled `gzip`, `brotli` and `zstd` features, before the size limit counts them.
pub(crate) fn http_client(settings: &HttpSettings<'_>) -> Result<reqwest::Client> {
    install_crypto_provider();
    let mut http = reqwest::Client::builder()
        .default_headers(client_headers(settings)?)
        .redirect(reqwest::redirect::Policy::none());
    if let Some(timeout) = settings.connect_timeout {
        http = http.connect_timeout(timeout);
    }
    for proxy in settings.proxies {
        http = http.proxy(proxy.clone());
    }
    #[cfg(feature = "__tls")]
    if !settings.root_certificates.is_empty() {
        http = http.tls_certs_merge(settings.root_certificates.iter().cloned());
    }
    http.build()
        .map_err(|e| ConfigError::error(format!("the HTTP client could not be built: {e}")))
}

/// With the default `rustls` feature (and not `rustls-aws-lc`), makes ring the
/// process's rustls crypto provider when the application installed none, so that
/// reqwest (built without a provider of its own) has one. A provider the application
/// installed first stands. Nothing otherwise.
///
/// [`Client::builder`](crate::Client::builder) does this; call it first when the
/// application builds a `reqwest::Client` of its own before any client of this crate
/// (reqwest panics without a provider).
///
/// ```
/// losant_core::install_crypto_provider();
/// let http = reqwest::Client::new();
/// ```
pub fn install_crypto_provider() {
    #[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one meanwhile: then that one stands.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The base URL, parsed once: each request's URL is this one with its path and query
/// set, which is a third of the cost of parsing a whole URL (its host is not parsed
/// again).
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    /// Scheme, host and port.
    url: reqwest::Url,
    /// The path prefix, without a trailing `/` (empty for most).
    prefix: String,
    /// The whole base URL as given, without a trailing `/`.
    text: String,
    /// The global parameters every request sends unless it sets its own.
    globals: GlobalParams,
    /// `url` with `globals` as its query, parsed once: a request with no query of its
    /// own only sets its path on a copy (setting a path keeps the query).
    with_globals: reqwest::Url,
}

impl BaseUrl {
    /// The base URL as text, without a trailing `/`.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// This base URL, sending `globals` on every request that does not set its own.
    pub(crate) fn with_globals(mut self, globals: GlobalParams) -> BaseUrl {
        let mut query = String::new();
        globals.write(&mut query);
        self.with_globals = self.url.clone();
        self.with_globals
            .set_query((!query.is_empty()).then_some(query.as_str()));
        self.globals = globals;
        self
    }

    /// The URL of `request`, with the global parameters (the client's, under those
    /// the call set) before the request's own query, as the official clients write
    /// them.
    fn join(&self, request: &Request, globals: Globals) -> reqwest::Url {
        let own = request.global_params();
        let path = request.path();
        let mut url;
        if globals == Globals::Omitted {
            url = self.url.clone();
            url.set_query(request.query());
        } else if request.query().is_none() && own == GlobalParams::NONE {
            url = self.with_globals.clone();
        } else {
            url = self.url.clone();
            let globals = self.globals.overridden_by(own);
            let own_query = request.query().unwrap_or_default();
            if globals == GlobalParams::NONE {
                url.set_query(request.query());
            } else {
                let mut query = String::with_capacity(48 + own_query.len());
                globals.write(&mut query);
                if !own_query.is_empty() {
                    query.push('&');
                    query.push_str(own_query);
                }
                url.set_query(Some(&query));
            }
        }
        if self.prefix.is_empty() {
            url.set_path(path);
        } else {
            url.set_path(&format!("{}{path}", self.prefix));
        }
        url
    }
}

/// Whether a request carries Losant's global parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Globals {
    /// The client's, under those the call set: every call.
    Sent,
    /// None: a stream of events, which the official clients open without them.
    Omitted,
}

/// The reqwest request for `request`, with `authorization` when the client has a
/// token and the endpoint takes it (always or optionally), and its JSON body. Built
/// as a `reqwest::Request` directly and executed by the client: reqwest's
/// `RequestBuilder` would convert and insert each header again (its one use here is a
/// multipart form, which only the builder assembles).
pub(crate) fn to_reqwest(
    base: &BaseUrl,
    authorization: Option<&HeaderValue>,
    request: &Request,
    globals: Globals,
) -> Result<reqwest::Request, InvalidArgument> {
    let endpoint = request.endpoint();
    let mut out = reqwest::Request::new(
        reqwest_method(endpoint.method()),
        base.join(request, globals),
    );
    let headers = out.headers_mut();
    if let Some(authorization) = authorization
        && endpoint.auth() != Auth::None
    {
        headers.insert(header::AUTHORIZATION, authorization.clone());
    }
    for (name, value) in request.headers() {
        let name = HeaderName::from_bytes(name.as_bytes());
        let value = HeaderValue::from_str(value);
        let (Ok(name), Ok(value)) = (name, value) else {
            return Err(InvalidArgument::new("header", "not a valid HTTP header").of(endpoint));
        };
        headers.append(name, value);
    }
    if let Some(body) = &request.body {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        *out.body_mut() = Some(body.clone().into());
    }
    Ok(out)
}

fn reqwest_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// Why a body could not be read whole.
pub(crate) enum ReadError {
    /// It is larger than the limit.
    TooLarge,
    /// The connection failed while reading it.
    Transport(reqwest::Error),
}

/// Reads a whole body, refusing it as soon as it grows past `limit` bytes (or at once
/// when its announced length is larger). A body in one chunk, the common case, is
/// kept without a copy.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, ReadError> {
    let announced = response.content_length();
    if announced.is_some_and(|len| len > limit as u64) {
        return Err(ReadError::TooLarge);
    }
    let mut received = 0usize;
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        received = received.saturating_add(chunk.len());
        if received > limit {
            return Err(ReadError::TooLarge);
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            head => {
                if let Some(head) = head {
                    let expected = announced
                        .and_then(|len| usize::try_from(len).ok())
                        .unwrap_or(received);
                    joined.reserve(expected.max(received));
                    joined.extend_from_slice(&head);
                }
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(match first {
        Some(only) => only,
        None => Bytes::from(joined),
    })
}

/// Where the HTTP client came from, which decides what its timeouts mean.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HttpOrigin {
    /// Built by this crate: reqwest enforces only the connect timeout, this one.
    Built { connect_timeout: Option<Duration> },
    /// Given with [`http_client`](crate::ClientBuilder::http_client): its own
    /// timeouts (`connect_timeout`, `timeout`, `read_timeout`) are unknown here.
    Given,
}

/// Turns a reqwest failure of one attempt into its typed error, keeping it as the
/// error's source, and says whether the attempt may be retried.
///
/// Only a failure to connect proves that nothing was sent, so only that may be
/// retried for any endpoint; a timeout after connecting (a given client's `timeout`
/// or `read_timeout`, the operating system's) may have reached the server, so it is
/// retried only for idempotent endpoints.
pub(crate) fn classify(
    endpoint: &'static Endpoint,
    error: reqwest::Error,
    origin: HttpOrigin,
) -> Failure {
    let call = Call::new(Some(endpoint), 1);
    let (connect, timed_out) = (error.is_connect(), error.is_timeout());
    let retry = if connect {
        Retry::Always
    } else {
        Retry::IfIdempotent
    };
    // The timeouts a timed-out failure can be: the connect timeout, or (only a given
    // client has them) that client's own after connecting. Reqwest built here has no
    // other: its timeout after connecting is the operating system's, a transport error.
    let timeout = match origin {
        _ if !timed_out => None,
        HttpOrigin::Built { connect_timeout } if connect => {
            Some((TimeoutKind::Connect, connect_timeout))
        }
        HttpOrigin::Given if connect => Some((TimeoutKind::Connect, None)),
        HttpOrigin::Given => Some((TimeoutKind::HttpClient, None)),
        HttpOrigin::Built { .. } => None,
    };
    if let Some((kind, after)) = timeout {
        let error = Error::Timeout(Box::new(TimeoutError { call, kind, after }));
        return Failure { error, retry };
    }
    let message = if connect {
        "could not connect (nothing was sent)"
    } else if timed_out {
        "the connection timed out after the request was sent"
    } else {
        "the request failed"
    };
    let mut error = TransportError::new(message).with_source(error);
    error.call = call;
    Failure {
        error: error.into(),
        retry,
    }
}

/// Checks a base URL and parses it once.
pub(crate) fn check_base_url(input: &str, allow_insecure_http: bool) -> Result<BaseUrl> {
    let url = reqwest::Url::parse(input)
        .map_err(|e| ConfigError::error(format!("invalid base URL `{input}`: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                None => false,
            };
            if !loopback && !allow_insecure_http {
                return Err(ConfigError::error(format!(
                    "base URL `{input}` uses http:// for a host that is not loopback, which would send the token in clear text; use https:// or `allow_insecure_http(true)`"
                )));
            }
        }
        other => {
            return Err(ConfigError::error(format!(
                "base URL `{input}` has scheme `{other}`; expected https:// (or http:// for loopback)"
            )));
        }
    }
    if url.host().is_none() {
        return Err(ConfigError::error(format!(
            "base URL `{input}` has no host"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::error(
            "the base URL must not hold credentials; pass the token with `token(...)`",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::error(format!(
            "base URL `{input}` must not have a query or fragment"
        )));
    }
    let text = url.as_str().trim_end_matches('/').to_owned();
    let prefix = url.path().trim_end_matches('/').to_owned();
    let mut origin = url;
    origin.set_path("");
    Ok(BaseUrl {
        with_globals: origin.clone(),
        url: origin,
        prefix,
        text,
        globals: GlobalParams::NONE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_prefix_and_drops_the_trailing_slash() {
        let text = |url: &str| check_base_url(url, false).unwrap().as_str().to_owned();
        assert_eq!(text("https://api.losant.com"), "https://api.losant.com");
        assert_eq!(
            text("https://proxy.example/losant/"),
            "https://proxy.example/losant"
        );
        assert_eq!(text("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(text("http://[::1]:8080/"), "http://[::1]:8080");
        assert_eq!(text("http://localhost"), "http://localhost");
    }

    #[test]
    fn a_request_url_keeps_the_prefix_and_the_encoded_path_and_query() {
        use crate::__private::{EndpointSpec, PathPart, RequestBuilder, endpoint};
        use std::borrow::Cow;

        static GET: Endpoint = endpoint(EndpointSpec {
            name: "get_file",
            method: Method::Get,
            path: "/files/<name>",
            parts: &[PathPart::Literal("/files/"), PathPart::Param("name")],
            scope: "file.get",
            accepted_scopes: &["file.get"],
            auth: Auth::Token,
            read: true,
            idempotent: true,
        });
        let mut builder = RequestBuilder::new(&GET, &[Cow::Borrowed("a b/%c?").into()]);
        builder.query("q", "q", "x&y z");
        let request = builder.finish().unwrap();
        for (base, expected) in [
            (
                "https://api.losant.com",
                "https://api.losant.com/files/a%20b%2F%25c%3F?q=x%26y%20z",
            ),
            (
                "https://proxy.example/losant/",
                "https://proxy.example/losant/files/a%20b%2F%25c%3F?q=x%26y%20z",
            ),
        ] {
            let base = check_base_url(base, false).unwrap();
            assert_eq!(base.join(&request, Globals::Sent).as_str(), expected);
            let base = base.with_globals(GlobalParams::OFFICIAL);
            let official = expected.replace('?', "?_actions=false&_links=true&_embedded=true&");
            assert_eq!(base.join(&request, Globals::Sent).as_str(), official);
            let no_query = RequestBuilder::new(&GET, &[Cow::Borrowed("a").into()])
                .finish()
                .unwrap();
            assert!(
                base.join(&no_query, Globals::Sent)
                    .as_str()
                    .ends_with("/files/a?_actions=false&_links=true&_embedded=true")
            );
            // A stream is opened with its own query only, as the official clients do.
            assert_eq!(base.join(&request, Globals::Omitted).as_str(), expected);
            assert!(
                base.join(&no_query, Globals::Omitted)
                    .as_str()
                    .ends_with("/files/a")
            );
        }
    }

    #[test]
    fn unsafe_base_urls_are_refused() {
        for bad in [
            "http://api.losant.com",
            "ftp://api.losant.com",
            "https://user:pass@api.losant.com",
            "https://api.losant.com/?x=1",
            "not a url",
        ] {
            let error = check_base_url(bad, false).unwrap_err();
            assert!(matches!(error, Error::Config(_)), "{bad}: {error}");
        }
        assert!(check_base_url("http://10.0.0.2", true).is_ok());
    }
}
