//! [`EventQuery`]: a typed builder of Losant's advanced event queries.

use serde::Serialize;
use serde_json::{Map, Value};

losant_core::string_enum! {
    /// An event field an advanced query can test.
    pub enum EventField {
        /// `id`
        Id = "id",
        /// `creationDate`
        CreationDate = "creationDate",
        /// `lastUpdated`
        LastUpdated = "lastUpdated",
        /// `sourceId`
        SourceId = "sourceId",
        /// `sourceType`
        SourceType = "sourceType",
        /// `level`
        Level = "level",
        /// `state`
        State = "state",
        /// `subject`
        Subject = "subject",
        /// `deviceId`
        DeviceId = "deviceId",
        /// `experienceUserId`
        ExperienceUserId = "experienceUserId",
        /// `experienceGroupId`
        ExperienceGroupId = "experienceGroupId",
    }
}

/// Most subqueries of `$and` / `$or` / `$nor`, and values of `$in` / `$nin`.
pub const MAX_QUERY_ITEMS: usize = 100;

/// An advanced event query (schema `advancedEventQuery`): field conditions combined
/// with `$and`, `$or` and `$nor`. Sent as one JSON-encoded query value (listing, bulk
/// updates) or as a JSON body (deletion by query).
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
}

/// The conditions on one field, built operator by operator; becomes an [`EventQuery`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct FieldQuery {
    field: EventField,
    operators: Map<String, Value>,
}

fn to_value<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl EventQuery {
    /// Conditions on `field`: chain operators, such as `.gte(a).lt(b)`.
    pub fn field(field: EventField) -> FieldQuery {
        FieldQuery {
            field,
            operators: Map::new(),
        }
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

    fn combine<I: IntoIterator<Item = Q>, Q: Into<EventQuery>>(operator: &str, queries: I) -> Self {
        let items = queries
            .into_iter()
            .map(|q| Value::Object(q.into().clauses))
            .collect();
        let mut clauses = Map::new();
        clauses.insert(operator.to_owned(), Value::Array(items));
        EventQuery { clauses }
    }

    /// Any JSON object, sent as it is: the escape hatch for what the builder does not
    /// cover (such as `eventTags` conditions).
    pub fn raw(query: Map<String, Value>) -> Self {
        EventQuery { clauses: query }
    }

    /// The query as JSON.
    #[must_use]
    pub fn to_json(&self) -> Value {
        Value::Object(self.clauses.clone())
    }

    /// Checks the schema's limits: at most 100 subqueries per combinator and 100
    /// values per `$in` / `$nin`, non-empty text for `$startsWith`, `$endsWith`,
    /// `$contains`.
    pub fn validate(&self) -> Result<(), String> {
        validate_object(&self.clauses)
    }
}

fn validate_object(clauses: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in clauses {
        match (key.as_str(), value) {
            ("$and" | "$or" | "$nor", Value::Array(items)) => {
                if items.len() > MAX_QUERY_ITEMS {
                    return Err(format!(
                        "`{key}` holds {} subqueries, at most {MAX_QUERY_ITEMS}",
                        items.len()
                    ));
                }
                for item in items {
                    if let Value::Object(inner) = item {
                        validate_object(inner)?;
                    }
                }
            }
            (field, Value::Object(operators)) => {
                for (operator, operand) in operators {
                    match (operator.as_str(), operand) {
                        ("$in" | "$nin", Value::Array(values))
                            if values.len() > MAX_QUERY_ITEMS =>
                        {
                            return Err(format!(
                                "`{field}.{operator}` holds {} values, at most {MAX_QUERY_ITEMS}",
                                values.len()
                            ));
                        }
                        ("$startsWith" | "$endsWith" | "$contains", Value::String(text))
                            if text.is_empty() =>
                        {
                            return Err(format!("`{field}.{operator}` needs a non-empty text"));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

impl Serialize for EventQuery {
    /// Serializes the query, or fails with the first broken limit.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.validate().map_err(serde::ser::Error::custom)?;
        self.clauses.serialize(serializer)
    }
}

macro_rules! operators {
    ($($(#[$doc:meta])* $name:ident => $op:literal;)*) => {
        impl FieldQuery {
            $(
                $(#[$doc])*
                pub fn $name<T: Serialize>(mut self, value: T) -> Self {
                    self.operators.insert($op.to_owned(), to_value(value));
                    self
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
    pub fn starts_with(mut self, text: impl Into<String>) -> Self {
        self.operators
            .insert("$startsWith".to_owned(), Value::String(text.into()));
        self
    }

    /// Ends with `text` (`$endsWith`).
    pub fn ends_with(mut self, text: impl Into<String>) -> Self {
        self.operators
            .insert("$endsWith".to_owned(), Value::String(text.into()));
        self
    }

    /// Contains `text` (`$contains`).
    pub fn contains(mut self, text: impl Into<String>) -> Self {
        self.operators
            .insert("$contains".to_owned(), Value::String(text.into()));
        self
    }

    /// One of `values` (`$in`).
    pub fn is_in<I: IntoIterator<Item = T>, T: Serialize>(mut self, values: I) -> Self {
        let values = values.into_iter().map(to_value).collect();
        self.operators
            .insert("$in".to_owned(), Value::Array(values));
        self
    }

    /// None of `values` (`$nin`).
    pub fn not_in<I: IntoIterator<Item = T>, T: Serialize>(mut self, values: I) -> Self {
        let values = values.into_iter().map(to_value).collect();
        self.operators
            .insert("$nin".to_owned(), Value::Array(values));
        self
    }
}

impl From<FieldQuery> for EventQuery {
    fn from(field: FieldQuery) -> Self {
        let mut clauses = Map::new();
        clauses.insert(
            field.field.as_str().to_owned(),
            Value::Object(field.operators),
        );
        EventQuery { clauses }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        let nested = EventQuery::nor([
            EventQuery::and([query]),
            EventQuery::raw(json!({"subject": "x"}).as_object().unwrap().clone()),
        ]);
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
        assert!(wide.validate().is_err());
    }
}
