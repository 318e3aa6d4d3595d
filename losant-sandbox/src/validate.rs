//! Checks a raw PATCH body against the `eventPatch` schema, as the server does,
//! independently of the client's own checks.

use serde_json::{Map, Value};

const STATES: &[&str] = &["new", "acknowledged", "resolved"];
const LEVELS: &[&str] = &["info", "warning", "error", "critical"];
const KEYS: &[&str] = &[
    "state",
    "level",
    "subject",
    "deviceId",
    "comment",
    "data",
    "eventTags",
];

fn is_hex_id(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_tag_key(key: &str) -> bool {
    (1..=255).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn string<'a>(body: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(format!("{key} must be string")),
    }
}

fn length(key: &str, text: &str, min: usize, max: usize) -> Result<(), String> {
    let len = text.chars().count();
    if len < min {
        return Err(format!("{key} must NOT have fewer than {min} characters"));
    }
    if len > max {
        return Err(format!("{key} must NOT have more than {max} characters"));
    }
    Ok(())
}

fn one_of(key: &str, text: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&text) {
        Ok(())
    } else {
        Err(format!(
            "{key} must be equal to one of the allowed values: {}",
            allowed.join(", ")
        ))
    }
}

/// The body as an object, or the message of a 400 naming what is wrong.
pub(crate) fn event_patch(body: &Value) -> Result<&Map<String, Value>, String> {
    let Value::Object(body) = body else {
        return Err("body must be object".to_owned());
    };
    if let Some(unknown) = body.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "body must NOT have additional properties: {unknown}"
        ));
    }
    if let Some(state) = string(body, "state")? {
        one_of("state", state, STATES)?;
    }
    if let Some(level) = string(body, "level")? {
        one_of("level", level, LEVELS)?;
    }
    if let Some(subject) = string(body, "subject")? {
        length("subject", subject, 1, 255)?;
    }
    match body.get("deviceId") {
        None | Some(Value::Null) => {}
        Some(Value::String(id)) if is_hex_id(id) => {}
        Some(_) => {
            return Err("deviceId must match pattern ^[A-Fa-f\\d]{24}$ or be null".to_owned());
        }
    }
    if let Some(comment) = string(body, "comment")? {
        length("comment", comment, 0, 32767)?;
    }
    match body.get("eventTags") {
        None => {}
        Some(Value::Object(tags)) => {
            for (key, value) in tags {
                if !is_tag_key(key) {
                    return Err(format!(
                        "eventTags must NOT have additional properties: {key}"
                    ));
                }
                let Value::String(value) = value else {
                    return Err(format!("eventTags/{key} must be string"));
                };
                length(&format!("eventTags/{key}"), value, 1, 255)?;
            }
        }
        Some(_) => return Err("eventTags must be object".to_owned()),
    }
    Ok(body)
}

const POST_KEYS: &[&str] = &[
    "level",
    "state",
    "subject",
    "message",
    "data",
    "deviceId",
    "eventTags",
    "creationDate",
    "disableTagChangeTracking",
];

/// Checks a raw POST body against the `eventPost` schema.
pub(crate) fn event_post(body: &Value) -> Result<(), String> {
    let Value::Object(body) = body else {
        return Err("body must be object".to_owned());
    };
    if let Some(unknown) = body.keys().find(|k| !POST_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "body must NOT have additional properties: {unknown}"
        ));
    }
    for required in ["level", "subject"] {
        if !body.contains_key(required) {
            return Err(format!("body must have required property '{required}'"));
        }
    }
    let mut patch_like = body.clone();
    patch_like.remove("message");
    patch_like.remove("creationDate");
    patch_like.remove("disableTagChangeTracking");
    if let Some(Value::Null) = body.get("deviceId") {
        return Err("deviceId must be string".to_owned());
    }
    event_patch(&Value::Object(patch_like))?;
    if let Some(message) = string(body, "message")? {
        length("message", message, 0, 32767)?;
    }
    if let Some(date) = string(body, "creationDate")?
        && chrono::DateTime::parse_from_rfc3339(date).is_err()
    {
        return Err("creationDate must match format \"date-time\"".to_owned());
    }
    match body.get("disableTagChangeTracking") {
        None | Some(Value::Bool(_)) => Ok(()),
        Some(_) => Err("disableTagChangeTracking must be boolean".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::event_patch;

    #[test]
    fn the_reference_example_is_valid() {
        assert!(
            event_patch(&json!({"state": "acknowledged", "comment": "Looking into this issue"}))
                .is_ok()
        );
        assert!(
            event_patch(
                &json!({"deviceId": null, "data": [1, {"a": 2}], "eventTags": {"a-B_9": "v"}})
            )
            .is_ok()
        );
    }

    #[test]
    fn each_violation_names_its_field() {
        let cases = [
            (json!([]), "body must be object"),
            (json!({"stat": "new"}), "additional properties: stat"),
            (json!({"state": "closed"}), "state must be equal to one of"),
            (json!({"level": 3}), "level must be string"),
            (json!({"subject": ""}), "subject must NOT have fewer than 1"),
            (
                json!({"subject": "x".repeat(256)}),
                "subject must NOT have more than 255",
            ),
            (json!({"deviceId": "abc"}), "deviceId must match pattern"),
            (
                json!({"comment": "x".repeat(32768)}),
                "comment must NOT have more than 32767",
            ),
            (
                json!({"eventTags": {"bad key": "v"}}),
                "eventTags must NOT have additional properties: bad key",
            ),
            (
                json!({"eventTags": {"k": ""}}),
                "eventTags/k must NOT have fewer than 1",
            ),
            (json!({"eventTags": ["k"]}), "eventTags must be object"),
        ];
        for (body, message) in cases {
            let error = event_patch(&body).unwrap_err();
            assert!(error.contains(message), "{body}: {error}");
        }
    }
}
