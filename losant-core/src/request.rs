//! A [`Request`] ready to send, and [`RequestBuilder`], which builds one from the
//! arguments of a generated call and sends it.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use crate::call::{GlobalParams, Settings};
use crate::endpoint::{Endpoint, Method, PathPart};
use crate::error::{InvalidArgument, Result};
use crate::multipart::{FilePart, Form, PartValue};
use crate::param::{Segment, SegmentText};
use crate::validate::Validate;

pub use crate::call::BoxFuture;

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
    /// The multipart form of an upload (never beside a JSON body).
    pub(crate) form: Option<Form>,
    /// The call's own overall timeout, replacing the client's.
    pub(crate) timeout: Option<Duration>,
    /// The call's own global parameters, over the client's.
    pub(crate) globals: GlobalParams,
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

    /// The request's own headers: those of `#[header = "..."]` arguments (lower-case
    /// names) and those a middleware set, with checked values. The client adds its own
    /// (`Authorization`, `Accept`, ...) when sending.
    #[must_use]
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The value of the header `name` (any case), if the request has it.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(have, _)| have.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Sets the header `name` to `value`, replacing one of the same name: what a
    /// middleware (a [`Transport`](crate::Transport) wrapping another) uses to add a tenant, a trace or a
    /// request ID. The headers the client sets itself (`Authorization`, `Accept`,
    /// `Accept-Version`, `User-Agent`, `Content-Type`, ...) cannot be set here, and the
    /// value must be visible ASCII, spaces or tabs.
    ///
    /// ```
    /// # use losant_core::__private::{endpoint, EndpointSpec, PathPart, RequestBuilder};
    /// # use losant_core::{Auth, Endpoint, Method};
    /// # static PING: Endpoint = endpoint(EndpointSpec { name: "ping", method: Method::Get, path: "/ping", parts: &[PathPart::Literal("/ping")], scope: "ping.get", accepted_scopes: &["ping.get"], auth: Auth::Token, read: true, idempotent: true });
    /// # let mut request = RequestBuilder::new(&PING, &[]).finish()?;
    /// request.set_header("X-Tenant", "greenhouse")?;
    /// request.append_query("trace", "a b");
    /// assert_eq!(request.header("x-tenant"), Some("greenhouse"));
    /// assert_eq!(request.path_and_query(), "/ping?trace=a%20b");
    /// assert!(request.set_header("Authorization", "Bearer other").is_err());
    /// # Ok::<(), losant_core::Error>(())
    /// ```
    pub fn set_header(
        &mut self,
        name: &'static str,
        value: &str,
    ) -> std::result::Result<(), InvalidArgument> {
        let lower = name.to_ascii_lowercase();
        if lower.is_empty()
            || !lower
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(invalid(
                self.endpoint,
                "header",
                format!("`{name}` is not a header name"),
            ));
        }
        if CLIENT_HEADERS.contains(&lower.as_str()) {
            return Err(invalid(
                self.endpoint,
                "header",
                format!("`{name}` is set by the client itself"),
            ));
        }
        if let Some(problem) = header_value_problem(name, value) {
            return Err(invalid(self.endpoint, "header", problem));
        }
        self.remove_header(name);
        self.headers.push((name, value.to_owned()));
        Ok(())
    }

    /// Removes the header `name` (any case), returning its value.
    pub fn remove_header(&mut self, name: &str) -> Option<String> {
        let at = self
            .headers
            .iter()
            .position(|(have, _)| have.eq_ignore_ascii_case(name))?;
        Some(self.headers.remove(at).1)
    }

    /// Adds `key=value` to the query string, both percent-encoded as the generated
    /// code encodes its query arguments.
    pub fn append_query(&mut self, key: &str, value: &str) {
        if self.query_start.is_none() {
            self.target.push('?');
            self.query_start = Some(self.target.len());
        } else {
            self.target.push('&');
        }
        encode_into(&mut self.target, key);
        self.target.push('=');
        encode_into(&mut self.target, value);
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

    /// The multipart form, when the endpoint uploads (has `#[part]` arguments).
    #[must_use]
    pub fn form(&self) -> Option<&Form> {
        self.form.as_ref()
    }

    /// Whether the request can be sent again: its body is not a stream that a first
    /// attempt consumes.
    #[must_use]
    pub fn is_resendable(&self) -> bool {
        self.form.as_ref().is_none_or(Form::is_resendable)
    }

    /// The call's own overall timeout ([`Call::timeout`](crate::CallSettings::timeout)), which
    /// replaces the client's when set.
    #[must_use]
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Sets the overall timeout of this request's call, replacing the client's.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// The global parameters this call sets over the client's
    /// ([`Call::actions`](crate::CallSettings::actions), ...); the client adds its own for
    /// the others.
    #[must_use]
    pub fn global_params(&self) -> GlobalParams {
        self.globals
    }
}

/// What is wrong with `value` as the value of the header `name`, if anything: header
/// values this crate sends are visible ASCII, spaces and tabs.
fn header_value_problem(name: &str, value: &str) -> Option<String> {
    let bad = value
        .chars()
        .find(|&c| !(c == '\t' || (' '..='~').contains(&c)))?;
    Some(format!(
        "header `{name}` cannot hold the character {bad:?}: header values are visible ASCII"
    ))
}

/// The headers the client sets on every request: neither an argument nor a middleware
/// may set them.
pub(crate) const CLIENT_HEADERS: &[&str] = &[
    "authorization",
    "accept",
    "accept-version",
    "user-agent",
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
    "connection",
];

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
///
/// A refused argument does not stop the building: the first refusal is kept, and the
/// call fails with it, with nothing sent. The generated code is then a straight line
/// of calls, which is quicker to compile than one early return per argument.
#[derive(Debug)]
pub struct RequestBuilder {
    request: Request,
    refused: Option<InvalidArgument>,
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
    #[must_use]
    pub fn new(endpoint: &'static Endpoint, values: &[Segment<'_>]) -> Self {
        // The literals plus the values as they are: exact for IDs, which need no
        // encoding; `+ 16` leaves room for a short query without growing.
        let values_len: usize = values.iter().map(|v| v.as_str().len()).sum();
        let mut target = String::with_capacity(endpoint.literals_len + values_len + 16);
        let mut refused = None;
        let mut values = values.iter();
        for part in endpoint.parts {
            match *part {
                PathPart::Literal(text) => target.push_str(text),
                PathPart::Param(name) => {
                    let pushed = match values.next() {
                        Some(value) => push_segment(endpoint, name, value, &mut target),
                        None => Err(invalid(
                            endpoint,
                            name,
                            "no value was given for this placeholder",
                        )),
                    };
                    if let Err(error) = pushed {
                        refused.get_or_insert(error);
                    }
                }
            }
        }
        RequestBuilder {
            request: Request {
                endpoint,
                target,
                query_start: None,
                headers: Vec::new(),
                body: None,
                form: None,
                timeout: None,
                globals: GlobalParams::NONE,
            },
            refused,
        }
    }

    /// The endpoint of the request being built.
    #[must_use]
    pub fn endpoint(&self) -> &'static Endpoint {
        self.request.endpoint
    }

    /// Records the first refused argument.
    fn refuse(&mut self, argument: &str, reason: impl Into<String>) {
        if self.refused.is_none() {
            self.refused = Some(invalid(self.request.endpoint, argument, reason));
        }
    }

    /// Adds a `#[query]` argument as Losant's official clients send it (`qs` with its
    /// defaults): `None` adds nothing; a scalar becomes `key=value`; a struct or map
    /// adds one parameter per field (`None` fields left out); inside those, arrays
    /// and objects use indexed brackets, `tagFilter[0][key]=a`, brackets
    /// percent-encoded. Keys and values are percent-encoded but for RFC 3986's
    /// unreserved characters.
    pub fn query<T: Serialize + ?Sized>(&mut self, argument: &str, key: &str, value: &T) {
        if let Some(value) = self.json_value(argument, value) {
            let target = self.query_target();
            match &value {
                // `None` is left out, as `qs` leaves out `undefined`.
                Value::Null => {}
                Value::Object(fields) => {
                    for (name, field) in fields.iter().filter(|(_, field)| !field.is_null()) {
                        let mut field_key = String::new();
                        encode_into(&mut field_key, name);
                        push_qs(target, &mut field_key, field);
                    }
                }
                other => {
                    let mut base = String::new();
                    encode_into(&mut base, key);
                    push_qs(target, &mut base, other);
                }
            }
            self.end_query();
        }
    }

    /// Adds a `#[query(json)]` argument: the whole value as one JSON-encoded string
    /// (`None` adds nothing), as Losant's object-valued query parameters expect.
    pub fn query_json<T: Serialize + ?Sized>(&mut self, argument: &str, key: &str, value: &T) {
        if let Some(value) = self.json_value(argument, value)
            && !value.is_null()
        {
            let target = self.query_target();
            let mut base = String::new();
            encode_into(&mut base, key);
            push_qs(target, &mut base, &Value::String(value.to_string()));
            self.end_query();
        }
    }

    /// `value` as JSON; a serialization failure (such as a number that is not
    /// finite) refuses the argument, naming the field inside it.
    fn json_value<T: Serialize + ?Sized>(&mut self, argument: &str, value: &T) -> Option<Value> {
        if self.refused.is_some() {
            return None;
        }
        match crate::json::to_value(value) {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.refuse_inside(argument, &invalid);
                None
            }
        }
    }

    /// Records `invalid`, found inside the argument `argument`, as the refusal of
    /// the field's whole path (`device.tags[3].key`).
    fn refuse_inside(&mut self, argument: &str, invalid: &InvalidArgument) {
        let field = match invalid.argument() {
            "" => argument.to_owned(),
            inner if inner.starts_with('[') => format!("{argument}{inner}"),
            inner => format!("{argument}.{inner}"),
        };
        self.refuse(&field, invalid.reason());
    }

    /// The target, with the query started (`?`).
    fn query_target(&mut self) -> &mut String {
        let request = &mut self.request;
        if request.query_start.is_none() {
            request.target.push('?');
            request.query_start = Some(request.target.len());
        }
        &mut request.target
    }

    /// Drops a `?` left with nothing after it.
    fn end_query(&mut self) {
        let request = &mut self.request;
        if request.query_start == Some(request.target.len()) {
            request.target.pop();
            request.query_start = None;
        }
    }

    /// Adds a `#[header]` argument (`None` adds nothing). The value must be visible
    /// ASCII, spaces or tabs.
    pub fn header(&mut self, argument: &str, name: &'static str, value: Option<Cow<'_, str>>) {
        let Some(value) = value else { return };
        if let Some(problem) = header_value_problem(name, &value) {
            self.refuse(argument, problem);
            return;
        }
        self.request.headers.push((name, value.into_owned()));
    }

    /// Sets the `#[body]` argument, serialized as JSON; `None` (JSON `null`) sends no
    /// body. A serialization failure (a number that is not finite, which JSON cannot
    /// hold, or a model refusing a value over its schema's limits) refuses the call,
    /// naming the field.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, argument: &str, value: &T) {
        if self.refused.is_some() {
            return;
        }
        match crate::json::to_vec(value) {
            // An absent optional body (`None`, serialized as `null`) sends no body.
            Ok(body) if body == b"null" => {}
            Ok(body) => self.request.body = Some(body.into()),
            Err(invalid) => self.refuse_inside(argument, &invalid),
        }
    }

    /// Sets a `#[body(validate)]` argument: checked against its schema's limits with
    /// [`Validate`] first, then serialized as [`json_body`](Self::json_body) does. A
    /// breach refuses the call, naming the field inside the argument
    /// (`device.tags[3].key`).
    pub fn valid_json_body<T: Serialize + Validate + ?Sized>(&mut self, argument: &str, value: &T) {
        if self.checked(argument, value) {
            self.json_body(argument, value);
        }
    }

    /// Checks `value` with [`Validate`]: `false` after a refusal (this one, or an
    /// earlier argument's), recorded naming the field inside `argument`.
    fn checked<T: Validate + ?Sized>(&mut self, argument: &str, value: &T) -> bool {
        if self.refused.is_some() {
            return false;
        }
        match value.validate() {
            Ok(()) => true,
            Err(invalid) => {
                self.refuse_inside(argument, &invalid);
                false
            }
        }
    }

    /// Adds a `#[part]` argument as a text part named `name` (`None` adds nothing): a
    /// string as it is, a number or a flag as JavaScript writes it. A value that is
    /// neither (an array, an object) refuses the call: such a part is `#[part(json)]`.
    pub fn text_part<T: Serialize + ?Sized>(
        &mut self,
        argument: &str,
        name: &'static str,
        value: &T,
    ) {
        let Some(value) = self.json_value(argument, value) else {
            return;
        };
        let text = match value {
            Value::Null => return,
            Value::String(text) => text,
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => number.to_string(),
            Value::Array(_) | Value::Object(_) => {
                self.refuse(
                    argument,
                    "a text part holds a string, a number or a flag; send an object as `#[part(json)]`",
                );
                return;
            }
        };
        self.push_part(argument, name, PartValue::Text(text));
    }

    /// Adds a `#[part(json)]` argument as a text part holding its JSON (`None` adds
    /// nothing), as the official clients send an `object` part.
    pub fn json_part<T: Serialize + ?Sized>(
        &mut self,
        argument: &str,
        name: &'static str,
        value: &T,
    ) {
        if self.refused.is_some() {
            return;
        }
        match crate::json::to_vec(value) {
            Ok(json) if json == b"null" => {}
            Ok(json) => {
                // `json::to_vec` writes UTF-8.
                let text = String::from_utf8_lossy(&json).into_owned();
                self.push_part(argument, name, PartValue::Text(text));
            }
            Err(invalid) => self.refuse_inside(argument, &invalid),
        }
    }

    /// Adds a `#[part(json, validate)]` argument: checked with [`Validate`] first,
    /// then as [`json_part`](Self::json_part).
    pub fn valid_json_part<T: Serialize + Validate + ?Sized>(
        &mut self,
        argument: &str,
        name: &'static str,
        value: &T,
    ) {
        if self.checked(argument, value) {
            self.json_part(argument, name, value);
        }
    }

    /// Adds a `#[part(file)]` argument as a file part named `name` (`None` adds
    /// nothing).
    pub fn file_part(&mut self, argument: &str, name: &'static str, value: Option<FilePart>) {
        if let Some(file) = value {
            self.push_part(argument, name, PartValue::File(file));
        }
    }

    fn push_part(&mut self, argument: &str, name: &'static str, value: PartValue) {
        self.request
            .form
            .get_or_insert_with(Form::default)
            .push(argument, name, value);
    }

    /// Applies the settings a caller gave the call ([`CallSettings`](crate::CallSettings)): its
    /// timeout, its global parameters and its headers, each header checked as
    /// [`Request::set_header`] checks one (a refusal fails the call, naming the
    /// header).
    #[inline]
    pub fn settings(&mut self, settings: Settings) {
        if settings.is_empty() {
            return;
        }
        self.settings_slow(settings);
    }

    #[inline(never)]
    fn settings_slow(&mut self, settings: Settings) {
        self.request.timeout = settings.timeout;
        self.request.globals = settings.globals;
        for (name, value) in settings.headers {
            if let Err(refused) = self.request.set_header(name, &value) {
                self.refused.get_or_insert(refused);
            }
        }
    }

    /// The finished request, or the first argument refused on the way.
    pub fn finish(self) -> Result<Request> {
        match self.refused {
            None => Ok(self.request),
            Some(refused) => Err(refused.into()),
        }
    }
}

/// Appends `text` percent-encoded but for RFC 3986's unreserved characters (what
/// `qs` does by default).
fn encode_into(out: &mut String, text: &str) {
    if text.bytes().all(|b| UNRESERVED[usize::from(b)]) {
        out.push_str(text);
    } else {
        out.extend(percent_encoding::utf8_percent_encode(text, SEGMENT));
    }
}

/// Appends the pairs of `value` under `key` (already encoded), `qs`-style: scalars as
/// `key=value`, arrays and objects with indexed brackets (`%5B0%5D`), `null` as
/// `key=`, empty arrays and objects as nothing; pairs are joined with `&`.
fn push_qs(out: &mut String, key: &mut String, value: &Value) {
    let text: Cow<'_, str> = match value {
        Value::Array(items) => {
            let base = key.len();
            for (index, item) in items.iter().enumerate() {
                key.truncate(base);
                key.push_str("%5B");
                key.push_str(&index.to_string());
                key.push_str("%5D");
                push_qs(out, key, item);
            }
            key.truncate(base);
            return;
        }
        Value::Object(fields) => {
            let base = key.len();
            for (name, field) in fields {
                key.truncate(base);
                key.push_str("%5B");
                encode_into(key, name);
                key.push_str("%5D");
                push_qs(out, key, field);
            }
            key.truncate(base);
            return;
        }
        Value::Null => Cow::Borrowed(""),
        Value::Bool(flag) => Cow::Borrowed(if *flag { "true" } else { "false" }),
        Value::Number(number) => Cow::Owned(number.to_string()),
        Value::String(text) => Cow::Borrowed(text),
    };
    if !out.ends_with('?') {
        out.push('&');
    }
    out.push_str(key);
    out.push('=');
    encode_into(out, &text);
}

/// Appends `value` as exactly one encoded segment, refusing values that would not
/// survive as one (`""`, `.`, `..`). An ID is copied as it is.
fn push_segment(
    endpoint: &'static Endpoint,
    name: &str,
    value: &Segment<'_>,
    target: &mut String,
) -> Result<(), InvalidArgument> {
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
    Err(invalid(endpoint, name, reason))
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
        RequestBuilder::new(&GET, &segments(a, b)).finish()
    }

    fn builder() -> RequestBuilder {
        RequestBuilder::new(&GET, &segments("1", "2"))
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
    fn query_parameters_are_encoded_as_qs_does() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        #[allow(clippy::struct_field_names)]
        struct Filter {
            sort_field: &'static str,
            page: Option<u32>,
            tags: Vec<&'static str>,
            tag_filter: serde_json::Value,
        }
        let mut builder = builder();
        builder.query("per_page", "perPage", &25u32);
        builder.query("state", "state", &None::<&str>);
        builder.query("flag", "flag", &true);
        builder.query(
            "filter",
            "filter",
            &Filter {
                sort_field: "sub ject*",
                page: None,
                tags: vec!["a b", "c&d"],
                tag_filter: serde_json::json!([{"key": "a", "value": "b"}, {"key": "c"}]),
            },
        );
        let request = builder.finish().unwrap();
        assert_eq!(
            request.query(),
            Some(concat!(
                "perPage=25&flag=true&sortField=sub%20ject%2A&",
                "tagFilter%5B0%5D%5Bkey%5D=a&tagFilter%5B0%5D%5Bvalue%5D=b&tagFilter%5B1%5D%5Bkey%5D=c&",
                "tags%5B0%5D=a%20b&tags%5B1%5D=c%26d"
            ))
        );
        assert_eq!(request.path(), "/things/1/parts/2");
    }

    #[test]
    fn an_object_parameter_is_one_json_value() {
        let mut builder = builder();
        builder.query_json("query", "query", &serde_json::json!({"$eq": "a b"}));
        builder.query_json("none", "none", &None::<u32>);
        let request = builder.finish().unwrap();
        assert_eq!(
            request.query(),
            Some("query=%7B%22%24eq%22%3A%22a%20b%22%7D")
        );
    }

    #[test]
    fn a_query_of_only_none_leaves_no_question_mark() {
        let mut builder = builder();
        builder.query("page", "page", &None::<u32>);
        builder.query("empty", "empty", &Vec::<u32>::new());
        let request = builder.finish().unwrap();
        assert_eq!(request.path_and_query(), "/things/1/parts/2");
        assert_eq!(request.query(), None);
    }

    #[test]
    fn the_first_refused_argument_fails_the_request() {
        let mut builder = builder();
        builder.header("trace", "x-trace", Some(Cow::Borrowed("ok value")));
        builder.header("none", "x-none", None);
        builder.header("bad", "x-bad", Some(Cow::Borrowed("a\r\nb")));
        builder.header("later", "x-later", Some(Cow::Borrowed("\u{7f}")));
        let error = builder.finish().unwrap_err();
        assert!(error.is_rejected_before_sending());
        assert!(
            error.to_string().contains("invalid argument `bad`"),
            "{error}"
        );
        let mut fine = RequestBuilder::new(&GET, &segments("1", "2"));
        fine.header("trace", "x-trace", Some(Cow::Borrowed("ok value")));
        assert_eq!(
            fine.finish().unwrap().headers(),
            &[("x-trace", "ok value".to_owned())]
        );
    }
}
