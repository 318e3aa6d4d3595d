//! [`EventQuery`]: Losant's advanced event queries (schema `advancedEventQuery`),
//! the core's typed [`Query`] over the fields of an event.

use losant_core::StringEnum;
use losant_core::query::{Query, QueryField, TaggedField};

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

impl QueryField for EventField {
    const SCHEMA: &'static str = "advancedEventQuery";
    const TAGS: Option<&'static str> = Some("eventTags");
    const IDS: &'static [&'static str] = &["experienceUserId", "experienceGroupId"];
}

impl TaggedField for EventField {}

/// An advanced event query (schema `advancedEventQuery`): field conditions combined
/// with `$and`, `$or` and `$nor`, checked against the schema before it is sent (see
/// [`Query`]). Sent as one JSON-encoded query value (listing, bulk updates) or as a
/// JSON body (deletion by query).
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
pub type EventQuery = Query<EventField>;

/// The conditions on one event field, built operator by operator.
pub type FieldQuery = losant_core::query::FieldQuery<EventField>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::{Value, json};

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
