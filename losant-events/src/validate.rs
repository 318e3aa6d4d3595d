//! The limits the request builders declare with `#[derive(Validate)]`, and the
//! nesting check of event data.

use losant_core::InvalidArgument;

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

    use losant_core::validate::Checker;

    use super::*;

    /// Checks that `value` nests arrays and objects at most [`MAX_DATA_DEPTH`] deep.
    fn check_depth(field: &str, value: &Value) -> Result<(), InvalidArgument> {
        let mut at = Checker::default();
        at.depth(value, MAX_DATA_DEPTH);
        at.finish()
            .map_err(|breach| InvalidArgument::new(field, breach.reason()))
    }

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
}
