//! Bodies that hold one value or a list of them.

use serde::{Deserialize, Serialize};

use crate::validate::{Checker, Validate};

/// One value or a list of values, where the API takes either (a device's state, one
/// report or many at once). Serialized as the value itself or as a JSON array.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
