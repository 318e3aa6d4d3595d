//! A [`Request`] ready to send, and [`RequestBuilder`], which builds one from the
//! arguments of a generated call and sends it.

use std::borrow::Cow;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use crate::endpoint::{Endpoint, Method, PathPart};
use crate::error::{InvalidArgument, Result};
use crate::param::{Segment, SegmentText};
use crate::response::{FromResponse, Response, check};
use crate::transport::Transport;

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

/// Everything but RFC 3986 unreserved characters is encoded, so a value can never
/// add a segment (`/`), start a query (`?`) or fragment (`#`), or be decoded into
/// something else (`%`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// RFC 3986 unreserved bytes, the ones a segment keeps as they are: one lookup per byte.
// `byte` < 256, so the cast cannot truncate (and `u8::try_from` is not const).
#[allow(clippy::cast_possible_truncation)]
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_' || b == b'~';
        byte += 1;
    }
    table
};

/// Builds a request from the arguments of a call and sends it; used by the code
/// `#[api]` generates (through `__private`), not a public API.
#[derive(Debug)]
pub struct RequestBuilder {
    request: Request,
}

fn invalid(
    endpoint: &'static Endpoint,
    argument: &str,
    reason: impl Into<String>,
) -> InvalidArgument {
    InvalidArgument::new(argument, reason).of(endpoint)
}

impl RequestBuilder {
    /// Starts a request for `endpoint`, filling its placeholders with `values` in
    /// template order.
    pub fn new(endpoint: &'static Endpoint, values: &[Segment<'_>]) -> Result<Self> {
        // The literals plus the values as they are: exact for IDs, which need no
        // encoding; `+ 16` leaves room for a short query without growing.
        let values_len: usize = values.iter().map(|v| v.as_str().len()).sum();
        let mut target = String::with_capacity(endpoint.literals_len + values_len + 16);
        let mut values = values.iter();
        for part in endpoint.parts {
            match *part {
                PathPart::Literal(text) => target.push_str(text),
                PathPart::Param(name) => {
                    let value = values.next().ok_or_else(|| {
                        invalid(endpoint, name, "no value was given for this placeholder")
                    })?;
                    push_segment(endpoint, name, value, &mut target)?;
                }
            }
        }
        Ok(RequestBuilder {
            request: Request {
                endpoint,
                target,
                query_start: None,
                headers: Vec::new(),
                body: None,
            },
        })
    }

    /// The endpoint of the request being built.
    #[must_use]
    pub fn endpoint(&self) -> &'static Endpoint {
        self.request.endpoint
    }

    /// Adds a `#[query]` argument: `None` adds nothing, a scalar becomes `key=value`,
    /// an array is sent as one JSON-encoded value, and a struct or map adds one pair
    /// per field in key order (`None` fields left out, array and object fields
    /// JSON-encoded).
    pub fn query<T: Serialize + ?Sized>(
        &mut self,
        argument: &str,
        key: &str,
        value: &T,
    ) -> Result<()> {
        let value = self.to_json(argument, value)?;
        self.query_value(key, &value);
        Ok(())
    }

    /// Adds a `#[query(json)]` argument: the whole value as one JSON-encoded string
    /// (`None` adds nothing), as Losant's object-valued query parameters expect.
    pub fn query_json<T: Serialize + ?Sized>(
        &mut self,
        argument: &str,
        key: &str,
        value: &T,
    ) -> Result<()> {
        let value = self.to_json(argument, value)?;
        if !value.is_null() {
            self.query_value(key, &Value::String(value.to_string()));
        }
        Ok(())
    }

    /// `value` as JSON; a serialization failure refuses the argument.
    fn to_json<T: Serialize + ?Sized>(&self, argument: &str, value: &T) -> Result<Value> {
        serde_json::to_value(value)
            .map_err(|e| invalid(self.request.endpoint, argument, e.to_string()).into())
    }

    fn query_value(&mut self, key: &str, value: &Value) {
        let request = &mut self.request;
        let start = *request.query_start.get_or_insert_with(|| {
            request.target.push('?');
            request.target.len()
        });
        let mut pairs = form_urlencoded::Serializer::for_suffix(&mut request.target, start);
        // Scalars are sent as text; arrays and objects as one JSON-encoded value, as
        // Losant's official clients do.
        let mut append = |key: &str, value: &Value| match value {
            Value::Null => {}
            Value::String(text) => {
                pairs.append_pair(key, text);
            }
            Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => {
                pairs.append_pair(key, &value.to_string());
            }
        };
        match value {
            Value::Object(fields) => fields.iter().for_each(|(k, v)| append(k, v)),
            other => append(key, other),
        }
        if request.target.len() == start {
            // Nothing was added: drop the lone `?`.
            request.target.pop();
            request.query_start = None;
        }
    }

    /// Adds a `#[header]` argument (`None` adds nothing). The value must be visible
    /// ASCII, spaces or tabs.
    pub fn header(
        &mut self,
        argument: &str,
        name: &'static str,
        value: Option<Cow<'_, str>>,
    ) -> Result<()> {
        let Some(value) = value else { return Ok(()) };
        if let Some(bad) = value
            .chars()
            .find(|&c| !(c == '\t' || (' '..='~').contains(&c)))
        {
            return Err(invalid(
                self.request.endpoint,
                argument,
                format!(
                    "header `{name}` cannot hold the character {bad:?}: header values are visible ASCII"
                ),
            )
            .into());
        }
        self.request.headers.push((name, value.into_owned()));
        Ok(())
    }

    /// Sets the `#[body]` argument, serialized as JSON; `None` (JSON `null`) sends no
    /// body. A serialization failure (such as a model refusing a value over its
    /// schema's limits) refuses the call.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, argument: &str, value: &T) -> Result<()> {
        let body = serde_json::to_vec(value)
            .map_err(|e| invalid(self.request.endpoint, argument, e.to_string()))?;
        // An absent optional body (`None`, serialized as `null`) sends no body at all.
        if body != b"null" {
            self.request.body = Some(body.into());
        }
        Ok(())
    }

    /// The finished request.
    #[must_use]
    pub fn finish(self) -> Request {
        self.request
    }

    /// Sends the request through `transport` and turns the 2xx answer into `T`.
    pub async fn send<T, Tr>(self, transport: &Tr) -> Result<T>
    where
        T: FromResponse,
        Tr: Transport + ?Sized,
    {
        let endpoint = self.endpoint();
        let response = self.send_checked(transport).await?;
        T::from_response(endpoint, &response)
    }

    /// Sends the request through `transport` and ignores a 2xx body.
    pub async fn send_empty<Tr>(self, transport: &Tr) -> Result<()>
    where
        Tr: Transport + ?Sized,
    {
        self.send_checked(transport).await.map(drop)
    }

    async fn send_checked<Tr: Transport + ?Sized>(self, transport: &Tr) -> Result<Response> {
        let endpoint = self.endpoint();
        let sent = match transport.as_client() {
            Some(client) => client.call(self.finish()).await,
            None => transport.send(self.finish()).await,
        };
        let response = sent.map_err(|e| e.with_endpoint(endpoint))?;
        check(endpoint, &response)?;
        Ok(response)
    }
}

/// Appends `value` as exactly one encoded segment, refusing values that would not
/// survive as one (`""`, `.`, `..`). An ID is copied as it is.
fn push_segment(
    endpoint: &'static Endpoint,
    name: &str,
    value: &Segment<'_>,
    target: &mut String,
) -> Result<()> {
    let value = match &value.0 {
        SegmentText::Id(raw) => {
            target.push_str(raw.as_str());
            return Ok(());
        }
        SegmentText::Unchecked(text) => &**text,
    };
    let reason = match value {
        "" => "a path segment cannot be empty",
        "." => "a path segment cannot be `.`",
        ".." => "a path segment cannot be `..`",
        _ => {
            // Most values (IDs, slugs) need no encoding: copy them in one go.
            if value.bytes().all(|b| UNRESERVED[usize::from(b)]) {
                target.push_str(value);
            } else {
                target.extend(percent_encoding::utf8_percent_encode(value, SEGMENT));
            }
            return Ok(());
        }
    };
    Err(invalid(endpoint, name, reason).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::__private::{EndpointSpec, endpoint};

    static GET: Endpoint = endpoint(EndpointSpec {
        name: "get_thing",
        method: Method::Get,
        path: "/things/<a>/parts/<b>",
        parts: &[
            PathPart::Literal("/things/"),
            PathPart::Param("a"),
            PathPart::Literal("/parts/"),
            PathPart::Param("b"),
        ],
        scope: "thing.get",
        accepted_scopes: &["thing.get"],
        auth: crate::Auth::Token,
        read: true,
        idempotent: true,
    });

    fn segments<'a>(a: &'a str, b: &'a str) -> [Segment<'a>; 2] {
        [Cow::Borrowed(a).into(), Cow::Borrowed(b).into()]
    }

    fn build(a: &str, b: &str) -> Result<Request> {
        RequestBuilder::new(&GET, &segments(a, b)).map(RequestBuilder::finish)
    }

    #[test]
    fn each_value_is_exactly_one_encoded_segment() {
        let request = build("a/b", "?x#y %2e é").unwrap();
        assert_eq!(
            request.path(),
            "/things/a%2Fb/parts/%3Fx%23y%20%252e%20%C3%A9"
        );
        assert_eq!(request.query(), None);
        assert_eq!(
            build("...", "~-_.").unwrap().path(),
            "/things/.../parts/~-_."
        );
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for bad in ["", ".", ".."] {
            let error = build("ok", bad).unwrap_err();
            assert!(error.is_rejected_before_sending(), "{bad:?}");
            assert!(
                error
                    .to_string()
                    .contains("invalid argument `b` for get_thing"),
                "{error}"
            );
        }
    }

    #[test]
    fn query_values_structs_sequences_and_none() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Filter {
            sort_field: &'static str,
            page: Option<u32>,
            tags: Vec<&'static str>,
            nested: serde_json::Value,
        }
        let mut builder = RequestBuilder::new(&GET, &segments("1", "2")).unwrap();
        builder.query("per_page", "perPage", &25u32).unwrap();
        builder.query("state", "state", &None::<&str>).unwrap();
        builder
            .query(
                "filter",
                "filter",
                &Filter {
                    sort_field: "subject",
                    page: None,
                    tags: vec!["a b", "c&d"],
                    nested: serde_json::json!({"$eq": 1}),
                },
            )
            .unwrap();
        let request = builder.finish();
        assert_eq!(
            request.query(),
            Some(
                "perPage=25&nested=%7B%22%24eq%22%3A1%7D&sortField=subject&tags=%5B%22a+b%22%2C%22c%26d%22%5D"
            )
        );
        assert_eq!(request.path(), "/things/1/parts/2");
    }

    #[test]
    fn a_query_of_only_none_leaves_no_question_mark() {
        let mut builder = RequestBuilder::new(&GET, &segments("1", "2")).unwrap();
        builder.query("page", "page", &None::<u32>).unwrap();
        let request = builder.finish();
        assert_eq!(request.path_and_query(), "/things/1/parts/2");
        assert_eq!(request.query(), None);
    }

    #[test]
    fn header_values_with_control_characters_are_refused() {
        let mut builder = RequestBuilder::new(&GET, &segments("1", "2")).unwrap();
        builder
            .header("trace", "x-trace", Some(Cow::Borrowed("ok value")))
            .unwrap();
        builder.header("none", "x-none", None).unwrap();
        let error = builder
            .header("trace", "x-trace", Some(Cow::Borrowed("a\r\nb")))
            .unwrap_err();
        assert!(error.is_rejected_before_sending());
        assert_eq!(
            builder.finish().headers(),
            &[("x-trace", "ok value".to_owned())]
        );
    }
}
