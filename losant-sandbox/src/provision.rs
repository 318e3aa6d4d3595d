//! Devices and access keys made by the sandbox's owner (a test, the binary's options,
//! a seed), rather than through the API: [`NewDevice`], [`NewAccessKey`], and the
//! credentials a new key shows once.

use std::fmt;

use losant_core::{ApplicationId, DeviceId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::checks;
use crate::fleet::{AccessKey, new_device};
use crate::store::{State, lock};

/// A device to add to the sandbox.
///
/// ```
/// use losant_sandbox::NewDevice;
///
/// let pump = NewDevice::new("Pump 7")
///     .tag("floor", "2")
///     .attribute("temperature", "number")
///     .attribute("running", "boolean");
/// ```
// Unknown fields land in `fields`, which `check` holds to `devicePost`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct NewDevice {
    /// The application it belongs to (in a seed; the methods take it apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    application_id: Option<ApplicationId>,
    /// Its ID (a new one when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<DeviceId>,
    /// The `devicePost` fields: `name`, `description`, `tags`, `attributes`,
    /// `deviceClass`, ...
    #[serde(flatten)]
    fields: Map<String, Value>,
}

impl NewDevice {
    /// A `standalone` device named `name`, without tags or attributes.
    pub fn new(name: impl Into<String>) -> Self {
        let mut fields = Map::new();
        fields.insert("name".to_owned(), Value::String(name.into()));
        NewDevice {
            application_id: None,
            id: None,
            fields,
        }
    }

    /// Gives the device this ID instead of a new one.
    pub fn id(mut self, id: DeviceId) -> Self {
        self.id = Some(id);
        self
    }

    /// Adds a tag (a key may have several values).
    pub fn tag(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.push("tags", json!({"key": key.into(), "value": value.into()}))
    }

    /// Adds an attribute of `data_type` (`number`, `string`, `boolean`, `gps` or
    /// `blob`).
    pub fn attribute(self, name: impl Into<String>, data_type: impl Into<String>) -> Self {
        self.push(
            "attributes",
            json!({"name": name.into(), "dataType": data_type.into()}),
        )
    }

    /// Sets the class (`standalone` by default; `gateway`, `peripheral`, ...).
    pub fn device_class(mut self, class: impl Into<String>) -> Self {
        self.fields
            .insert("deviceClass".to_owned(), Value::String(class.into()));
        self
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.fields
            .insert("description".to_owned(), Value::String(text.into()));
        self
    }

    fn push(mut self, list: &str, item: Value) -> Self {
        if let Value::Array(items) = self
            .fields
            .entry(list.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            items.push(item);
        }
        self
    }

    /// The application a seed names for it.
    pub(crate) fn application(&self) -> Option<ApplicationId> {
        self.application_id
    }

    /// Checks the device as `devices.post` would take it: the message names what the
    /// API would refuse.
    pub fn check(&self) -> Result<(), String> {
        checks::device(&Value::Object(self.fields.clone()), true).map(drop)
    }
}

/// Stores `device` in `app` (created if unknown) and returns its ID; fails when the
/// API would refuse the device.
pub(crate) fn add_device(
    state: &State,
    app: &ApplicationId,
    device: NewDevice,
) -> Result<DeviceId, String> {
    device.check()?;
    let id = device
        .id
        .unwrap_or_else(|| DeviceId::from_bytes(state.next_id()));
    let stored = new_device(id, *app, device.fields, crate::store::now());
    lock(&state.application_or_new(*app))
        .fleet
        .insert(state.next_sequence(), id, stored);
    Ok(id)
}

/// An access key to add to an application: the devices it lets sign in with
/// `auth.authenticateDevice`.
///
/// ```
/// use losant_sandbox::NewAccessKey;
///
/// let every_device = NewAccessKey::all_devices();
/// let second_floor = NewAccessKey::for_tag("floor", "2");
/// ```
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[must_use]
pub struct NewAccessKey {
    /// The application it belongs to (in a seed; the methods take it apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    application_id: Option<ApplicationId>,
    /// The key and secret to use (in a seed; new random ones otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    device_ids: Vec<DeviceId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    device_tags: Vec<KeyTag>,
}

/// A tag condition of an access key: devices with this key (and value, when given).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyTag {
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

impl NewAccessKey {
    /// A key for every device of the application.
    pub fn all_devices() -> Self {
        NewAccessKey::default()
    }

    /// A key for these devices.
    pub fn for_devices(ids: impl IntoIterator<Item = DeviceId>) -> Self {
        NewAccessKey {
            device_ids: ids.into_iter().collect(),
            ..NewAccessKey::default()
        }
    }

    /// A key for the devices tagged `key` = `value`.
    pub fn for_tag(key: impl Into<String>, value: impl Into<String>) -> Self {
        NewAccessKey {
            device_tags: vec![KeyTag {
                key: key.into(),
                value: Some(value.into()),
            }],
            ..NewAccessKey::default()
        }
    }

    /// The application a seed names for it.
    pub(crate) fn application(&self) -> Option<ApplicationId> {
        self.application_id
    }
}

/// The credentials of a new access key. The secret is shown here only, once: the
/// sandbox never answers it again, and `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKeyCredentials {
    key: String,
    secret: String,
}

impl AccessKeyCredentials {
    /// The key, which a device sends with its ID.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The secret, which a device sends with the key.
    #[must_use]
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for AccessKeyCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKeyCredentials")
            .field("key", &self.key)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

/// Stores `key` in `app` (created if unknown) and returns its credentials.
pub(crate) fn add_access_key(
    state: &State,
    app: &ApplicationId,
    key: NewAccessKey,
) -> AccessKeyCredentials {
    let credentials = AccessKeyCredentials {
        key: key
            .key
            .unwrap_or_else(|| format!("key-{:016x}", fastrand::u64(..))),
        secret: key.secret.unwrap_or_else(|| {
            format!(
                "secret-{:016x}{:016x}",
                fastrand::u64(..),
                fastrand::u64(..)
            )
        }),
    };
    lock(&state.application_or_new(*app))
        .fleet
        .keys
        .push(AccessKey {
            key: credentials.key.clone(),
            secret: credentials.secret.clone(),
            device_ids: key.device_ids,
            device_tags: key
                .device_tags
                .into_iter()
                .map(|tag| (tag.key, tag.value))
                .collect(),
        });
    credentials
}
