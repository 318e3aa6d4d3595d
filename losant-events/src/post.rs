//! [`EventPost`]: the body of `post_event`, checked against its schema's limits.

use std::collections::BTreeMap;

use losant_core::{DeviceId, Timestamp, Validate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{EventLevel, EventState};
use crate::validate::{
    MAX_DATA_DEPTH, MAX_MESSAGE_CHARS, MAX_SUBJECT_CHARS, MAX_TAG_CHARS, limit_error,
};

/// A new event (schema `eventPost`): `level` and `subject` are required, the rest
/// optional; checked against the schema's limits before sending: a listed level and
/// state, subject 1 to 255 characters, message up to 32767, tag keys
/// `^[0-9a-zA-Z_-]{1,255}$` and values 1 to 255 characters, and `data` at most
/// [`MAX_DATA_DEPTH`](crate::MAX_DATA_DEPTH) levels deep ([`Validate`](trait@Validate)
/// checks them without a call).
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
#[derive(Debug, Clone, PartialEq, Deserialize, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
#[must_use]
pub struct EventPost {
    /// Severity.
    #[validate(listed)]
    pub level: EventLevel,
    /// Subject (1 to 255 characters).
    #[validate(chars(min = 1, max = MAX_SUBJECT_CHARS))]
    pub subject: String,
    /// State (the server's default is `new`).
    #[serde(default)]
    #[validate(listed)]
    pub state: Option<EventState>,
    /// Message (up to 32767 characters).
    #[serde(default)]
    #[validate(chars(max = MAX_MESSAGE_CHARS))]
    pub message: Option<String>,
    /// Arbitrary data.
    #[serde(default)]
    #[validate(depth = MAX_DATA_DEPTH)]
    pub data: Option<Value>,
    /// The device the event is about.
    #[serde(default)]
    pub device_id: Option<DeviceId>,
    /// Tags.
    #[serde(default)]
    #[validate(entries(keys = Key), each(chars(min = 1, max = MAX_TAG_CHARS)))]
    pub event_tags: Option<BTreeMap<String, String>>,
    /// When the event happened (the server's default is now).
    #[serde(default)]
    pub creation_date: Option<Timestamp>,
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
    creation_date: Option<&'a Timestamp>,
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
    pub fn creation_date(mut self, at: Timestamp) -> Self {
        self.creation_date = Some(at);
        self
    }
}

impl Serialize for EventPost {
    /// Serializes what was set, or fails with the first broken limit.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Validate::validate(self).map_err(|invalid| limit_error(&invalid))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_data_the_api_cannot_take_are_refused() {
        let ok = EventPost::new(EventLevel::Info, "s");
        assert!(ok.validate().is_ok());
        let loud = EventPost::new(EventLevel::Other("loud".into()), "s");
        assert_eq!(loud.validate().unwrap_err().argument(), "level");
        let closed =
            EventPost::new(EventLevel::Info, "s").state(EventState::Other("closed".into()));
        assert_eq!(closed.validate().unwrap_err().argument(), "state");
        let deep = (0..=crate::MAX_DATA_DEPTH)
            .fold(serde_json::json!(0), |inner, _| serde_json::json!([inner]));
        let error = EventPost::new(EventLevel::Info, "s")
            .data(deep)
            .validate()
            .unwrap_err();
        assert_eq!(error.argument(), "data");
        assert!(serde_json::to_string(&EventPost::new(EventLevel::Info, "")).is_err());
    }
}
