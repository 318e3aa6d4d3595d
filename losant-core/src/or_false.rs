//! [`OrFalse`]: a value the API writes as `false` when it is not set (an
//! organization's `disabledAt`).

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A value, or `false` for none: the schema's `oneOf` of `false` and a type.
///
/// `false` is sent and read as [`False`](Self::False): an organization's
/// `disabledAt` is `false` while it is enabled, and patching it to `false` enables
/// it again.
///
/// ```
/// use losant_core::{OrFalse, Timestamp};
///
/// let enabled: OrFalse<Timestamp> = serde_json::from_str("false")?;
/// assert_eq!(enabled, OrFalse::False);
/// let disabled: OrFalse<Timestamp> = serde_json::from_str(r#""2026-12-03T10:00:00.000Z""#)?;
/// assert!(disabled.value().is_some());
/// assert_eq!(serde_json::to_string(&OrFalse::<Timestamp>::False)?, "false");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OrFalse<T> {
    /// `false`: not set.
    #[default]
    False,
    /// The value.
    Value(T),
}

impl<T> OrFalse<T> {
    /// The value, `None` for `false`.
    pub fn value(&self) -> Option<&T> {
        match self {
            OrFalse::False => None,
            OrFalse::Value(value) => Some(value),
        }
    }

    /// The value, `None` for `false`.
    pub fn into_value(self) -> Option<T> {
        match self {
            OrFalse::False => None,
            OrFalse::Value(value) => Some(value),
        }
    }
}

impl<T> From<T> for OrFalse<T> {
    fn from(value: T) -> Self {
        OrFalse::Value(value)
    }
}

impl<T: Serialize> Serialize for OrFalse<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OrFalse::False => serializer.serialize_bool(false),
            OrFalse::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for OrFalse<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Bool(false) => Ok(OrFalse::False),
            Value::Bool(true) => Err(D::Error::custom("`true` is not a value here, only `false`")),
            value => T::deserialize(value)
                .map(OrFalse::Value)
                .map_err(D::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn false_and_values_round_trip_and_true_is_refused() {
        let read: Vec<OrFalse<u32>> = serde_json::from_str("[false, 7]").unwrap();
        assert_eq!(read, [OrFalse::False, OrFalse::Value(7)]);
        assert_eq!(serde_json::to_string(&read).unwrap(), "[false,7]");
        assert!(serde_json::from_str::<OrFalse<u32>>("true").is_err());
        assert!(serde_json::from_str::<OrFalse<u32>>(r#""x""#).is_err());
        assert_eq!(OrFalse::from(3).into_value(), Some(3));
    }
}
