//! Support for the code `#[api]` and `id_type!` generate: re-exports, and the
//! constructor of endpoint constants. Not a public API: it may change in any release.

pub use std::borrow::Cow;

pub use async_trait::async_trait;
pub use serde;

pub use crate::endpoint::{EndpointSpec, PathPart};
pub use crate::id::RawId;
pub use crate::keyed::{named as keyed_named, tags as keyed_tags};
pub use crate::multipart::FileArg;
pub use crate::param::{HeaderArg, PathValue};
pub use crate::request::{BoxFuture, RequestBuilder};
pub use crate::sse::decode_message;
pub use crate::string_enum::deserialize_str_with;

use crate::endpoint::Endpoint;

/// The metadata constant of an endpoint, from its parts by name.
#[must_use]
pub const fn endpoint(spec: EndpointSpec) -> Endpoint {
    Endpoint::from_spec(spec)
}

/// Decodes a field that may be absent, `null` or a value into `None`, `Some(None)`
/// and `Some(Some(value))` (used with `#[serde(default)]`), so that a model can send
/// `null` to clear a field and leave it out to keep it.
// Absent, null and a value are three different requests: serde's usual idiom.
#[allow(clippy::option_option)]
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
