//! The Event resource's models, from the API's JSON schemas.

use std::collections::BTreeMap;

use losant_core::{ApplicationId, DeviceId, EventId, StringEnum, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Severity of an event.
#[derive(Clone, PartialEq, Eq, Hash, Debug, StringEnum)]
pub enum EventLevel {
    /// `info`
    #[value = "info"]
    Info,
    /// `warning`
    #[value = "warning"]
    Warning,
    /// `error`
    #[value = "error"]
    Error,
    /// `critical`
    #[value = "critical"]
    Critical,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

/// Where an event is in its life.
#[derive(Clone, PartialEq, Eq, Hash, Debug, StringEnum)]
pub enum EventState {
    /// `new`: nobody has looked at it yet.
    #[value = "new"]
    New,
    /// `acknowledged`: someone is on it.
    #[value = "acknowledged"]
    Acknowledged,
    /// `resolved`: done.
    #[value = "resolved"]
    Resolved,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

/// What created or changed an event.
#[derive(Clone, PartialEq, Eq, Hash, Debug, StringEnum)]
pub enum SourceType {
    /// A workflow.
    #[value = "flow"]
    Flow,
    /// A user.
    #[value = "user"]
    User,
    /// A device.
    #[value = "device"]
    Device,
    /// An API token.
    #[value = "apiToken"]
    ApiToken,
    /// An experience user.
    #[value = "experienceUser"]
    ExperienceUser,
    /// A public (unauthenticated) source.
    #[value = "public"]
    Public,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

/// An event of an application (schema `event`). Every field is optional, as the
/// server may leave any out; unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Event {
    /// The event's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<EventId>,
    /// The event's ID (same as `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<EventId>,
    /// The application the event belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<ApplicationId>,
    /// When the event was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<Timestamp>,
    /// When the event last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<Timestamp>,
    /// What kind of source created the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<SourceType>,
    /// ID of the source that created the event (its kind depends on `source_type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Name of the source that created the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// Severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<EventLevel>,
    /// State.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<EventState>,
    /// Subject line (1 to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Message (up to 32767 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Arbitrary data attached to the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// The device the event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<DeviceId>,
    /// Name of that device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// Whether changes of `event_tags` are left out of `updates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_tag_change_tracking: Option<bool>,
    /// Tags: keys match `^[0-9a-zA-Z_-]{1,255}$`, values are 1 to 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_tags: Option<BTreeMap<String, String>>,
    /// The history of changes (at most 100 entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<Vec<EventUpdate>>,
}

/// One entry of an event's history: who changed what, with an optional comment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventUpdate {
    /// What kind of source made the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<SourceType>,
    /// ID of that source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Name of that source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// When the change was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<Timestamp>,
    /// The comment given with the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Data given with the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// The state after the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<EventState>,
    /// How the state changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_change: Option<Change<EventState>>,
    /// How the level changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_change: Option<Change<EventLevel>>,
    /// How the subject changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_change: Option<Change<String>>,
    /// How the device changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id_change: Option<DeviceIdChange>,
    /// How each changed tag changed, by tag key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags_change: Option<BTreeMap<String, Change<String>>>,
}

/// A change of one value: what it was and what it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Change<T> {
    /// The value before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<T>,
    /// The value after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<T>,
}

impl<T> Default for Change<T> {
    fn default() -> Self {
        Change {
            old: None,
            new: None,
        }
    }
}

impl<T> Change<T> {
    /// A change from `old` to `new`.
    pub fn new(old: Option<T>, new: Option<T>) -> Self {
        Change { old, new }
    }
}

/// A change of an event's device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeviceIdChange {
    /// The device before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<DeviceId>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_device_name: Option<String>,
    /// The device after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<DeviceId>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_device_name: Option<String>,
}

/// The answer of a successful deletion (schema `success`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Success {
    /// `true` when the operation succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
}

impl Success {
    /// Whether the server said `"success": true`.
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.success == Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The API reference's event, with one entry in its history.
    const EVENT: &str = r#"{
        "applicationId": "575ec8687ae143cd83dc4a97",
        "creationDate": "2016-06-13T04:00:00.000Z",
        "data": {"voltage": [1.5, 2]},
        "deviceId": "575ecf887ae143cd83dc4aa2",
        "deviceName": "My Device",
        "eventId": "575ed0de7ae143cd83dc4aa5",
        "eventTags": {"customKey": "customValue"},
        "id": "575ed0de7ae143cd83dc4aa5",
        "lastUpdated": "2016-06-14T09:30:15.250Z",
        "level": "info",
        "message": "Power levels on device 432 have surpassed critical thresholds",
        "sourceId": "575ed70c7ae143cd83dc4aa9",
        "sourceName": "hello@example.com",
        "sourceType": "user",
        "state": "acknowledged",
        "subject": "Power levels critical",
        "updates": [{
            "sourceType": "apiToken",
            "sourceId": "575ed70c7ae143cd83dc4aa9",
            "sourceName": "Operations token",
            "creationDate": "2016-06-14T09:30:15.250Z",
            "comment": "Looking into this issue",
            "state": "acknowledged",
            "stateChange": {"old": "new", "new": "acknowledged"},
            "levelChange": {"old": "warning", "new": "info"},
            "deviceIdChange": {"old": "575ecf887ae143cd83dc4aa2", "oldDeviceName": "My Device"},
            "tagsChange": {"zone": {"old": "3", "new": "4"}}
        }]
    }"#;

    #[test]
    fn a_decoded_event_encodes_back_to_the_same_json() {
        let json: Value = serde_json::from_str(EVENT).unwrap();
        let event: Event = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), json);
    }
}
