//! The query engine of the collections: subject globs, state filters and advanced
//! queries (checked against the `advancedEventQuery` and `advancedDeviceQuery`
//! schemas, then evaluated on stored events and devices), and sorting.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::Value;

use losant_events::EventState;

use crate::error::ApiError;
use crate::fleet::StoredDevice;
use crate::store::StoredEvent;

/// The fields an advanced query of one kind may test, and its tags field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QuerySchema {
    /// Fields tested with operators.
    pub(crate) fields: &'static [&'static str],
    /// The field tested with tag conditions.
    pub(crate) tags: &'static str,
}

/// `advancedEventQuery`.
pub(crate) const EVENT_QUERY: QuerySchema = QuerySchema {
    fields: &[
        "id",
        "creationDate",
        "lastUpdated",
        "sourceId",
        "sourceType",
        "level",
        "state",
        "subject",
        "deviceId",
        "experienceUserId",
        "experienceGroupId",
    ],
    tags: "eventTags",
};

/// `advancedDeviceQuery`.
pub(crate) const DEVICE_QUERY: QuerySchema = QuerySchema {
    fields: &[
        "id",
        "creationDate",
        "lastUpdated",
        "deletedAt",
        "name",
        "deviceClass",
        "gatewayId",
        "parentId",
        "ancestorId",
        "attributeName",
        "experienceUserId",
        "experienceGroupId",
        "disconnectedAt",
        "connectedAt",
        "connectionStatus",
    ],
    tags: "tags",
};

/// What an advanced query reads of a stored document.
pub(crate) trait Queried {
    /// The value of a field (`null` when absent; an array tests each item).
    fn field(&self, name: &str) -> Value;
    /// The tags, as key and value pairs.
    fn tag_pairs(&self) -> Vec<(String, String)>;
}

impl Queried for StoredEvent {
    fn field(&self, name: &str) -> Value {
        StoredEvent::field(self, name)
    }

    fn tag_pairs(&self) -> Vec<(String, String)> {
        self.head
            .event_tags
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl Queried for StoredDevice {
    fn field(&self, name: &str) -> Value {
        match name {
            "ancestorId" => StoredDevice::field(self, "ancestorIds"),
            name => StoredDevice::field(self, name),
        }
    }

    fn tag_pairs(&self) -> Vec<(String, String)> {
        self.tags()
    }
}
/// Fields events can be sorted by.
pub(crate) const SORT_FIELDS: &[&str] = &[
    "subject",
    "id",
    "creationDate",
    "lastUpdated",
    "level",
    "state",
    "deviceId",
];
pub(crate) const STATES: &[&str] = &["new", "acknowledged", "resolved"];
/// Most subqueries of a combinator and values of `$in` / `$nin`.
const MAX_ITEMS: usize = 100;
const MAX_TAG_CHARS: usize = 255;

/// The filters of a request: subject glob, state and advanced query.
#[derive(Debug, Default)]
pub(crate) struct Filters {
    pub(crate) subject_glob: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) query: Option<Value>,
}

impl Filters {
    /// The filters of a request's query parameters (400 naming a bad one).
    pub(crate) fn from_params(params: &HashMap<String, String>) -> Result<Self, ApiError> {
        if let Some(field) = params.get("filterField")
            && field != "subject"
        {
            return Err(ApiError::validation(
                "filterField must be equal to one of the allowed values: subject",
            ));
        }
        let state = params.get("state").cloned();
        if let Some(state) = &state
            && !STATES.contains(&state.as_str())
        {
            return Err(ApiError::validation(format!(
                "state must be equal to one of the allowed values: {}",
                STATES.join(", ")
            )));
        }
        let query = match params.get("query") {
            None => None,
            Some(text) => {
                let query: Value = serde_json::from_str(text)
                    .map_err(|e| ApiError::validation(format!("query is not valid JSON: {e}")))?;
                check_query(&EVENT_QUERY, "query", &query).map_err(ApiError::validation)?;
                Some(query)
            }
        };
        Ok(Filters {
            subject_glob: params.get("filter").cloned(),
            state,
            query,
        })
    }

    /// Whether `event` passes every filter.
    pub(crate) fn matches(&self, event: &StoredEvent) -> bool {
        if let Some(pattern) = &self.subject_glob
            && !glob(pattern, event.head.subject.as_deref().unwrap_or_default())
        {
            return false;
        }
        if let Some(state) = &self.state
            && event.head.state.as_ref().map(EventState::as_str) != Some(state.as_str())
        {
            return false;
        }
        self.query
            .as_ref()
            .is_none_or(|query| matches_query(&EVENT_QUERY, event, query))
    }
}

/// Checks an advanced query against its schema (the message names where it broke, as
/// the API's validator does).
pub(crate) fn check_query(schema: &QuerySchema, at: &str, query: &Value) -> Result<(), String> {
    let Value::Object(clauses) = query else {
        return Err(format!("{at} must be object"));
    };
    for (key, value) in clauses {
        let here = format!("{at}/{key}");
        match key.as_str() {
            "$and" | "$or" | "$nor" => {
                let Value::Array(items) = value else {
                    return Err(format!("{here} must be array"));
                };
                if items.len() > MAX_ITEMS {
                    return Err(format!("{here} must NOT have more than {MAX_ITEMS} items"));
                }
                for (i, item) in items.iter().enumerate() {
                    check_query(schema, &format!("{here}/{i}"), item)?;
                }
            }
            field if field == schema.tags => check_tags_condition(&here, value)?,
            field if schema.fields.contains(&field) => check_condition(&here, value)?,
            other => return Err(format!("{at} must NOT have additional properties: {other}")),
        }
    }
    Ok(())
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn check_condition(at: &str, condition: &Value) -> Result<(), String> {
    let Value::Object(operators) = condition else {
        return if is_scalar(condition) {
            Ok(())
        } else {
            Err(format!("{at} must be string,number,boolean,null or object"))
        };
    };
    for (operator, operand) in operators {
        let here = format!("{at}/{operator}");
        let ok = match operator.as_str() {
            "$eq" | "$ne" | "$gt" | "$lt" | "$gte" | "$lte" => is_scalar(operand),
            "$startsWith" | "$endsWith" | "$contains" => {
                operand.as_str().is_some_and(|text| !text.is_empty())
            }
            "$ci" => operand.is_boolean(),
            "$in" | "$nin" => match operand {
                Value::Array(values) if values.len() > MAX_ITEMS => {
                    return Err(format!("{here} must NOT have more than {MAX_ITEMS} items"));
                }
                Value::Array(values) => values.iter().all(|v| is_scalar(v) && !v.is_null()),
                _ => false,
            },
            other => return Err(format!("{at} must NOT have additional properties: {other}")),
        };
        if !ok {
            return Err(format!("{here} is not a valid operand"));
        }
    }
    Ok(())
}

/// `{"$eq": form}`, `{"$ne": form}` or a form.
fn check_tags_condition(at: &str, condition: &Value) -> Result<(), String> {
    if let Value::Object(fields) = condition
        && fields.len() == 1
        && let Some((operator, form)) = fields.iter().next()
        && (operator == "$eq" || operator == "$ne")
    {
        return check_tag_form(&format!("{at}/{operator}"), form);
    }
    check_tag_form(at, condition)
}

/// `null`, `{"$tagKey": .., "$tagValue": ..}` or `{"<key>": .., ...}`.
fn check_tag_form(at: &str, form: &Value) -> Result<(), String> {
    let fields = match form {
        Value::Null => return Ok(()),
        Value::Object(fields) => fields,
        _ => return Err(format!("{at} must be null or object")),
    };
    let by_parts = fields.keys().any(|key| key.starts_with('$'));
    for (key, value) in fields {
        let allowed = if by_parts {
            key == "$tagKey" || key == "$tagValue"
        } else {
            // The schema's key pattern `^[0-9a-zA-Z_-]{1,255}` tests the start only.
            key.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if !allowed {
            return Err(format!("{at} must NOT have additional properties: {key}"));
        }
        check_tag_value(&format!("{at}/{key}"), value)?;
    }
    Ok(())
}

fn check_tag_value(at: &str, value: &Value) -> Result<(), String> {
    let text_ok = |value: &Value| {
        value
            .as_str()
            .is_some_and(|text| text.chars().count() <= MAX_TAG_CHARS)
    };
    let ok = match value {
        Value::Null => true,
        Value::String(_) => text_ok(value),
        Value::Object(fields) if fields.len() == 1 => match fields.iter().next() {
            Some((operator, Value::Array(texts))) if operator == "$in" || operator == "$nin" => {
                texts.len() <= MAX_ITEMS && texts.iter().all(text_ok)
            }
            _ => false,
        },
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{at} must be a string of at most {MAX_TAG_CHARS} characters, null, or $in / $nin of such strings"
        ))
    }
}

/// Orders two values of one field: numbers as numbers, dates as dates (`…:23Z` and
/// `…:23.100Z` are not in text order), other text as text.
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => match (
            chrono::DateTime::parse_from_rfc3339(x),
            chrono::DateTime::parse_from_rfc3339(y),
        ) {
            (Ok(x), Ok(y)) => Some(x.cmp(&y)),
            _ => Some(x.cmp(y)),
        },
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The value as text for text operators, lower-cased under `$ci`.
fn text(value: &Value, ignore_case: bool) -> Option<String> {
    value.as_str().map(|text| {
        if ignore_case {
            text.to_lowercase()
        } else {
            text.to_owned()
        }
    })
}

/// Whether one field's value satisfies a condition; a field holding a list (a
/// device's attribute names) satisfies it when one of its items does, and a negation
/// (`$ne`, `$nin`) when none of them is excluded.
fn field_condition(actual: &Value, wanted: &Value) -> bool {
    let Value::Array(items) = actual else {
        return condition(actual, wanted);
    };
    let negated = wanted.as_object().is_some_and(|operators| {
        operators
            .keys()
            .any(|operator| operator == "$ne" || operator == "$nin")
    });
    if negated {
        items.iter().all(|item| condition(item, wanted))
    } else {
        items.iter().any(|item| condition(item, wanted))
    }
}

/// Whether one value satisfies a condition (a value, or operators).
fn condition(actual: &Value, condition: &Value) -> bool {
    let Value::Object(operators) = condition else {
        return actual == condition;
    };
    let ci = operators.get("$ci").and_then(Value::as_bool) == Some(true);
    let equal = |a: &Value, b: &Value| match (text(a, ci), text(b, ci)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    };
    let texts = |operand: &Value| text(actual, ci).zip(text(operand, ci));
    operators
        .iter()
        .all(|(operator, operand)| match operator.as_str() {
            "$eq" => equal(actual, operand),
            "$ne" => !equal(actual, operand),
            "$gt" => compare(actual, operand) == Some(Ordering::Greater),
            "$lt" => compare(actual, operand) == Some(Ordering::Less),
            "$gte" => compare(actual, operand).is_some_and(Ordering::is_ge),
            "$lte" => compare(actual, operand).is_some_and(Ordering::is_le),
            "$startsWith" => texts(operand).is_some_and(|(a, o)| a.starts_with(&o)),
            "$endsWith" => texts(operand).is_some_and(|(a, o)| a.ends_with(&o)),
            "$contains" => texts(operand).is_some_and(|(a, o)| a.contains(&o)),
            "$ci" => true,
            "$in" => operand
                .as_array()
                .is_some_and(|values| values.iter().any(|v| equal(actual, v))),
            "$nin" => operand
                .as_array()
                .is_some_and(|values| !values.iter().any(|v| equal(actual, v))),
            _ => false,
        })
}

/// Whether a tag key or value satisfies a tag condition value (text, null, `$in`,
/// `$nin`); `None` is an absent tag.
fn tag_value_matches(actual: Option<&str>, wanted: &Value) -> bool {
    match wanted {
        Value::Null => actual.is_none(),
        Value::String(text) => actual == Some(text.as_str()),
        Value::Object(fields) => fields.iter().all(|(operator, values)| {
            let listed = values
                .as_array()
                .is_some_and(|values| values.iter().any(|v| v.as_str() == actual));
            match operator.as_str() {
                "$in" => listed,
                "$nin" => !listed,
                _ => false,
            }
        }),
        _ => false,
    }
}

/// Whether the values of one tag key (a device may have several) satisfy a tag
/// condition value: null when there are none, text or `$in` when one matches, `$nin`
/// when none is listed.
fn tag_values_match(values: &[&str], wanted: &Value) -> bool {
    match wanted {
        Value::Null => values.is_empty(),
        Value::Object(fields) if fields.contains_key("$nin") => values
            .iter()
            .all(|value| tag_value_matches(Some(value), wanted)),
        _ => values
            .iter()
            .any(|value| tag_value_matches(Some(value), wanted)),
    }
}

/// Whether tags match a tag form.
fn tags_match(tags: &[(String, String)], form: &Value) -> bool {
    match form {
        Value::Null => tags.is_empty(),
        Value::Object(fields) if fields.keys().any(|key| key.starts_with('$')) => {
            let key = fields.get("$tagKey");
            let value = fields.get("$tagValue");
            tags.iter().any(|(k, v)| {
                key.is_none_or(|key| tag_value_matches(Some(k), key))
                    && value.is_none_or(|value| tag_value_matches(Some(v), value))
            })
        }
        Value::Object(fields) => fields.iter().all(|(key, wanted)| {
            let values: Vec<&str> = tags
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect();
            tag_values_match(&values, wanted)
        }),
        _ => false,
    }
}

fn tags_condition(tags: &[(String, String)], condition: &Value) -> bool {
    if let Value::Object(fields) = condition
        && fields.len() == 1
        && let Some((operator, form)) = fields.iter().next()
    {
        match operator.as_str() {
            "$eq" => return tags_match(tags, form),
            "$ne" => return !tags_match(tags, form),
            _ => {}
        }
    }
    tags_match(tags, condition)
}

/// Whether a stored document matches an advanced query of `schema`.
pub(crate) fn matches_query<T: Queried>(schema: &QuerySchema, doc: &T, query: &Value) -> bool {
    let Value::Object(clauses) = query else {
        return false;
    };
    clauses.iter().all(|(key, value)| {
        let items = || value.as_array().into_iter().flatten();
        match key.as_str() {
            "$and" => items().all(|q| matches_query(schema, doc, q)),
            "$or" => items().any(|q| matches_query(schema, doc, q)),
            "$nor" => !items().any(|q| matches_query(schema, doc, q)),
            field if field == schema.tags => tags_condition(&doc.tag_pairs(), value),
            field => field_condition(&doc.field(field), value),
        }
    })
}

/// `*` matches any text; case-insensitive.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let text = text.to_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use losant_events::{Event, EventLevel};
    use serde_json::json;

    use super::*;

    fn stored(value: Value) -> StoredEvent {
        StoredEvent::new(serde_json::from_value::<Event>(value).unwrap())
    }

    #[test]
    fn globs_match_case_insensitively() {
        assert!(glob("power*", "Power levels critical"));
        assert!(glob("*critical", "Power levels critical"));
        assert!(glob("p*l*l", "Power levels critical level"));
        assert!(!glob("power", "Power levels"));
        assert!(glob("Power levels", "power LEVELS"));
        assert!(!glob("ab*ba", "aba"));
    }

    #[test]
    fn dates_compare_as_dates() {
        let whole = Value::from("2026-01-01T00:00:23Z");
        let later = Value::from("2026-01-01T00:00:23.100Z");
        assert_eq!(compare(&whole, &later), Some(Ordering::Less));
    }

    #[test]
    fn advanced_queries_evaluate_every_operator() {
        let event = stored(json!({
            "level": "critical", "subject": "Pump 7 stalled",
            "creationDate": "2026-01-02T00:00:00.000Z", "eventTags": {"zone": "a", "floor": "2"}
        }));
        assert_eq!(event.head.level, Some(EventLevel::Critical));
        let yes = [
            json!({"level": "critical"}),
            json!({"level": {"$in": ["error", "critical"]}}),
            json!({"level": {"$nin": ["info"]}, "subject": {"$startsWith": "Pump"}}),
            json!({"subject": {"$endsWith": "stalled", "$contains": "7"}}),
            json!({"subject": {"$eq": "pump 7 STALLED", "$ci": true}}),
            json!({"creationDate": {"$gte": "2026-01-01T00:00:00.000Z", "$lt": "2026-02-01T00:00:00.000Z"}}),
            json!({"$or": [{"level": "info"}, {"level": {"$ne": "info"}}]}),
            json!({"$nor": [{"level": "info"}]}),
            json!({"$and": [{"level": {"$gt": "a"}}, {"level": {"$lte": "critical"}}]}),
            json!({"eventTags": {"zone": "a"}}),
            json!({"eventTags": {"zone": {"$in": ["a", "b"]}, "room": null}}),
            json!({"eventTags": {"$tagKey": "floor", "$tagValue": {"$nin": ["1"]}}}),
            json!({"eventTags": {"$ne": {"zone": "b"}}}),
        ];
        for query in yes {
            check_query(&EVENT_QUERY, "query", &query).unwrap();
            assert!(matches_query(&EVENT_QUERY, &event, &query), "{query}");
        }
        for query in [
            json!({"level": "info"}),
            json!({"subject": {"$eq": "pump 7 STALLED"}}),
            json!({"$and": [{"level": "critical"}, {"subject": "x"}]}),
            json!({"eventTags": null}),
            json!({"eventTags": {"$eq": {"zone": "b"}}}),
        ] {
            assert!(!matches_query(&EVENT_QUERY, &event, &query), "{query}");
        }
    }

    #[test]
    fn queries_that_break_the_schema_are_refused() {
        for (query, message) in [
            (json!([]), "query must be object"),
            (json!({"color": 1}), "additional properties: color"),
            (
                json!({"level": {"$like": "x"}}),
                "additional properties: $like",
            ),
            (
                json!({"level": {"$in": "critical"}}),
                "query/level/$in is not a valid operand",
            ),
            (
                json!({"level": {"$eq": []}}),
                "query/level/$eq is not a valid operand",
            ),
            (
                json!({"eventTags": {"$gt": "a"}}),
                "query/eventTags must NOT have additional properties: $gt",
            ),
            (
                json!({"eventTags": {"$eq": {"$lt": "a"}}}),
                "additional properties: $lt",
            ),
            (
                json!({"eventTags": {"zone": 5}}),
                "query/eventTags/zone must be a string",
            ),
            (json!({"$or": {"level": "info"}}), "query/$or must be array"),
        ] {
            let error = check_query(&EVENT_QUERY, "query", &query).unwrap_err();
            assert!(error.contains(message), "{query}: {error}");
        }
    }
}
