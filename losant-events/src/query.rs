//! [`EventQuery`]: a typed builder of Losant's advanced event queries, checked against
//! the `advancedEventQuery` schema before sending.

use losant_core::validate::{Checker, Pattern, Validate};
use losant_core::{InvalidArgument, StringEnum};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[cfg(doc)]
use crate::validate::MAX_DATA_DEPTH;
use crate::validate::{MAX_TAG_CHARS, check_object_depth, limit_error};

/// An event field an advanced query can test with operators.
#[derive(Clone, PartialEq, Eq, Hash, Debug, StringEnum)]
pub enum EventField {
    /// `id`
    #[value = "id"]
    Id,
    /// `creationDate`
    #[value = "creationDate"]
    CreationDate,
    /// `lastUpdated`
    #[value = "lastUpdated"]
    LastUpdated,
    /// `sourceId`
    #[value = "sourceId"]
    SourceId,
    /// `sourceType`
    #[value = "sourceType"]
    SourceType,
    /// `level`
    #[value = "level"]
    Level,
    /// `state`
    #[value = "state"]
    State,
    /// `subject`
    #[value = "subject"]
    Subject,
    /// `deviceId`
    #[value = "deviceId"]
    DeviceId,
    /// `experienceUserId`
    #[value = "experienceUserId"]
    ExperienceUserId,
    /// `experienceGroupId`
    #[value = "experienceGroupId"]
    ExperienceGroupId,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

/// Most subqueries of `$and` / `$or` / `$nor`, and values of `$in` / `$nin`.
pub const MAX_QUERY_ITEMS: usize = 100;

/// The key of tag conditions (`eventTags`), which take their own forms.
const EVENT_TAGS: &str = "eventTags";

/// An advanced event query (schema `advancedEventQuery`): field conditions combined
/// with `$and`, `$or` and `$nor`. Sent as one JSON-encoded query value (listing, bulk
/// updates) or as a JSON body (deletion by query).
///
/// Whatever built it (the builder, [`raw`](Self::raw) JSON, or configuration read
/// with serde), a query is checked against the schema before it is sent: known fields
/// and operators only, operand types, at most 100 items per list, non-empty texts, the
/// tag condition forms, and at most [`MAX_DATA_DEPTH`] levels of nesting. A query
/// that breaks a rule fails the call with [`losant_core::Error::InvalidArgument`];
/// [`validate`](Self::validate) checks it without a call.
///
/// ```
/// use losant_events::{EventField, EventLevel, EventQuery, EventState};
///
/// let query = EventQuery::and([
///     EventQuery::field(EventField::Level).is_in([EventLevel::Critical, EventLevel::Error]),
///     EventQuery::field(EventField::State).ne(EventState::Resolved),
///     EventQuery::field(EventField::Subject).starts_with("Power"),
/// ]);
/// assert_eq!(
///     serde_json::to_string(&query)?,
///     r#"{"$and":[{"level":{"$in":["critical","error"]}},{"state":{"$ne":"resolved"}},{"subject":{"$startsWith":"Power"}}]}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct EventQuery {
    clauses: Map<String, Value>,
    /// The first operand that could not be turned into JSON, reported by `validate`.
    unserializable: Option<String>,
}

/// The conditions on one field, built operator by operator; becomes an [`EventQuery`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct FieldQuery {
    field: EventField,
    operators: Map<String, Value>,
    unserializable: Option<String>,
}

impl EventQuery {
    /// Conditions on `field`: chain operators, such as `.gte(a).lt(b)`.
    pub fn field(field: EventField) -> FieldQuery {
        FieldQuery {
            field,
            operators: Map::new(),
            unserializable: None,
        }
    }

    /// Events with the tag `key` set to `value` (`{"eventTags": {key: value}}`).
    pub fn tag(key: impl Into<String>, value: impl Into<String>) -> Self {
        let mut tags = Map::new();
        tags.insert(key.into(), Value::String(value.into()));
        Self::clause(EVENT_TAGS, Value::Object(tags))
    }

    /// Events with a tag named `key`, whatever its value
    /// (`{"eventTags": {"$tagKey": key}}`).
    pub fn tag_key(key: impl Into<String>) -> Self {
        let mut tags = Map::new();
        tags.insert("$tagKey".to_owned(), Value::String(key.into()));
        Self::clause(EVENT_TAGS, Value::Object(tags))
    }

    /// Every subquery holds (`$and`).
    pub fn and<I: IntoIterator<Item = Q>, Q: Into<EventQuery>>(queries: I) -> Self {
        Self::combine("$and", queries)
    }

    /// At least one subquery holds (`$or`).
    pub fn or<I: IntoIterator<Item = Q>, Q: Into<EventQuery>>(queries: I) -> Self {
        Self::combine("$or", queries)
    }

    /// No subquery holds (`$nor`).
    pub fn nor<I: IntoIterator<Item = Q>, Q: Into<EventQuery>>(queries: I) -> Self {
        Self::combine("$nor", queries)
    }

    fn clause(key: &str, value: Value) -> Self {
        let mut clauses = Map::new();
        clauses.insert(key.to_owned(), value);
        EventQuery {
            clauses,
            unserializable: None,
        }
    }

    fn combine<I: IntoIterator<Item = Q>, Q: Into<EventQuery>>(operator: &str, queries: I) -> Self {
        let mut unserializable = None;
        let items = queries
            .into_iter()
            .map(|query| {
                let query = query.into();
                if unserializable.is_none() {
                    unserializable = query.unserializable;
                }
                Value::Object(query.clauses)
            })
            .collect();
        EventQuery {
            unserializable,
            ..Self::clause(operator, Value::Array(items))
        }
    }

    /// Any JSON object, as the API takes it: for what the builder does not cover. It
    /// is checked against the schema like a built query.
    pub fn raw(query: Map<String, Value>) -> Self {
        EventQuery {
            clauses: query,
            unserializable: None,
        }
    }

    /// The query as JSON.
    #[must_use]
    pub fn to_json(&self) -> Value {
        Value::Object(self.clauses.clone())
    }

    /// Checks the query against the `advancedEventQuery` schema (see the type's
    /// documentation); the error names where in the query the rule broke.
    pub fn validate(&self) -> Result<(), InvalidArgument> {
        if let Some(reason) = &self.unserializable {
            return Err(InvalidArgument::new("query", reason.clone()));
        }
        check_object_depth("query", &self.clauses)?;
        check_query("", &self.clauses).map_err(|reason| InvalidArgument::new("query", reason))
    }
}

/// `prefix` joined to `key` as a path: `$and[1].level`.
fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

fn check_query(at: &str, clauses: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in clauses {
        let here = join(at, key);
        match key.as_str() {
            "$and" | "$or" | "$nor" => {
                let Value::Array(items) = value else {
                    return Err(format!("`{here}` must be a list of queries"));
                };
                check_count(&here, items.len(), "subqueries")?;
                for (i, item) in items.iter().enumerate() {
                    let Value::Object(inner) = item else {
                        return Err(format!("`{here}[{i}]` must be a query object"));
                    };
                    check_query(&format!("{here}[{i}]"), inner)?;
                }
            }
            EVENT_TAGS => check_tags_condition(&here, value)?,
            field if EventField::VALUES.contains(&field) => check_condition(&here, value)?,
            other => {
                return Err(format!(
                    "unknown field `{other}` at `{here}`: expected one of {}, {EVENT_TAGS}, $and, $or, $nor",
                    EventField::VALUES.join(", ")
                ));
            }
        }
    }
    Ok(())
}

fn check_count(at: &str, count: usize, what: &str) -> Result<(), String> {
    if count > MAX_QUERY_ITEMS {
        return Err(format!(
            "`{at}` holds {count} {what}, at most {MAX_QUERY_ITEMS}"
        ));
    }
    Ok(())
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// A field's condition: a value, or an object of operators.
fn check_condition(at: &str, condition: &Value) -> Result<(), String> {
    let Value::Object(operators) = condition else {
        if is_scalar(condition) {
            return Ok(());
        }
        return Err(format!(
            "`{at}` must be a string, number, boolean, null or an object of operators"
        ));
    };
    for (operator, operand) in operators {
        let here = format!("{at}.{operator}");
        match operator.as_str() {
            "$eq" | "$ne" | "$gt" | "$lt" | "$gte" | "$lte" => {
                if !is_scalar(operand) {
                    return Err(format!(
                        "`{here}` must be a string, number, boolean or null"
                    ));
                }
            }
            "$startsWith" | "$endsWith" | "$contains" => match operand {
                Value::String(text) if !text.is_empty() => {}
                _ => return Err(format!("`{here}` needs a non-empty text")),
            },
            "$ci" => {
                if !operand.is_boolean() {
                    return Err(format!("`{here}` must be `true` or `false`"));
                }
            }
            "$in" | "$nin" => {
                let Value::Array(values) = operand else {
                    return Err(format!("`{here}` must be a list of values"));
                };
                check_count(&here, values.len(), "values")?;
                if values.iter().any(|v| !is_scalar(v) || v.is_null()) {
                    return Err(format!(
                        "`{here}` may hold only strings, numbers and booleans"
                    ));
                }
            }
            other => {
                return Err(format!(
                    "unknown operator `{other}` at `{at}`: expected $eq, $ne, $gt, $lt, $gte, $lte, $startsWith, $endsWith, $contains, $ci, $in or $nin"
                ));
            }
        }
    }
    Ok(())
}

/// A tag condition: a tag form, or `$eq` / `$ne` of one.
fn check_tags_condition(at: &str, condition: &Value) -> Result<(), String> {
    if let Value::Object(fields) = condition
        && fields.len() == 1
        && let Some((operator, form)) = fields.iter().next()
        && (operator == "$eq" || operator == "$ne")
    {
        return check_tag_form(&format!("{at}.{operator}"), form);
    }
    check_tag_form(at, condition)
}

/// `null`, `{"$tagKey": v, "$tagValue": v}` or `{"<tag key>": v, ...}`.
fn check_tag_form(at: &str, form: &Value) -> Result<(), String> {
    let fields = match form {
        Value::Null => return Ok(()),
        Value::Object(fields) => fields,
        _ => {
            return Err(format!(
                "`{at}` must be null or an object of tag conditions"
            ));
        }
    };
    let by_parts = fields.keys().any(|key| key.starts_with('$'));
    for (key, value) in fields {
        let here = format!("{at}.{key}");
        if by_parts {
            if key != "$tagKey" && key != "$tagValue" {
                return Err(format!(
                    "unknown key `{key}` at `{at}`: a tag condition takes `$tagKey` and `$tagValue`, or tag keys"
                ));
            }
        } else if !Pattern::KeyPrefix.matches(key) {
            return Err(format!(
                "`{key}` at `{at}` is not a tag key (0-9, a-z, A-Z, `_` and `-`)"
            ));
        }
        check_tag_value(&here, value)?;
    }
    Ok(())
}

/// A text of up to 255 characters, `null`, or `{"$in": [...]}` / `{"$nin": [...]}`.
fn check_tag_value(at: &str, value: &Value) -> Result<(), String> {
    let check_text = |at: &str, text: &str| {
        if text.chars().count() > MAX_TAG_CHARS {
            return Err(format!("`{at}` is longer than {MAX_TAG_CHARS} characters"));
        }
        Ok(())
    };
    match value {
        Value::Null => Ok(()),
        Value::String(text) => check_text(at, text),
        Value::Object(fields) if fields.len() == 1 => {
            let Some((operator, Value::Array(texts))) = fields
                .iter()
                .next()
                .filter(|(operator, _)| *operator == "$in" || *operator == "$nin")
            else {
                return Err(format!(
                    "`{at}` takes a text, null, or `$in` / `$nin` with a list of texts"
                ));
            };
            let here = format!("{at}.{operator}");
            check_count(&here, texts.len(), "values")?;
            texts.iter().try_for_each(|text| match text {
                Value::String(text) => check_text(&here, text),
                _ => Err(format!("`{here}` may hold only texts")),
            })
        }
        _ => Err(format!(
            "`{at}` takes a text, null, or `$in` / `$nin` with a list of texts"
        )),
    }
}

impl Validate for EventQuery {
    /// The rules of [`EventQuery::validate`], reported at the field holding the query
    /// (an export's `query`).
    fn check(&self, at: &mut Checker) {
        if let Err(invalid) = EventQuery::validate(self) {
            at.fail(invalid.reason());
        }
    }
}

impl Serialize for EventQuery {
    /// Serializes the query, or fails with the first broken rule.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.validate().map_err(|invalid| limit_error(&invalid))?;
        self.clauses.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for EventQuery {
    /// Reads a query from its JSON form, checked against the schema.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let query = EventQuery::raw(Map::deserialize(deserializer)?);
        query
            .validate()
            .map_err(|invalid| serde::de::Error::custom(invalid.reason()))?;
        Ok(query)
    }
}

impl FieldQuery {
    /// Sets `operator` to `value` as JSON, keeping the first value that cannot be.
    fn set<T: Serialize>(mut self, operator: &str, value: T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                self.operators.insert(operator.to_owned(), value);
            }
            Err(error) => {
                self.unserializable.get_or_insert_with(|| {
                    format!(
                        "the operand of `{}.{operator}` cannot be turned into JSON: {error}",
                        self.field
                    )
                });
            }
        }
        self
    }

    /// Sets `operator` to the list of `values`.
    fn set_list<I: IntoIterator<Item = T>, T: Serialize>(self, operator: &str, values: I) -> Self {
        self.set(operator, values.into_iter().collect::<Vec<T>>())
    }
}

macro_rules! operators {
    ($($(#[$doc:meta])* $name:ident => $op:literal;)*) => {
        impl FieldQuery {
            $(
                $(#[$doc])*
                pub fn $name<T: Serialize>(self, value: T) -> Self {
                    self.set($op, value)
                }
            )*
        }
    };
}

operators! {
    /// Equal to (`$eq`).
    eq => "$eq";
    /// Not equal to (`$ne`).
    ne => "$ne";
    /// Greater than (`$gt`).
    gt => "$gt";
    /// Less than (`$lt`).
    lt => "$lt";
    /// Greater than or equal to (`$gte`).
    gte => "$gte";
    /// Less than or equal to (`$lte`).
    lte => "$lte";
}

impl FieldQuery {
    /// Starts with `text` (`$startsWith`).
    pub fn starts_with(self, text: impl Into<String>) -> Self {
        self.set("$startsWith", text.into())
    }

    /// Ends with `text` (`$endsWith`).
    pub fn ends_with(self, text: impl Into<String>) -> Self {
        self.set("$endsWith", text.into())
    }

    /// Contains `text` (`$contains`).
    pub fn contains(self, text: impl Into<String>) -> Self {
        self.set("$contains", text.into())
    }

    /// Compares texts ignoring case (`$ci`).
    pub fn case_insensitive(self, ignore_case: bool) -> Self {
        self.set("$ci", ignore_case)
    }

    /// One of `values` (`$in`).
    pub fn is_in<I: IntoIterator<Item = T>, T: Serialize>(self, values: I) -> Self {
        self.set_list("$in", values)
    }

    /// None of `values` (`$nin`).
    pub fn not_in<I: IntoIterator<Item = T>, T: Serialize>(self, values: I) -> Self {
        self.set_list("$nin", values)
    }
}

impl From<FieldQuery> for EventQuery {
    fn from(field: FieldQuery) -> Self {
        EventQuery {
            unserializable: field.unserializable,
            ..Self::clause(field.field.as_str(), Value::Object(field.operators))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(value: Value) -> EventQuery {
        let Value::Object(fields) = value else {
            panic!("not an object: {value}")
        };
        EventQuery::raw(fields)
    }

    #[test]
    fn operators_on_one_field_combine() {
        let query: EventQuery = EventQuery::field(EventField::CreationDate)
            .gte("2026-01-01T00:00:00.000Z")
            .lt("2026-02-01T00:00:00.000Z")
            .into();
        assert_eq!(
            query.to_json(),
            json!({"creationDate": {"$gte": "2026-01-01T00:00:00.000Z", "$lt": "2026-02-01T00:00:00.000Z"}})
        );
        let ci: EventQuery = EventQuery::field(EventField::Subject)
            .contains("pump")
            .case_insensitive(true)
            .into();
        assert_eq!(
            ci.to_json(),
            json!({"subject": {"$contains": "pump", "$ci": true}})
        );
        assert!(ci.validate().is_ok());
    }

    #[test]
    fn combinators_nest() {
        let query = EventQuery::or([
            EventQuery::field(EventField::Level).ne("myValue"),
            EventQuery::field(EventField::Level).eq(5),
        ]);
        assert_eq!(
            query.to_json(),
            json!({"$or": [{"level": {"$ne": "myValue"}}, {"level": {"$eq": 5}}]})
        );
        let nested = EventQuery::nor([EventQuery::and([query]), raw(json!({"subject": "x"}))]);
        assert_eq!(
            serde_json::to_value(&nested).unwrap(),
            json!({"$nor": [{"$and": [{"$or": [{"level": {"$ne": "myValue"}}, {"level": {"$eq": 5}}]}]}, {"subject": "x"}]})
        );
    }

    #[test]
    fn limits_are_checked_when_serializing() {
        let too_many = EventQuery::field(EventField::Id).is_in(0..101);
        let error = serde_json::to_string(&EventQuery::from(too_many)).unwrap_err();
        assert!(
            error.to_string().contains("`id.$in` holds 101 values"),
            "{error}"
        );
        let empty = EventQuery::from(EventQuery::field(EventField::Subject).contains(""));
        assert!(serde_json::to_string(&empty).is_err());
        let wide = EventQuery::and((0..101).map(|i| EventQuery::field(EventField::Level).eq(i)));
        let error = wide.validate().unwrap_err();
        assert_eq!(error.argument(), "query");
        assert!(
            error.reason().contains("`$and` holds 101 subqueries"),
            "{error}"
        );
    }

    #[test]
    fn a_value_that_cannot_be_json_is_an_error_not_null() {
        struct Unserializable;
        impl Serialize for Unserializable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no JSON form"))
            }
        }
        let query = EventQuery::and([
            EventQuery::field(EventField::Level).eq("info"),
            EventQuery::field(EventField::Subject).eq(Unserializable),
        ]);
        let error = query.validate().unwrap_err();
        assert!(error.reason().contains("`subject.$eq`"), "{error}");
        assert!(error.reason().contains("no JSON form"), "{error}");
        assert!(serde_json::to_string(&query).is_err());
    }

    #[test]
    fn raw_queries_are_held_to_the_schema() {
        let refused = [
            (json!({"color": "red"}), "unknown field `color`"),
            (
                json!({"level": {"$like": "x"}}),
                "unknown operator `$like` at `level`",
            ),
            (
                json!({"level": {"$in": "info"}}),
                "`level.$in` must be a list",
            ),
            (
                json!({"level": {"$in": [["info"]]}}),
                "may hold only strings, numbers and booleans",
            ),
            (
                json!({"level": {"$eq": {"x": 1}}}),
                "`level.$eq` must be a string",
            ),
            (
                json!({"level": ["info"]}),
                "`level` must be a string, number",
            ),
            (
                json!({"level": {"$ci": "yes"}}),
                "`level.$ci` must be `true` or `false`",
            ),
            (json!({"$and": {"level": "info"}}), "`$and` must be a list"),
            (json!({"$or": [1]}), "`$or[0]` must be a query object"),
            (
                json!({"$or": [{"level": {"$gt": []}}]}),
                "`$or[0].level.$gt`",
            ),
            (json!({"eventTags": {"$gt": "a"}}), "unknown key `$gt`"),
            (
                json!({"eventTags": {"$eq": {"$lt": "a"}}}),
                "unknown key `$lt`",
            ),
            (json!({"eventTags": {".dot": "a"}}), "is not a tag key"),
            (
                json!({"eventTags": {"zone": {"$in": "a"}}}),
                "takes a text, null",
            ),
            (
                json!({"eventTags": {"zone": {"$in": [1]}}}),
                "may hold only texts",
            ),
            (
                json!({"eventTags": {"zone": "x".repeat(256)}}),
                "longer than 255",
            ),
            (json!({"eventTags": 5}), "must be null or an object"),
        ];
        for (query, message) in refused {
            let error = raw(query.clone()).validate().unwrap_err();
            assert!(error.reason().contains(message), "{query}: {error}");
        }
        let accepted = [
            json!({"level": "info", "subject": {"$startsWith": "P", "$ci": true}}),
            json!({"eventTags": null}),
            json!({"eventTags": {"zone": "a", "floor": null}}),
            json!({"eventTags": {"$tagKey": "zone", "$tagValue": {"$in": ["a", "b"]}}}),
            json!({"eventTags": {"$ne": {"zone": {"$nin": ["a"]}}}}),
            json!({"$nor": [{"deviceId": {"$in": ["575ecf887ae143cd83dc4aa2"]}}]}),
        ];
        for query in accepted {
            assert!(raw(query.clone()).validate().is_ok(), "{query}");
        }
        assert!(EventQuery::tag("zone", "a").validate().is_ok());
        assert_eq!(
            EventQuery::tag_key("zone").to_json(),
            json!({"eventTags": {"$tagKey": "zone"}})
        );
    }

    #[test]
    fn a_query_nested_past_the_depth_bound_is_refused() {
        let deep = (0..crate::MAX_DATA_DEPTH).fold(
            json!({"level": "info"}),
            |inner, _| json!({"$and": [inner]}),
        );
        let error = raw(deep).validate().unwrap_err();
        assert!(error.reason().contains("levels deep"), "{error}");
    }

    #[test]
    fn queries_load_from_configuration_and_are_checked() {
        let query: EventQuery = serde_json::from_str(r#"{"level":{"$in":["critical"]}}"#).unwrap();
        assert_eq!(
            query,
            EventQuery::field(EventField::Level)
                .is_in(["critical"])
                .into()
        );
        assert!(serde_json::from_str::<EventQuery>(r#"{"level":{"$like":"x"}}"#).is_err());
    }
}
