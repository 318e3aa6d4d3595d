//! Checks the request builders share: lengths, tags, listed values and nesting depth,
//! each with the limit it enforces.

use std::collections::BTreeMap;

use losant_core::InvalidArgument;
use losant_core::validate::Pattern;
use serde_json::{Map, Value};

/// Longest subject of an event, in characters.
pub const MAX_SUBJECT_CHARS: usize = 255;
/// Longest message of an event, in characters.
pub const MAX_MESSAGE_CHARS: usize = 32767;
/// Longest comment of an event update, in characters.
pub const MAX_COMMENT_CHARS: usize = 32767;
/// Longest tag key and tag value, in characters.
pub const MAX_TAG_CHARS: usize = 255;
/// Deepest nesting of arrays and objects in `data` (and in an advanced query).
///
/// The API echoes what it stores inside larger documents: a listed event's update
/// record puts `data` five levels deeper. A JSON decoder stops at 127 levels (the
/// recursion limit of `serde_json`), so deeper data could be written but never read
/// back. 100 levels leave room for every echo the API makes.
pub const MAX_DATA_DEPTH: usize = 100;

/// Checks that `text` has `min` to `max` characters (as JSON Schema counts them).
pub(crate) fn check_chars(
    field: &str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<(), InvalidArgument> {
    let len = text.chars().count();
    if (min..=max).contains(&len) {
        return Ok(());
    }
    let reason = if min == 0 {
        format!("must be at most {max} characters, got {len}")
    } else {
        format!("must be {min} to {max} characters, got {len}")
    };
    Err(InvalidArgument::new(field, reason))
}

/// Checks a value of an enum the schema lists: an `Other` value the API does not know
/// is refused before sending.
pub(crate) fn check_listed_value(
    field: &str,
    value: &str,
    known: bool,
    values: &[&str],
) -> Result<(), InvalidArgument> {
    if known {
        return Ok(());
    }
    Err(InvalidArgument::new(
        field,
        format!("`{value}` is not one of {}", values.join(", ")),
    ))
}

/// Checks an optional value of a [`losant_core::StringEnum`] enum.
macro_rules! check_listed {
    ($field:expr, $value:expr, $ty:ty) => {
        match $value {
            None => Ok(()),
            Some(value) => $crate::validate::check_listed_value(
                $field,
                value.as_str(),
                value.is_known(),
                <$ty>::VALUES,
            ),
        }
    };
}
pub(crate) use check_listed;

/// Checks tag keys (`^[0-9a-zA-Z_-]{1,255}$`) and values (1 to 255 characters).
pub(crate) fn check_tags(tags: Option<&BTreeMap<String, String>>) -> Result<(), InvalidArgument> {
    for (key, value) in tags.into_iter().flatten() {
        if !Pattern::Key.matches(key) {
            return Err(InvalidArgument::new(
                "eventTags",
                format!(
                    "tag key {key:?} must be 1 to {MAX_TAG_CHARS} characters of 0-9, a-z, A-Z, `_` and `-`"
                ),
            ));
        }
        let len = value.chars().count();
        if !(1..=MAX_TAG_CHARS).contains(&len) {
            return Err(InvalidArgument::new(
                "eventTags",
                format!(
                    "the value of tag `{key}` must be 1 to {MAX_TAG_CHARS} characters, got {len}"
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that `value` nests arrays and objects at most [`MAX_DATA_DEPTH`] deep.
pub(crate) fn check_depth(field: &str, value: &Value) -> Result<(), InvalidArgument> {
    if exceeds(value, MAX_DATA_DEPTH) {
        return Err(InvalidArgument::new(
            field,
            format!(
                "nests arrays and objects more than {MAX_DATA_DEPTH} levels deep: the API would store it but its answers could not be decoded"
            ),
        ));
    }
    Ok(())
}

/// [`check_depth`] of a JSON object held as its fields.
pub(crate) fn check_object_depth(
    field: &str,
    fields: &Map<String, Value>,
) -> Result<(), InvalidArgument> {
    // The object itself is the first level.
    if fields
        .values()
        .any(|child| exceeds(child, MAX_DATA_DEPTH - 1))
    {
        return check_depth(field, &Value::Object(fields.clone()));
    }
    Ok(())
}

/// Whether `value` nests deeper than `levels` (a scalar is 0 deep, `[]` 1). Stops
/// descending at the limit, so the recursion is bounded whatever the input.
fn exceeds(value: &Value, levels: usize) -> bool {
    let below = |levels: usize| levels.checked_sub(1);
    match value {
        Value::Array(items) => {
            below(levels).is_none_or(|below| items.iter().any(|child| exceeds(child, below)))
        }
        Value::Object(fields) => {
            below(levels).is_none_or(|below| fields.values().any(|child| exceeds(child, below)))
        }
        _ => false,
    }
}

/// The serialization error of a model that breaks its schema's limits.
pub(crate) fn limit_error<E: serde::ser::Error>(invalid: &InvalidArgument) -> E {
    E::custom(format_args!(
        "`{}` {}",
        invalid.argument(),
        invalid.reason()
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// `levels` arrays, one inside the other, around `1`.
    pub(crate) fn nested(levels: usize) -> Value {
        (0..levels).fold(json!(1), |inner, _| Value::Array(vec![inner]))
    }

    #[test]
    fn depth_is_checked_at_its_edge() {
        assert!(check_depth("data", &json!(1)).is_ok());
        assert!(check_depth("data", &nested(MAX_DATA_DEPTH)).is_ok());
        let error = check_depth("data", &nested(MAX_DATA_DEPTH + 1)).unwrap_err();
        assert_eq!(error.argument(), "data");
        assert!(error.reason().contains("100 levels"), "{error}");
        let wide = json!({"a": [1, 2, {"b": nested(MAX_DATA_DEPTH - 3)}]});
        assert!(check_depth("data", &wide).is_ok());
        let deep = json!({"a": [1, 2, {"b": nested(MAX_DATA_DEPTH - 2)}]});
        assert!(check_depth("data", &deep).is_err());
    }

    #[test]
    fn lengths_count_characters() {
        assert!(check_chars("subject", &"é".repeat(255), 1, 255).is_ok());
        assert!(check_chars("subject", &"é".repeat(256), 1, 255).is_err());
        assert!(check_chars("subject", "", 1, 255).is_err());
        assert!(check_chars("comment", "", 0, 10).is_ok());
    }
}
