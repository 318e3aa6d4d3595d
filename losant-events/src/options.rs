//! Options of the events listing: filters, sort and page size.

use losant_core::{StringEnum, Validate};
use serde::{Deserialize, Serialize};

use crate::model::EventState;
use crate::validate::limit_error;

/// A field events can be sorted by.
#[derive(Clone, PartialEq, Eq, Hash, Debug, StringEnum)]
pub enum SortField {
    /// `subject`
    #[value = "subject"]
    Subject,
    /// `id`
    #[value = "id"]
    Id,
    /// `creationDate` (the server's default)
    #[value = "creationDate"]
    CreationDate,
    /// `lastUpdated`
    #[value = "lastUpdated"]
    LastUpdated,
    /// `level`
    #[value = "level"]
    Level,
    /// `state`
    #[value = "state"]
    State,
    /// `deviceId`
    #[value = "deviceId"]
    DeviceId,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

/// A sort direction.
#[derive(Clone, PartialEq, Eq, Hash, Debug, StringEnum)]
pub enum SortDirection {
    /// Ascending.
    #[value = "asc"]
    Asc,
    /// Descending (the server's default).
    #[value = "desc"]
    Desc,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

/// A field the subject glob of [`EventsFilter`] can apply to.
#[derive(Clone, PartialEq, Eq, Hash, Debug, StringEnum)]
pub enum FilterField {
    /// `subject` (the only one).
    #[value = "subject"]
    Subject,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

/// Filters of the events collection, sent as query parameters: a subject glob
/// (`filter`, with `*` wildcards) and a state. Values the API does not list are refused
/// before sending; loads from configuration with serde.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
#[must_use]
pub struct EventsFilter {
    /// The field `filter` applies to (only `subject`).
    #[serde(default)]
    #[validate(listed)]
    pub filter_field: Option<FilterField>,
    /// A glob on that field, such as `abnormal power to *`.
    #[serde(default)]
    pub filter: Option<String>,
    /// Only events in this state.
    #[serde(default)]
    #[validate(listed)]
    pub state: Option<EventState>,
}

impl EventsFilter {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only events whose subject matches `glob` (`*` matches any text).
    pub fn subject(mut self, glob: impl Into<String>) -> Self {
        self.filter_field = Some(FilterField::Subject);
        self.filter = Some(glob.into());
        self
    }

    /// Only events in `state`.
    pub fn state(mut self, state: EventState) -> Self {
        self.state = Some(state);
        self
    }
}

/// The query parameters of a filter: only what was set.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FilterWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    filter_field: Option<&'a FilterField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a EventState>,
}

impl Serialize for EventsFilter {
    /// Serializes what was set, or fails with a value the API does not list.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Validate::validate(self).map_err(|invalid| limit_error(&invalid))?;
        FilterWire {
            filter_field: self.filter_field.as_ref(),
            filter: self.filter.as_deref(),
            state: self.state.as_ref(),
        }
        .serialize(serializer)
    }
}

/// How to list events: filters, sort and page size (the page number is its own
/// argument). Sent as query parameters; values the API does not list are refused
/// before sending; loads from configuration with serde.
///
/// ```
/// use losant_events::{EventState, EventsQuery, SortDirection, SortField};
///
/// let options = EventsQuery::new()
///     .sort(SortField::CreationDate, SortDirection::Asc)
///     .per_page(100)
///     .state(EventState::New);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Validate)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[must_use]
pub struct EventsQuery {
    /// The sort field.
    #[serde(default)]
    #[validate(listed)]
    pub sort_field: Option<SortField>,
    /// The sort direction.
    #[serde(default)]
    #[validate(listed)]
    pub sort_direction: Option<SortDirection>,
    /// Events per page (the server's default is 100).
    #[serde(default)]
    pub per_page: Option<u32>,
    /// Subject and state filters.
    #[serde(flatten)]
    #[validate(nested)]
    pub filter: EventsFilter,
}

impl EventsQuery {
    /// The server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sorts by `field` in `direction`.
    pub fn sort(mut self, field: SortField, direction: SortDirection) -> Self {
        self.sort_field = Some(field);
        self.sort_direction = Some(direction);
        self
    }

    /// Events per page.
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Only events whose subject matches `glob`.
    pub fn subject(mut self, glob: impl Into<String>) -> Self {
        self.filter = self.filter.subject(glob);
        self
    }

    /// Only events in `state`.
    pub fn state(mut self, state: EventState) -> Self {
        self.filter = self.filter.state(state);
        self
    }
}

/// The query parameters of the listing options: only what was set.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueryWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    sort_field: Option<&'a SortField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort_direction: Option<&'a SortDirection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_page: Option<u32>,
    #[serde(flatten)]
    filter: &'a EventsFilter,
}

impl Serialize for EventsQuery {
    /// Serializes what was set, or fails with a value the API does not list.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Validate::validate(self).map_err(|invalid| limit_error(&invalid))?;
        QueryWire {
            sort_field: self.sort_field.as_ref(),
            sort_direction: self.sort_direction.as_ref(),
            per_page: self.per_page,
            filter: &self.filter,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_was_set_is_sent() {
        let options = EventsQuery::new()
            .sort(SortField::Level, SortDirection::Asc)
            .per_page(25)
            .subject("pump*");
        assert_eq!(
            serde_json::to_value(&options).unwrap(),
            serde_json::json!({
                "sortField": "level", "sortDirection": "asc", "perPage": 25,
                "filterField": "subject", "filter": "pump*"
            })
        );
        assert_eq!(
            serde_json::to_value(EventsQuery::new()).unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn values_the_api_does_not_list_are_refused() {
        let closed = EventsQuery::new().state(EventState::Other("closed".into()));
        assert_eq!(closed.validate().unwrap_err().argument(), "state");
        assert!(serde_json::to_value(&closed).is_err());
        let sideways = EventsQuery::new().sort(SortField::Id, SortDirection::Other("up".into()));
        assert_eq!(sideways.validate().unwrap_err().argument(), "sortDirection");
        let mut wrong_field = EventsFilter::new();
        wrong_field.filter_field = Some(FilterField::Other("message".into()));
        assert_eq!(
            wrong_field.validate().unwrap_err().argument(),
            "filterField"
        );
    }

    #[test]
    fn options_load_from_configuration() {
        let options: EventsQuery = serde_json::from_value(serde_json::json!({
            "sortField": "creationDate", "sortDirection": "asc", "perPage": 50, "state": "new"
        }))
        .unwrap();
        assert_eq!(
            options,
            EventsQuery::new()
                .sort(SortField::CreationDate, SortDirection::Asc)
                .per_page(50)
                .state(EventState::New)
        );
        assert!(serde_json::from_str::<EventsFilter>(r#"{"stat":"new"}"#).is_err());
    }
}
