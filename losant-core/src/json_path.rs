//! Where in a JSON document a decoding error happened, from the position `serde_json`
//! reports: the document is walked once, up to that position, and the keys and
//! indices open there make the path (`updates[0].creationDate`).
//!
//! This runs only when decoding failed, and is compiled once: decoding itself goes
//! through one `serde_json` instantiation per model, with no path tracking on the way.

/// One open container.
enum Frame {
    /// An object, with the key of the member being read.
    Object { key: Option<String> },
    /// An array, with the index of the element being read.
    Array { index: usize },
}

/// The byte offset of a `serde_json` error position (`line` from 1, `column` the
/// bytes before the position on its line).
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &body[start..]) {
            Some(at) => start += at + 1,
            None => return body.len(),
        }
    }
    (start + column).min(body.len())
}

/// The end of the string starting after the quote at `from`: the index of the closing
/// quote, or the end of `body`.
fn string_end(body: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    body.len()
}

/// A key as text: the JSON string decoded when it holds escapes.
fn key_text(raw: &[u8]) -> String {
    if raw.contains(&b'\\') {
        let mut quoted = Vec::with_capacity(raw.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(raw);
        quoted.push(b'"');
        if let Ok(decoded) = serde_json::from_slice::<String>(&quoted) {
            return decoded;
        }
    }
    String::from_utf8_lossy(raw).into_owned()
}

/// The path of the value being read at `line` and `column` of `body`, written as
/// `key.key[index]`, or `.` for the document itself.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize) -> String {
    let end = offset(body, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    // Whether the next string in the innermost object is a key.
    let mut expecting_key = false;
    let mut i = 0;
    while i < end {
        match body[i] {
            b'"' => {
                let close = string_end(body, i + 1);
                if expecting_key && let Some(Frame::Object { key }) = stack.last_mut() {
                    *key = Some(key_text(&body[i + 1..close]));
                    expecting_key = false;
                }
                i = close;
            }
            b'{' => {
                stack.push(Frame::Object { key: None });
                expecting_key = true;
            }
            b'[' => {
                stack.push(Frame::Array { index: 0 });
                expecting_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { .. }) => expecting_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::path_at;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Update {
        creation_date: Option<u64>,
        comment: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Event {
        count: Option<u64>,
        updates: Option<Vec<Update>>,
        tags: Option<BTreeMap<String, u64>>,
        required: Option<Vec<Vec<u8>>>,
    }

    /// The path of the error decoding `json` as an `Event`.
    fn failing_path(json: &str) -> String {
        let error = serde_json::from_str::<Event>(json).unwrap_err();
        path_at(json.as_bytes(), error.line(), error.column())
    }

    #[test]
    fn the_path_names_the_value_that_failed() {
        assert_eq!(failing_path(r#"{"count": "three"}"#), "count");
        assert_eq!(
            failing_path(r#"{"count": 3, "updates": [{"comment": "a"}, {"creationDate": "x"}]}"#),
            "updates[1].creationDate"
        );
        assert_eq!(
            failing_path(r#"{"updates": [{"comment": "a, b]", "creationDate": true}]}"#),
            "updates[0].creationDate"
        );
        assert_eq!(failing_path(r#"{"tags": {"a\"b": 1, "c": "d"}}"#), "tags.c");
        assert_eq!(failing_path(r#"{"tags": {"\u0061": "x"}}"#), "tags.a");
        assert_eq!(
            failing_path(r#"{"required": [[1, 2], [3, 300]]}"#),
            "required[1][1]"
        );
        assert_eq!(
            failing_path("{\n  \"count\": 1,\n  \"updates\": 5\n}"),
            "updates"
        );
    }

    #[test]
    fn whole_document_errors_are_the_root() {
        assert_eq!(failing_path(r#""five""#), ".");
        // A struct read from an array: the second element is the second field.
        assert_eq!(failing_path("[1, 2]"), "[1]");
        assert_eq!(failing_path(r#"{"count": 1} trailing"#), ".");
        assert_eq!(failing_path(""), ".");
    }

    #[test]
    fn a_truncated_document_names_the_open_value() {
        assert_eq!(
            failing_path(r#"{"updates": [{"comment": "a"#),
            "updates[0].comment"
        );
    }
}
