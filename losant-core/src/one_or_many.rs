//! Bodies that hold one value or a list of them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::validate::{Checker, Validate};

/// One value or a list of values, where the API takes either (a device's state, one
/// report or many at once). Serialized as the value itself or as a JSON array; a JSON
/// array is always read as [`Many`](OneOrMany::Many), even where one value could be
/// read from an array too.
///
/// ```
/// use losant_core::OneOrMany;
///
/// let one = OneOrMany::One(1);
/// let many: OneOrMany<i32> = vec![1, 2].into();
/// assert_eq!(serde_json::to_string(&one)?, "1");
/// assert_eq!(serde_json::to_string(&many)?, "[1,2]");
/// let back: OneOrMany<i32> = serde_json::from_str("[3]")?;
/// assert_eq!(back.into_vec(), [3]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// A list of values.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values, one or many, as a list.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(value) => vec![value],
            OneOrMany::Many(values) => values,
        }
    }

    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(value) => std::slice::from_ref(value),
            OneOrMany::Many(values) => values,
        }
    }
}

impl<T> AsRef<[T]> for OneOrMany<T> {
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(value: T) -> Self {
        OneOrMany::One(value)
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        OneOrMany::Many(values)
    }
}

impl<T: Validate> Validate for OneOrMany<T> {
    fn check(&self, at: &mut Checker) {
        match self {
            OneOrMany::One(value) => value.check(at),
            OneOrMany::Many(values) => values.check(at),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    /// An array is many values; anything else is one. Decided by the first token, so
    /// nothing is buffered or tried twice.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

struct OneOrManyVisitor<T>(PhantomData<T>);

macro_rules! one_scalar {
    ($($method:ident($ty:ty);)*) => {
        $(
            fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
                T::deserialize(value.into_deserializer()).map(OneOrMany::One)
            }
        )*
    };
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = OneOrMany<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or an array of values")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Vec::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        T::deserialize(de::value::BorrowedStrDeserializer::new(value)).map(OneOrMany::One)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        T::deserialize(().into_deserializer()).map(OneOrMany::One)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    one_scalar! {
        visit_bool(bool);
        visit_i64(i64);
        visit_u64(u64);
        visit_f64(f64);
        visit_str(&str);
        visit_string(String);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Tag {
        key: String,
        value: String,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct State {
        data: serde_json::Value,
    }

    #[test]
    fn an_array_is_always_many() {
        let states: OneOrMany<State> =
            crate::json::from_slice(br#"[{"data":{"temp":5}}]"#).unwrap();
        assert_eq!(
            states,
            OneOrMany::Many(vec![State {
                data: serde_json::json!({"temp": 5})
            }])
        );
        // Two strings are not one tag read by position.
        assert!(serde_json::from_str::<OneOrMany<Tag>>(r#"["k","v"]"#).is_err());
        let one: OneOrMany<Tag> = serde_json::from_str(r#"{"key":"k","value":"v"}"#).unwrap();
        assert_eq!(one.as_slice().len(), 1);
        assert_eq!(
            serde_json::from_str::<OneOrMany<String>>(r#""x""#).unwrap(),
            OneOrMany::One("x".to_owned())
        );
        assert_eq!(
            serde_json::from_str::<OneOrMany<Option<u8>>>("null").unwrap(),
            OneOrMany::One(None)
        );
        assert_eq!(
            serde_json::from_str::<OneOrMany<f64>>("[1, 2.5]").unwrap(),
            OneOrMany::Many(vec![1.0, 2.5])
        );
        assert_eq!(
            serde_json::from_str::<OneOrMany<bool>>("true").unwrap(),
            OneOrMany::One(true)
        );
    }
}
