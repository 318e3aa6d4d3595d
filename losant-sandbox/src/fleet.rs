//! What the sandbox holds of an application's devices: each device's document (as the
//! API answers it), its recent states and commands (bounded: the oldest go first, as
//! data past its retention does), the live feeds its streams read, and the
//! application's access keys.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use losant_core::{ApplicationId, DeviceId, Timestamp};
use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

/// Most states a device keeps (the oldest go first).
pub const DEFAULT_MAX_STATES_PER_DEVICE: usize = 100_000;
/// Most commands a device keeps (the oldest go first).
pub(crate) const MAX_COMMANDS_PER_DEVICE: usize = 1_000;
/// Most devices an application may hold (more: 413).
pub(crate) const MAX_DEVICES: usize = 10_000;
/// Messages a live stream may fall behind by before it skips ahead.
const FEED_CAPACITY: usize = 1_024;

/// One reported state: when, and the attribute values.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    /// Milliseconds since the epoch.
    pub(crate) time: i64,
    pub(crate) data: Map<String, Value>,
    pub(crate) meta: Option<Value>,
    pub(crate) flow_version: Option<String>,
}

impl Reading {
    /// The reading as the API answers it (`deviceState`).
    pub(crate) fn to_json(&self) -> Value {
        let mut state = Map::new();
        state.insert("time".to_owned(), Value::String(iso(self.time)));
        state.insert("data".to_owned(), Value::Object(self.data.clone()));
        if let Some(meta) = &self.meta {
            state.insert("meta".to_owned(), meta.clone());
        }
        if let Some(version) = &self.flow_version {
            state.insert("flowVersion".to_owned(), Value::String(version.clone()));
        }
        Value::Object(state)
    }
}

/// One command sent to a device.
#[derive(Debug, Clone)]
pub(crate) struct Command {
    /// Milliseconds since the epoch.
    pub(crate) time: i64,
    pub(crate) name: String,
    pub(crate) payload: Option<Value>,
}

impl Command {
    /// The command as the API answers it (`deviceCommand`).
    pub(crate) fn to_json(&self) -> Value {
        let mut command = json!({"time": iso(self.time), "name": self.name});
        if let Some(payload) = &self.payload {
            command["payload"] = payload.clone();
        }
        command
    }
}

/// Milliseconds since the epoch as the API writes a date.
pub(crate) fn iso(millis: i64) -> String {
    Timestamp::from_millis(millis).map_or_else(|| millis.to_string(), |t| t.to_string())
}

/// A device: its document, its history and its live feeds.
#[derive(Debug)]
pub(crate) struct StoredDevice {
    /// The device as the API answers it (`id`, `name`, `tags`, `attributes`, ...).
    pub(crate) doc: Map<String, Value>,
    /// States in the order of their times.
    pub(crate) states: VecDeque<Reading>,
    pub(crate) commands: VecDeque<Command>,
    /// Each state as it is reported, serialized once for every stream reading it.
    pub(crate) state_feed: broadcast::Sender<Arc<str>>,
    /// Each command as it is sent.
    pub(crate) command_feed: broadcast::Sender<Arc<str>>,
}

impl StoredDevice {
    pub(crate) fn new(doc: Map<String, Value>) -> Self {
        StoredDevice {
            doc,
            states: VecDeque::new(),
            commands: VecDeque::new(),
            state_feed: broadcast::channel(FEED_CAPACITY).0,
            command_feed: broadcast::channel(FEED_CAPACITY).0,
        }
    }

    /// The value of a field for queries and sorting (`null` when absent).
    pub(crate) fn field(&self, name: &str) -> Value {
        match name {
            "attributeName" => Value::Array(
                self.attributes()
                    .filter_map(|a| a.get("name").cloned())
                    .collect(),
            ),
            "connectionStatus" => Value::String(
                if self.connected() {
                    "connected"
                } else {
                    "disconnected"
                }
                .to_owned(),
            ),
            name => self.doc.get(name).cloned().unwrap_or(Value::Null),
        }
    }

    /// Its tags as key and value pairs (a key may have several values).
    pub(crate) fn tags(&self) -> Vec<(String, String)> {
        self.doc
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|tag| {
                Some((
                    tag.get("key")?.as_str()?.to_owned(),
                    tag.get("value")?.as_str()?.to_owned(),
                ))
            })
            .collect()
    }

    fn attributes(&self) -> impl Iterator<Item = &Map<String, Value>> {
        self.doc
            .get("attributes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
    }

    fn connected(&self) -> bool {
        self.doc
            .get("connectionInfo")
            .and_then(|info| info.get("connected"))
            .and_then(Value::as_i64)
            == Some(1)
    }

    /// Stores `readings` (in the order of their times, at most `max` kept) and feeds
    /// them to the device's live streams.
    pub(crate) fn record_states(&mut self, readings: Vec<Reading>, max: usize) {
        for reading in readings {
            let message: Arc<str> = reading.to_json().to_string().into();
            // A send with no stream listening is not an error.
            let _ = self.state_feed.send(message);
            let at = self.states.partition_point(|r| r.time <= reading.time);
            self.states.insert(at, reading);
        }
        while self.states.len() > max {
            self.states.pop_front();
        }
    }

    /// Stores a command and feeds it to the device's command streams.
    pub(crate) fn record_command(&mut self, command: Command) {
        let _ = self.command_feed.send(command.to_json().to_string().into());
        let at = self.commands.partition_point(|c| c.time <= command.time);
        self.commands.insert(at, command);
        while self.commands.len() > MAX_COMMANDS_PER_DEVICE {
            self.commands.pop_front();
        }
    }

    /// The device as the API answers it, with its tags (and attributes) as objects
    /// when asked (`tagsAsObject`, `attributesAsObject`), and without its connection
    /// when asked (`excludeConnectionInfo`).
    pub(crate) fn to_json(&self, view: View) -> Value {
        let mut doc = self.doc.clone();
        if view.tags_as_object {
            let mut tags: Map<String, Value> = Map::new();
            for (key, value) in self.tags() {
                if let Value::Array(values) = tags.entry(key).or_insert_with(|| json!([])) {
                    values.push(Value::String(value));
                }
            }
            doc.insert("tags".to_owned(), Value::Object(tags));
        }
        if view.attributes_as_object {
            let attributes: Map<String, Value> = self
                .attributes()
                .filter_map(|a| {
                    let name = a.get("name")?.as_str()?.to_owned();
                    Some((name, Value::Object(a.clone())))
                })
                .collect();
            doc.insert("attributes".to_owned(), Value::Object(attributes));
        }
        if view.exclude_connection_info {
            doc.remove("connectionInfo");
        }
        Value::Object(doc)
    }
}

/// A new device with `fields` (a checked `devicePost`), filled in as the API fills
/// a device: its IDs, times, class, empty tags and attributes, and no connection.
pub(crate) fn new_device(
    id: DeviceId,
    app: ApplicationId,
    fields: Map<String, Value>,
    now: Timestamp,
) -> StoredDevice {
    let mut doc = Map::new();
    doc.insert("id".to_owned(), json!(id));
    doc.insert("deviceId".to_owned(), json!(id));
    doc.insert("applicationId".to_owned(), json!(app));
    doc.insert("creationDate".to_owned(), json!(now.to_string()));
    doc.insert("lastUpdated".to_owned(), json!(now.to_string()));
    doc.insert("deviceClass".to_owned(), json!("standalone"));
    doc.insert("tags".to_owned(), json!([]));
    doc.insert("attributes".to_owned(), json!([]));
    doc.insert(
        "connectionInfo".to_owned(),
        json!({"connected": 0, "time": now.to_string()}),
    );
    for (key, value) in fields {
        doc.insert(key, value);
    }
    StoredDevice::new(doc)
}

/// How a device is shown: the query parameters every device answer takes.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct View {
    pub(crate) tags_as_object: bool,
    pub(crate) attributes_as_object: bool,
    pub(crate) exclude_connection_info: bool,
}

impl View {
    /// The view of a request's query parameters.
    pub(crate) fn of(params: &HashMap<String, String>) -> Self {
        let flag = |key: &str| params.get(key).is_some_and(|v| v == "true" || v == "1");
        View {
            tags_as_object: flag("tagsAsObject"),
            attributes_as_object: flag("attributesAsObject"),
            exclude_connection_info: flag("excludeConnectionInfo"),
        }
    }
}

/// An access key of an application: the devices it lets sign in (every device when
/// it names none).
#[derive(Debug, Clone)]
pub(crate) struct AccessKey {
    pub(crate) key: String,
    pub(crate) secret: String,
    pub(crate) device_ids: Vec<DeviceId>,
    pub(crate) device_tags: Vec<(String, Option<String>)>,
}

impl AccessKey {
    /// Whether the key lets `device` sign in.
    pub(crate) fn allows(&self, id: &DeviceId, device: &StoredDevice) -> bool {
        if self.device_ids.is_empty() && self.device_tags.is_empty() {
            return true;
        }
        let tags = device.tags();
        self.device_ids.contains(id)
            || self.device_tags.iter().any(|(key, value)| {
                tags.iter()
                    .any(|(k, v)| k == key && value.as_ref().is_none_or(|value| value == v))
            })
    }
}

/// The devices of one application, in creation order, and its access keys.
#[derive(Debug, Default)]
pub(crate) struct Fleet {
    pub(crate) devices: BTreeMap<u64, StoredDevice>,
    pub(crate) index: HashMap<DeviceId, u64>,
    pub(crate) keys: Vec<AccessKey>,
}

impl Fleet {
    pub(crate) fn get(&self, id: &DeviceId) -> Option<&StoredDevice> {
        self.index.get(id).and_then(|seq| self.devices.get(seq))
    }

    pub(crate) fn get_mut(&mut self, id: &DeviceId) -> Option<&mut StoredDevice> {
        self.index.get(id).and_then(|seq| self.devices.get_mut(seq))
    }

    pub(crate) fn insert(&mut self, sequence: u64, id: DeviceId, device: StoredDevice) {
        self.remove(&id);
        self.index.insert(id, sequence);
        self.devices.insert(sequence, device);
    }

    pub(crate) fn remove(&mut self, id: &DeviceId) -> Option<StoredDevice> {
        self.index
            .remove(id)
            .and_then(|seq| self.devices.remove(&seq))
    }

    /// The devices with their IDs, in creation order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (DeviceId, &StoredDevice)> {
        self.devices.values().filter_map(|device| {
            let id = device.doc.get("id")?.as_str()?.parse().ok()?;
            Some((id, device))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(tags: &Value) -> StoredDevice {
        let Value::Object(doc) =
            json!({"id": "575ecf887ae143cd83dc4aa2", "name": "Pump", "tags": tags})
        else {
            unreachable!()
        };
        StoredDevice::new(doc)
    }

    #[test]
    fn states_are_kept_in_time_order_within_the_bound() {
        let mut pump = device(&json!([]));
        let reading = |time| Reading {
            time,
            data: Map::new(),
            meta: None,
            flow_version: None,
        };
        pump.record_states(vec![reading(30), reading(10), reading(20), reading(40)], 3);
        let times: Vec<i64> = pump.states.iter().map(|r| r.time).collect();
        assert_eq!(times, [20, 30, 40]);
    }

    #[test]
    fn tags_show_as_pairs_or_as_an_object() {
        let pump = device(&json!([{"key": "floor", "value": "2"}, {"key": "floor", "value": "3"}]));
        let view = View {
            tags_as_object: true,
            ..View::default()
        };
        assert_eq!(pump.to_json(view)["tags"], json!({"floor": ["2", "3"]}));
        let key = AccessKey {
            key: "k".into(),
            secret: "s".into(),
            device_ids: vec![],
            device_tags: vec![("floor".into(), Some("3".into()))],
        };
        let id: DeviceId = "575ecf887ae143cd83dc4aa2".parse().unwrap();
        assert!(key.allows(&id, &pump));
        let other = AccessKey {
            device_tags: vec![("floor".into(), Some("4".into()))],
            ..key
        };
        assert!(!other.allows(&id, &pump));
    }
}
