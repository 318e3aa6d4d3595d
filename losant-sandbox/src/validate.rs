//! Checks raw request bodies against their schemas (`eventPatch`, `eventPost`,
//! `eventsExport`), as the server does, independently of the client's own checks.
//! Messages name the field, in the API validator's words.

use losant_core::validate::Pattern;
use losant_events::MAX_DATA_DEPTH;
use serde_json::{Map, Value};

use crate::query::{EVENT_QUERY, STATES, check_query};

const LEVELS: &[&str] = &["info", "warning", "error", "critical"];
const PATCH_KEYS: &[&str] = &[
    "state",
    "level",
    "subject",
    "deviceId",
    "comment",
    "data",
    "eventTags",
];
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
const EXPORT_KEYS: &[&str] = &["email", "callbackUrl", "query", "format", "excludeUpdates"];

/// The body as an object holding only `keys`.
pub(crate) fn object<'a>(body: &'a Value, keys: &[&str]) -> Result<&'a Map<String, Value>, String> {
    let Value::Object(body) = body else {
        return Err("body must be object".to_owned());
    };
    if let Some(unknown) = body.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(format!(
            "body must NOT have additional properties: {unknown}"
        ));
    }
    Ok(body)
}

pub(crate) fn string<'a>(
    body: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, String> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(format!("{key} must be string")),
    }
}

pub(crate) fn boolean(body: &Map<String, Value>, key: &str) -> Result<(), String> {
    match body.get(key) {
        None | Some(Value::Bool(_)) => Ok(()),
        Some(_) => Err(format!("{key} must be boolean")),
    }
}

pub(crate) fn length(key: &str, text: &str, min: usize, max: usize) -> Result<(), String> {
    let len = text.chars().count();
    if len < min {
        return Err(format!("{key} must NOT have fewer than {min} characters"));
    }
    if len > max {
        return Err(format!("{key} must NOT have more than {max} characters"));
    }
    Ok(())
}

pub(crate) fn one_of(key: &str, text: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&text) {
        Ok(())
    } else {
        Err(format!(
            "{key} must be equal to one of the allowed values: {}",
            allowed.join(", ")
        ))
    }
}

/// Refuses values nested more than [`MAX_DATA_DEPTH`] levels: the sandbox stores only
/// what it can serve back in a form a client can decode (its answers put `data` up to
/// five levels deeper, and decoders stop at 127).
pub(crate) fn depth(key: &str, value: &Value) -> Result<(), String> {
    fn deeper_than(value: &Value, levels: usize) -> bool {
        let below = levels.checked_sub(1);
        match value {
            Value::Array(items) => {
                below.is_none_or(|below| items.iter().any(|item| deeper_than(item, below)))
            }
            Value::Object(fields) => {
                below.is_none_or(|below| fields.values().any(|field| deeper_than(field, below)))
            }
            _ => false,
        }
    }
    if deeper_than(value, MAX_DATA_DEPTH) {
        return Err(format!(
            "{key} must NOT be nested more than {MAX_DATA_DEPTH} levels deep"
        ));
    }
    Ok(())
}

/// The fields `eventPatch` and `eventPost` share.
fn event_fields(body: &Map<String, Value>, device_nullable: bool) -> Result<(), String> {
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
        None => {}
        Some(Value::Null) if device_nullable => {}
        Some(Value::String(id)) if Pattern::Id.matches(id) => {}
        Some(_) if device_nullable => {
            return Err("deviceId must match pattern ^[A-Fa-f\\d]{24}$ or be null".to_owned());
        }
        Some(_) => return Err("deviceId must match pattern ^[A-Fa-f\\d]{24}$".to_owned()),
    }
    if let Some(data) = body.get("data") {
        depth("data", data)?;
    }
    match body.get("eventTags") {
        None => Ok(()),
        Some(Value::Object(tags)) => tags.iter().try_for_each(|(key, value)| {
            if !Pattern::Key.matches(key) {
                return Err(format!(
                    "eventTags must NOT have additional properties: {key}"
                ));
            }
            let Value::String(value) = value else {
                return Err(format!("eventTags/{key} must be string"));
            };
            length(&format!("eventTags/{key}"), value, 1, 255)
        }),
        Some(_) => Err("eventTags must be object".to_owned()),
    }
}

/// The body as an object, or the message of a 400 naming what is wrong.
pub(crate) fn event_patch(body: &Value) -> Result<&Map<String, Value>, String> {
    let body = object(body, PATCH_KEYS)?;
    event_fields(body, true)?;
    if let Some(comment) = string(body, "comment")? {
        length("comment", comment, 0, 32767)?;
    }
    Ok(body)
}

/// Checks a raw POST body against the `eventPost` schema.
pub(crate) fn event_post(body: &Value) -> Result<(), String> {
    let body = object(body, POST_KEYS)?;
    for required in ["level", "subject"] {
        if !body.contains_key(required) {
            return Err(format!("body must have required property '{required}'"));
        }
    }
    event_fields(body, false)?;
    if let Some(message) = string(body, "message")? {
        length("message", message, 0, 32767)?;
    }
    // What the client can read back: RFC 3339 within the years 0000 to 9999 in UTC,
    // without a leap second.
    if let Some(date) = string(body, "creationDate")?
        && let Err(error) = losant_core::Timestamp::parse(date)
    {
        return Err(format!(
            "creationDate must match format \"date-time\": {error}"
        ));
    }
    boolean(body, "disableTagChangeTracking")
}

/// Checks an event of a seed file (the JSON of a whole event): listed level and
/// state, subject and message lengths, tags and data depth.
pub(crate) fn seed_event(event: &Value) -> Result<(), String> {
    let Value::Object(event) = event else {
        return Err("an event must be an object".to_owned());
    };
    event_fields(event, true)?;
    if let Some(message) = string(event, "message")? {
        length("message", message, 0, 32767)?;
    }
    Ok(())
}

/// Checks a raw export body against the `eventsExport` schema.
pub(crate) fn events_export(body: &Value) -> Result<(), String> {
    let body = object(body, EXPORT_KEYS)?;
    if let Some(email) = string(body, "email")? {
        length("email", email, 0, 1024)?;
        let valid = email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
            && !email.chars().any(char::is_whitespace);
        if !valid {
            return Err("email must match format \"email\"".to_owned());
        }
    }
    if let Some(url) = string(body, "callbackUrl")? {
        length("callbackUrl", url, 0, 1024)?;
        let valid = url.split_once(':').is_some_and(|(scheme, rest)| {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !rest.is_empty()
        }) && !url.chars().any(char::is_whitespace);
        if !valid {
            return Err("callbackUrl must match format \"uri\"".to_owned());
        }
    }
    if let Some(query) = body.get("query") {
        check_query(&EVENT_QUERY, "query", query)?;
        depth("query", query)?;
    }
    if let Some(format) = string(body, "format")? {
        one_of("format", format, &["csv", "json"])?;
    }
    boolean(body, "excludeUpdates")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{event_patch, event_post, events_export};

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

    #[test]
    fn a_new_event_needs_its_level_and_subject() {
        assert!(event_post(&json!({"level": "info", "subject": "s"})).is_ok());
        for (body, message) in [
            (json!({"subject": "s"}), "required property 'level'"),
            (
                json!({"level": "info", "subject": "s", "deviceId": null}),
                "deviceId must match",
            ),
            (
                json!({"level": "info", "subject": "s", "creationDate": "yesterday"}),
                "creationDate",
            ),
            (
                json!({"level": "info", "subject": "s", "comment": "c"}),
                "additional properties: comment",
            ),
        ] {
            let error = event_post(&body).unwrap_err();
            assert!(error.contains(message), "{body}: {error}");
        }
    }

    #[test]
    fn export_bodies_are_held_to_their_schema() {
        assert!(events_export(&json!({})).is_ok());
        assert!(
            events_export(&json!({"email": "ops@example.com", "format": "json", "excludeUpdates": true, "query": {"level": "info"}}))
                .is_ok()
        );
        for (body, message) in [
            (json!({"emails": "x"}), "additional properties: emails"),
            (json!({"email": "nobody"}), "email must match format"),
            (
                json!({"callbackUrl": "example.com/x"}),
                "callbackUrl must match format",
            ),
            (json!({"format": "xml"}), "format must be equal to one of"),
            (
                json!({"excludeUpdates": "yes"}),
                "excludeUpdates must be boolean",
            ),
            (
                json!({"query": {"level": {"$like": "x"}}}),
                "additional properties: $like",
            ),
        ] {
            let error = events_export(&body).unwrap_err();
            assert!(error.contains(message), "{body}: {error}");
        }
    }

    #[test]
    fn data_nested_past_the_bound_is_refused() {
        let nested = |levels: usize| (0..levels).fold(json!(1), |inner, _| json!([inner]));
        assert!(event_patch(&json!({"data": nested(losant_events::MAX_DATA_DEPTH)})).is_ok());
        let error =
            event_patch(&json!({"data": nested(losant_events::MAX_DATA_DEPTH + 1)})).unwrap_err();
        assert!(
            error.contains("data must NOT be nested more than 100 levels"),
            "{error}"
        );
    }
}
