//! [`EventPatch`]: the body of `patch_event`, checked against its schema's limits.

use std::collections::BTreeMap;

use losant_core::{DeviceId, Validate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{EventLevel, EventState};
use crate::validate::{
    MAX_COMMENT_CHARS, MAX_DATA_DEPTH, MAX_SUBJECT_CHARS, MAX_TAG_CHARS, limit_error,
};

/// Changes to an event (schema `eventPatch`). Only the fields that were set are
/// sent; `clear_device_id` sends `"deviceId": null` to detach the device.
///
/// The schema's limits are checked before anything is sent: a listed state and level,
/// subject 1 to 255 characters, comment up to 32767, tag keys matching
/// `^[0-9a-zA-Z_-]{1,255}$`, tag values 1 to 255 characters, and `data` at most
/// [`MAX_DATA_DEPTH`](crate::MAX_DATA_DEPTH) levels deep. A patch that breaks one
/// fails the call with [`losant_core::Error::InvalidArgument`];
/// [`Validate::validate`](losant_core::validate::Validate::validate) checks them
/// without a call.
///
/// ```
/// use losant_core::Validate;
/// use losant_events::{EventPatch, EventState};
///
/// let patch = EventPatch::new()
///     .state(EventState::Acknowledged)
///     .comment("Looking into this issue");
/// assert_eq!(
///     serde_json::to_string(&patch)?,
///     r#"{"state":"acknowledged","comment":"Looking into this issue"}"#
/// );
///
/// let too_long = EventPatch::new().subject("x".repeat(256));
/// assert!(too_long.validate().is_err());
/// assert!(serde_json::to_string(&too_long).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
#[must_use]
pub struct EventPatch {
    /// New state.
    #[serde(default)]
    #[validate(listed)]
    pub state: Option<EventState>,
    /// New level.
    #[serde(default)]
    #[validate(listed)]
    pub level: Option<EventLevel>,
    /// New subject (1 to 255 characters).
    #[serde(default)]
    #[validate(chars(min = 1, max = MAX_SUBJECT_CHARS))]
    pub subject: Option<String>,
    /// `Some(Some(id))` sets the device, `Some(None)` detaches it (sent as `null`),
    /// `None` leaves it.
    #[serde(default, deserialize_with = "double_option")]
    pub device_id: Option<Option<DeviceId>>,
    /// A comment recorded with the change (up to 32767 characters).
    #[serde(default)]
    #[validate(chars(max = MAX_COMMENT_CHARS))]
    pub comment: Option<String>,
    /// Data recorded with the change.
    #[serde(default)]
    #[validate(depth = MAX_DATA_DEPTH)]
    pub data: Option<Value>,
    /// New tags, replacing the old ones.
    #[serde(default)]
    #[validate(entries(keys = Key), each(chars(min = 1, max = MAX_TAG_CHARS)))]
    pub event_tags: Option<BTreeMap<String, String>>,
}

/// `null` is `Some(None)`, a value is `Some(Some(_))`; absence (via `default`) is `None`.
// Absent, null and a value are three different patches: serde's usual idiom for them.
#[allow(clippy::option_option)]
fn double_option<'de, D>(deserializer: D) -> Result<Option<Option<DeviceId>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Option::<DeviceId>::deserialize(deserializer).map(Some)
}

impl EventPatch {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the state.
    pub fn state(mut self, state: EventState) -> Self {
        self.state = Some(state);
        self
    }

    /// Sets the level.
    pub fn level(mut self, level: EventLevel) -> Self {
        self.level = Some(level);
        self
    }

    /// Sets the subject.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Attaches the event to a device.
    pub fn device_id(mut self, device: DeviceId) -> Self {
        self.device_id = Some(Some(device));
        self
    }

    /// Detaches the event from its device (sends `"deviceId": null`).
    pub fn clear_device_id(mut self) -> Self {
        self.device_id = Some(None);
        self
    }

    /// Sets the comment recorded with the change.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Sets the data recorded with the change.
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Adds one tag to the tags sent.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.event_tags
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Sets all the tags sent.
    pub fn event_tags(mut self, tags: BTreeMap<String, String>) -> Self {
        self.event_tags = Some(tags);
        self
    }

    /// Whether no field is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The wire form: only what was set, in the schema's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Wire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a EventState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'a EventLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[allow(clippy::option_option)]
    device_id: Option<Option<&'a DeviceId>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_tags: Option<&'a BTreeMap<String, String>>,
}

impl Serialize for EventPatch {
    /// Serializes what was set, or fails with the first broken limit.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Validate::validate(self).map_err(|invalid| limit_error(&invalid))?;
        Wire {
            state: self.state.as_ref(),
            level: self.level.as_ref(),
            subject: self.subject.as_deref(),
            device_id: self.device_id.as_ref().map(Option::as_ref),
            comment: self.comment.as_deref(),
            data: self.data.as_ref(),
            event_tags: self.event_tags.as_ref(),
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(patch: &EventPatch) -> String {
        serde_json::to_string(patch).unwrap()
    }

    #[test]
    fn only_set_fields_are_sent_in_schema_order() {
        assert_eq!(json(&EventPatch::new()), "{}");
        let device: DeviceId = "575ecf887ae143cd83dc4aa2".parse().unwrap();
        let patch = EventPatch::new()
            .tag("zone", "b")
            .comment("c")
            .device_id(device)
            .subject("s")
            .level(EventLevel::Critical)
            .state(EventState::Resolved)
            .data(serde_json::json!({"x": 1}));
        assert_eq!(
            json(&patch),
            r#"{"state":"resolved","level":"critical","subject":"s","deviceId":"575ecf887ae143cd83dc4aa2","comment":"c","data":{"x":1},"eventTags":{"zone":"b"}}"#
        );
    }

    #[test]
    fn clearing_the_device_sends_null() {
        assert_eq!(
            json(&EventPatch::new().clear_device_id()),
            r#"{"deviceId":null}"#
        );
        let back: EventPatch = serde_json::from_str(r#"{"deviceId":null}"#).unwrap();
        assert_eq!(back, EventPatch::new().clear_device_id());
        let absent: EventPatch = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.device_id, None);
    }

    #[test]
    fn limits_are_checked_at_their_edges() {
        assert!(
            EventPatch::new()
                .subject("x".repeat(255))
                .validate()
                .is_ok()
        );
        assert!(
            EventPatch::new()
                .subject("é".repeat(255))
                .validate()
                .is_ok()
        );
        assert_eq!(
            EventPatch::new()
                .subject("x".repeat(256))
                .validate()
                .unwrap_err()
                .argument(),
            "subject"
        );
        assert!(EventPatch::new().subject("").validate().is_err());
        assert!(
            EventPatch::new()
                .comment("x".repeat(32767))
                .validate()
                .is_ok()
        );
        assert!(
            EventPatch::new()
                .comment("x".repeat(32768))
                .validate()
                .is_err()
        );
        assert!(EventPatch::new().tag("a-Z_9", "v").validate().is_ok());
        assert!(
            EventPatch::new()
                .tag("k".repeat(255), "v")
                .validate()
                .is_ok()
        );
        for bad_key in ["", "a b", "a.b", "ключ"] {
            assert!(
                EventPatch::new().tag(bad_key, "v").validate().is_err(),
                "{bad_key:?}"
            );
        }
        assert!(
            EventPatch::new()
                .tag("k".repeat(256), "v")
                .validate()
                .is_err()
        );
        assert!(EventPatch::new().tag("k", "").validate().is_err());
        assert!(
            EventPatch::new()
                .tag("k", "v".repeat(256))
                .validate()
                .is_err()
        );
    }

    #[test]
    fn serialization_refuses_a_broken_patch_with_the_field_named() {
        let error =
            serde_json::to_string(&EventPatch::new().comment("x".repeat(40000))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`comment` must be at most 32767 characters, got 40000"
        );
    }

    #[test]
    fn values_the_schema_does_not_list_are_refused() {
        let closed = EventPatch::new().state(EventState::Other("closed".into()));
        let error = closed.validate().unwrap_err();
        assert_eq!(error.argument(), "state");
        assert!(
            error
                .reason()
                .contains("`closed` is not one of new, acknowledged, resolved")
        );
        assert!(serde_json::to_string(&closed).is_err());
        let loud = EventPatch::new().level(EventLevel::Other("loud".into()));
        assert_eq!(loud.validate().unwrap_err().argument(), "level");
        // An `Other` holding a listed value is that value.
        assert!(
            EventPatch::new()
                .state(EventState::Other("new".into()))
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn data_deeper_than_the_api_can_echo_back_is_refused() {
        let nested = |levels: usize| {
            (0..levels).fold(
                serde_json::json!("leaf"),
                |inner, _| serde_json::json!({ "a": inner }),
            )
        };
        assert!(
            EventPatch::new()
                .data(nested(crate::MAX_DATA_DEPTH))
                .validate()
                .is_ok()
        );
        let error = EventPatch::new()
            .data(nested(crate::MAX_DATA_DEPTH + 1))
            .validate()
            .unwrap_err();
        assert_eq!(error.argument(), "data");
    }

    #[test]
    fn unknown_keys_are_refused_when_reading_a_patch() {
        assert!(serde_json::from_str::<EventPatch>(r#"{"stat":"new"}"#).is_err());
    }
}
