//! Models of the events collection (`/applications/{applicationId}/events`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use losant_core::{ApplicationId, DeviceId, InvalidArgument, Page};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Event, EventLevel, EventState};
use crate::patch::{
    MAX_COMMENT_CHARS, MAX_SUBJECT_CHARS, MAX_TAG_CHARS, check_chars, limit_error, validate_tags,
};
use crate::query::EventQuery;

losant_core::string_enum! {
    /// A field events can be sorted by.
    pub enum SortField {
        /// `subject`
        Subject = "subject",
        /// `id`
        Id = "id",
        /// `creationDate` (the server's default)
        CreationDate = "creationDate",
        /// `lastUpdated`
        LastUpdated = "lastUpdated",
        /// `level`
        Level = "level",
        /// `state`
        State = "state",
        /// `deviceId`
        DeviceId = "deviceId",
    }
}

losant_core::string_enum! {
    /// A sort direction.
    pub enum SortDirection {
        /// Ascending.
        Asc = "asc",
        /// Descending (the server's default).
        Desc = "desc",
    }
}

/// Filters of the events collection, sent as query parameters: a subject glob
/// (`filter`, with `*` wildcards) and a state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[must_use]
pub struct EventsFilter {
    /// The field `filter` applies to (only `subject`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_field: Option<String>,
    /// A glob on that field, such as `abnormal power to *`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Only events in this state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<EventState>,
}

impl EventsFilter {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only events whose subject matches `glob` (`*` matches any text).
    pub fn subject(mut self, glob: impl Into<String>) -> Self {
        self.filter_field = Some("subject".to_owned());
        self.filter = Some(glob.into());
        self
    }

    /// Only events in `state`.
    pub fn state(mut self, state: EventState) -> Self {
        self.state = Some(state);
        self
    }
}

/// How to list events: filters, sort and page size (the page number is its own
/// argument). Sent as query parameters.
///
/// ```
/// use losant_events::{EventState, EventsQuery, SortDirection, SortField};
///
/// let options = EventsQuery::new()
///     .sort(SortField::CreationDate, SortDirection::Asc)
///     .per_page(100)
///     .state(EventState::New);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[must_use]
pub struct EventsQuery {
    /// The sort field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_field: Option<SortField>,
    /// The sort direction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_direction: Option<SortDirection>,
    /// Events per page (the server's default is 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
    /// Subject and state filters.
    #[serde(flatten)]
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

/// A page of events (schema `events`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Events {
    /// The events of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Event>>,
    /// How many events this page holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// How many events match in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// Events per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u64>,
    /// This page's number, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// The subject filter applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// The field of that filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_field: Option<String>,
    /// The sort field applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_field: Option<SortField>,
    /// The sort direction applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_direction: Option<SortDirection>,
    /// The state filter applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<EventState>,
    /// The application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<ApplicationId>,
    /// The advanced query applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
}

impl Page for Events {
    type Item = Event;

    fn into_items(self) -> Vec<Event> {
        self.items.unwrap_or_default()
    }

    fn total_count(&self) -> Option<u64> {
        self.total_count
    }
}

/// A new event (schema `eventPost`): `level` and `subject` are required, the rest
/// optional; checked against the schema's limits before sending.
///
/// ```
/// use losant_events::{EventLevel, EventPost};
///
/// let event = EventPost::new(EventLevel::Warning, "Humidity high").message("Zone 3 at 91%");
/// assert_eq!(
///     serde_json::to_string(&event)?,
///     r#"{"level":"warning","subject":"Humidity high","message":"Zone 3 at 91%"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
#[must_use]
pub struct EventPost {
    /// Severity.
    pub level: EventLevel,
    /// Subject (1 to 255 characters).
    pub subject: String,
    /// State (the server's default is `new`).
    #[serde(default)]
    pub state: Option<EventState>,
    /// Message (up to 32767 characters).
    #[serde(default)]
    pub message: Option<String>,
    /// Arbitrary data.
    #[serde(default)]
    pub data: Option<Value>,
    /// The device the event is about.
    #[serde(default)]
    pub device_id: Option<DeviceId>,
    /// Tags.
    #[serde(default)]
    pub event_tags: Option<BTreeMap<String, String>>,
    /// When the event happened (the server's default is now).
    #[serde(default)]
    pub creation_date: Option<DateTime<Utc>>,
    /// Whether changes of the tags are left out of `updates`.
    #[serde(default)]
    pub disable_tag_change_tracking: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostWire<'a> {
    level: &'a EventLevel,
    subject: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a EventState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_id: Option<&'a DeviceId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_tags: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    creation_date: Option<&'a DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disable_tag_change_tracking: Option<bool>,
}

impl EventPost {
    /// A new event with its two required fields.
    pub fn new(level: EventLevel, subject: impl Into<String>) -> Self {
        EventPost {
            level,
            subject: subject.into(),
            state: None,
            message: None,
            data: None,
            device_id: None,
            event_tags: None,
            creation_date: None,
            disable_tag_change_tracking: None,
        }
    }

    /// Sets the state.
    pub fn state(mut self, state: EventState) -> Self {
        self.state = Some(state);
        self
    }

    /// Sets the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the data.
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Attaches a device.
    pub fn device_id(mut self, device: DeviceId) -> Self {
        self.device_id = Some(device);
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.event_tags
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Sets when the event happened.
    pub fn creation_date(mut self, at: DateTime<Utc>) -> Self {
        self.creation_date = Some(at);
        self
    }

    /// Checks the schema's limits (subject 1 to 255 characters, message up to 32767,
    /// tag keys `^[0-9a-zA-Z_-]{1,255}$` and values 1 to 255 characters).
    pub fn validate(&self) -> Result<(), InvalidArgument> {
        check_chars("subject", &self.subject, 1, MAX_SUBJECT_CHARS)?;
        if let Some(message) = &self.message {
            check_chars("message", message, 0, MAX_COMMENT_CHARS)?;
        }
        validate_tags(self.event_tags.as_ref(), MAX_TAG_CHARS)
    }
}

impl Serialize for EventPost {
    /// Serializes what was set, or fails with the first broken limit.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.validate().map_err(|invalid| limit_error(&invalid))?;
        PostWire {
            level: &self.level,
            subject: &self.subject,
            state: self.state.as_ref(),
            message: self.message.as_deref(),
            data: self.data.as_ref(),
            device_id: self.device_id.as_ref(),
            event_tags: self.event_tags.as_ref(),
            creation_date: self.creation_date.as_ref(),
            disable_tag_change_tracking: self.disable_tag_change_tracking,
        }
        .serialize(serializer)
    }
}

/// The most recent event of the highest severity, with the number of new events
/// (schema `eventPlusNewCount`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventPlusNewCount {
    /// The event, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// How many events are in the `new` state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_count: Option<u64>,
}

/// The answer of a deletion by query done at once (schema `eventsDeleted`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventsDeleted {
    /// How many events were removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<u64>,
}

/// What to export (the `exportData` body of `events.export`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[must_use]
pub struct EventsExport {
    /// Where to email the export.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A URL to call when the export is ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Which events to export.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<EventQuery>,
}

impl EventsExport {
    /// An export of every event.
    pub fn new() -> Self {
        Self::default()
    }

    /// Emails the export to `email`.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Calls `url` when the export is ready.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Exports only the events matching `query`.
    pub fn query(mut self, query: EventQuery) -> Self {
        self.query = Some(query);
        self
    }
}
