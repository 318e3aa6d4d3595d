//! Checks the raw bodies of the device workflow against their schemas (`devicePost`,
//! `devicePatch`, `deviceStateOrStates`, `deviceCommand`, `deviceCredentials`,
//! `timeSeriesQuery`, `lastValueQuery`, `filePost`), as the server does, and turns
//! them into what the sandbox stores. Messages name the field, in the API validator's
//! words.

use losant_core::validate::Pattern;
use losant_core::{DeviceId, Timestamp};
use serde_json::{Map, Value};

use crate::fleet::{Command, Reading};
use crate::query::{DEVICE_QUERY, check_query};
use crate::validate::{boolean, depth, length, object, one_of, string};

pub(crate) const DEVICE_CLASSES: &[&str] = &[
    "standalone",
    "gateway",
    "peripheral",
    "floating",
    "edgeCompute",
    "system",
    "embedded",
];
const DATA_TYPES: &[&str] = &["string", "number", "gps", "boolean", "blob"];
const DEVICE_KEYS: &[&str] = &[
    "name",
    "description",
    "tags",
    "attributes",
    "deviceClass",
    "gatewayId",
    "parentId",
    "systemInterval",
    "keepDuplicates",
];
const ATTRIBUTE_KEYS: &[&str] = &[
    "name",
    "dataType",
    "contentType",
    "description",
    "attributeTags",
    "system",
];
const STATE_KEYS: &[&str] = &["time", "meta", "data", "flowVersion"];
const COMMAND_KEYS: &[&str] = &["time", "name", "payload"];
const CREDENTIAL_KEYS: &[&str] = &["deviceId", "key", "secret", "tokenTTL", "requestedScopes"];
/// The scopes a device may ask for its token (`deviceCredentials.requestedScopes`).
pub(crate) const DEVICE_SCOPES: &[&str] = &[
    "all.Device",
    "all.Device.read",
    "data.export",
    "data.timeSeriesQuery",
    "data.lastValueQuery",
    "device.commandStream",
    "device.get",
    "device.getCompositeState",
    "device.getState",
    "device.stateStream",
    "device.getLogEntries",
    "device.getCommand",
    "device.debug",
    "device.sendState",
    "device.sendCommand",
    "device.setConnectionStatus",
    "devices.get",
    "devices.getCompositeState",
    "devices.sendCommand",
];
pub(crate) const AGGREGATIONS: &[&str] = &[
    "FIRST", "LAST", "COUNT", "MAX", "MIN", "MEDIAN", "MEAN", "SUM", "STD_DEV", "NONE",
];
const TIME_SERIES_KEYS: &[&str] = &[
    "start",
    "end",
    "duration",
    "resolution",
    "aggregation",
    "attributes",
    "deviceIds",
    "deviceTags",
    "deviceQuery",
    "limit",
    "order",
];
const LAST_VALUE_KEYS: &[&str] = &["attribute", "deviceIds", "deviceTags", "deviceQuery", "end"];
const FILE_KEYS: &[&str] = &[
    "name",
    "parentDirectory",
    "type",
    "fileSize",
    "contentType",
    "fileDimensions",
];

fn id(key: &str, value: &Value) -> Result<DeviceId, String> {
    value
        .as_str()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| format!("{key} must match pattern ^[A-Fa-f\\d]{{24}}$"))
}

fn key_text(key: &str, value: &Value) -> Result<String, String> {
    match value.as_str() {
        Some(text) if Pattern::Key.matches(text) => Ok(text.to_owned()),
        _ => Err(format!("{key} must match pattern ^[0-9a-zA-Z_-]{{1,255}}$")),
    }
}

fn array<'a>(key: &str, value: &'a Value, max: Option<usize>) -> Result<&'a [Value], String> {
    let Value::Array(items) = value else {
        return Err(format!("{key} must be array"));
    };
    if let Some(max) = max
        && items.len() > max
    {
        return Err(format!("{key} must NOT have more than {max} items"));
    }
    Ok(items)
}

fn number(body: &Map<String, Value>, key: &str) -> Result<Option<f64>, String> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(format!("{key} must be number")),
    }
}

/// `tags` of a device: `{key, value}` pairs, at most 100.
fn tags(value: &Value) -> Result<(), String> {
    for (i, tag) in array("tags", value, Some(100))?.iter().enumerate() {
        let at = format!("tags/{i}");
        let tag = object(tag, &["key", "value"]).map_err(|e| e.replace("body", &at))?;
        key_text(&format!("{at}/key"), tag.get("key").unwrap_or(&Value::Null))?;
        match string(tag, "value")? {
            Some(value) => length(&format!("{at}/value"), value, 1, 255)?,
            None => return Err(format!("{at} must have required property 'value'")),
        }
    }
    Ok(())
}

fn attributes(value: &Value) -> Result<(), String> {
    for (i, attribute) in array("attributes", value, None)?.iter().enumerate() {
        let at = format!("attributes/{i}");
        let attribute = object(attribute, ATTRIBUTE_KEYS).map_err(|e| e.replace("body", &at))?;
        key_text(
            &format!("{at}/name"),
            attribute.get("name").unwrap_or(&Value::Null),
        )?;
        match string(attribute, "dataType")? {
            Some(kind) => one_of(&format!("{at}/dataType"), kind, DATA_TYPES)?,
            None => return Err(format!("{at} must have required property 'dataType'")),
        }
        if let Some(kind) = string(attribute, "contentType")? {
            length(&format!("{at}/contentType"), kind, 0, 64)?;
        }
        if let Some(text) = string(attribute, "description")? {
            length(&format!("{at}/description"), text, 0, 32767)?;
        }
    }
    Ok(())
}

/// A `devicePost` (`post`) or `devicePatch` body: the fields it sets.
pub(crate) fn device(body: &Value, post: bool) -> Result<Map<String, Value>, String> {
    let body = object(body, DEVICE_KEYS)?;
    match string(body, "name")? {
        Some(name) => length("name", name, 1, 255)?,
        None if post => return Err("body must have required property 'name'".to_owned()),
        None => {}
    }
    if let Some(text) = string(body, "description")? {
        length("description", text, 0, 32767)?;
    }
    if let Some(value) = body.get("tags") {
        tags(value)?;
    }
    if let Some(value) = body.get("attributes") {
        attributes(value)?;
    }
    if let Some(class) = string(body, "deviceClass")? {
        one_of("deviceClass", class, DEVICE_CLASSES)?;
    }
    if let Some(value) = body.get("gatewayId") {
        id("gatewayId", value)?;
    }
    match body.get("parentId") {
        None | Some(Value::Null) => {}
        Some(value) => {
            id("parentId", value)?;
        }
    }
    match body.get("systemInterval") {
        None => {}
        Some(Value::Number(n)) if n.as_i64().is_some_and(|n| (5..=3600).contains(&n)) => {}
        Some(_) => return Err("systemInterval must be an integer from 5 to 3600".to_owned()),
    }
    boolean(body, "keepDuplicates")?;
    Ok(body.clone())
}

/// A time as the API takes one: a date string, milliseconds since the epoch, or
/// `{"$date": string}`; absent is now.
fn time(key: &str, value: Option<&Value>, now: i64) -> Result<i64, String> {
    let parse = |text: &str| {
        Timestamp::parse(text)
            .map(|t| t.as_millis())
            .map_err(|_| format!("{key} is not a date: {text:?}"))
    };
    match value {
        None => Ok(now),
        Some(Value::String(text)) => parse(text),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|ms| ms.is_finite() && ms.abs() < 9.0e15)
            // Within ±9e15 ms an f64 is exact and fits an i64; a fraction is dropped.
            .map(|ms| {
                #[allow(clippy::cast_possible_truncation)]
                let ms = ms as i64;
                ms
            })
            .ok_or_else(|| format!("{key} must be a number of milliseconds")),
        Some(Value::Object(date)) if date.len() == 1 => match date.get("$date") {
            Some(Value::String(text)) => parse(text),
            _ => Err(format!(
                "{key} must be a string, a number or {{\"$date\": string}}"
            )),
        },
        Some(_) => Err(format!(
            "{key} must be a string, a number or {{\"$date\": string}}"
        )),
    }
}

/// One state of a `deviceStateOrStates` body, the `at` prefix naming it in messages.
fn reading(at: &str, value: &Value, now: i64) -> Result<Reading, String> {
    let state = object(value, STATE_KEYS).map_err(|e| e.replacen("body", at, 1))?;
    let Some(Value::Object(data)) = state.get("data") else {
        return Err(match state.get("data") {
            None => format!("{at} must have required property 'data'"),
            Some(_) => format!("{at}/data must be object"),
        });
    };
    for (key, value) in data {
        if !Pattern::Key.matches(key) {
            return Err(format!(
                "{at}/data must NOT have additional properties: {key}"
            ));
        }
        if !matches!(value, Value::Number(_) | Value::String(_) | Value::Bool(_)) {
            return Err(format!("{at}/data/{key} must be number,string,boolean"));
        }
    }
    if let Some(version) = string(state, "flowVersion")? {
        length(&format!("{at}/flowVersion"), version, 1, 255)?;
    }
    if let Some(meta) = state.get("meta") {
        depth(&format!("{at}/meta"), meta)?;
    }
    Ok(Reading {
        time: time(&format!("{at}/time"), state.get("time"), now)?,
        data: data.clone(),
        meta: state.get("meta").cloned(),
        flow_version: state
            .get("flowVersion")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// A `deviceStateOrStates` body: one state or an array of them; a state without a
/// time is at `now`.
pub(crate) fn readings(body: &Value, now: i64) -> Result<Vec<Reading>, String> {
    match body {
        Value::Array(states) => states
            .iter()
            .enumerate()
            .map(|(i, state)| reading(&format!("body/{i}"), state, now))
            .collect(),
        state => Ok(vec![reading("body", state, now)?]),
    }
}

/// A `deviceCommand` body.
pub(crate) fn command(body: &Value, now: i64) -> Result<Command, String> {
    let command = object(body, COMMAND_KEYS)?;
    let name = match string(command, "name")? {
        Some(name) => {
            length("name", name, 1, 255)?;
            name.to_owned()
        }
        None => return Err("body must have required property 'name'".to_owned()),
    };
    if let Some(payload) = command.get("payload") {
        depth("payload", payload)?;
    }
    Ok(Command {
        time: time("time", command.get("time"), now)?,
        name,
        payload: command.get("payload").cloned(),
    })
}

/// A `deviceCredentials` body.
pub(crate) struct Credentials {
    pub(crate) device: DeviceId,
    pub(crate) key: String,
    pub(crate) secret: String,
    pub(crate) scopes: Vec<String>,
}

/// A `deviceCredentials` body (key and secret may be absent: they then fail to
/// authenticate, as the API's 401).
pub(crate) fn credentials(body: &Value) -> Result<Credentials, String> {
    let body = object(body, CREDENTIAL_KEYS)?;
    let device = match body.get("deviceId") {
        Some(value) => id("deviceId", value)?,
        None => return Err("body must have required property 'deviceId'".to_owned()),
    };
    let key = string(body, "key")?.unwrap_or_default().to_owned();
    let secret = string(body, "secret")?.unwrap_or_default().to_owned();
    match body.get("tokenTTL") {
        None => {}
        Some(Value::Number(n)) if n.as_u64().is_some() => {}
        Some(_) => return Err("tokenTTL must be an integer of at least 0".to_owned()),
    }
    let mut scopes = Vec::new();
    if let Some(value) = body.get("requestedScopes") {
        for (i, scope) in array("requestedScopes", value, None)?.iter().enumerate() {
            let at = format!("requestedScopes/{i}");
            let scope = scope
                .as_str()
                .ok_or_else(|| format!("{at} must be string"))?;
            one_of(&at, scope, DEVICE_SCOPES)?;
            if scopes.iter().any(|s| s == scope) {
                return Err("requestedScopes must NOT have duplicate items".to_owned());
            }
            scopes.push(scope.to_owned());
        }
    }
    Ok(Credentials {
        device,
        key,
        secret,
        scopes,
    })
}

/// Which devices a data query reads: IDs, tags, an advanced device query.
#[derive(Debug, Default)]
pub(crate) struct Selection {
    pub(crate) ids: Vec<DeviceId>,
    pub(crate) tags: Vec<(String, Option<String>)>,
    pub(crate) query: Option<Value>,
}

fn selection(body: &Map<String, Value>) -> Result<Selection, String> {
    let mut selection = Selection::default();
    if let Some(value) = body.get("deviceIds") {
        for (i, item) in array("deviceIds", value, Some(1000))?.iter().enumerate() {
            selection.ids.push(id(&format!("deviceIds/{i}"), item)?);
        }
    }
    if let Some(value) = body.get("deviceTags") {
        for (i, tag) in array("deviceTags", value, Some(100))?.iter().enumerate() {
            let at = format!("deviceTags/{i}");
            let tag = object(tag, &["key", "value"]).map_err(|e| e.replace("body", &at))?;
            let key = match tag.get("key") {
                Some(key) => key_text(&format!("{at}/key"), key)?,
                None => return Err(format!("{at} must have required property 'key'")),
            };
            let value = string(tag, "value")?;
            if let Some(value) = value {
                length(&format!("{at}/value"), value, 1, 255)?;
            }
            selection.tags.push((key, value.map(str::to_owned)));
        }
    }
    if let Some(query) = body.get("deviceQuery") {
        check_query(&DEVICE_QUERY, "deviceQuery", query)?;
        selection.query = Some(query.clone());
    }
    Ok(selection)
}

/// A `timeSeriesQuery` body.
#[derive(Debug)]
pub(crate) struct SeriesQuery {
    pub(crate) start: Option<f64>,
    pub(crate) end: Option<f64>,
    pub(crate) duration: Option<f64>,
    pub(crate) resolution: Option<f64>,
    /// The aggregation as sent (a name or an object), and its function's name.
    pub(crate) aggregation: (Value, String),
    pub(crate) attributes: Option<Vec<String>>,
    pub(crate) devices: Selection,
    pub(crate) limit: Option<f64>,
    pub(crate) descending: bool,
}

fn aggregation(value: Option<&Value>) -> Result<(Value, String), String> {
    let name = match value {
        None => return Ok((Value::String("MEAN".to_owned()), "MEAN".to_owned())),
        Some(Value::String(name)) => name.clone(),
        Some(Value::Object(object)) => match object.get("type").and_then(Value::as_str) {
            Some("TIMEATVALUE") => {
                return Err(
                    "aggregation TIMEATVALUE is not served by the sandbox; use a function such as MEAN"
                        .to_owned(),
                );
            }
            Some(name) => name.to_owned(),
            None => return Err("aggregation must have required property 'type'".to_owned()),
        },
        Some(_) => return Err("aggregation must be string or object".to_owned()),
    };
    one_of("aggregation", &name, AGGREGATIONS)?;
    Ok((value.cloned().unwrap_or_default(), name))
}

/// A `timeSeriesQuery` body.
pub(crate) fn series_query(body: &Value) -> Result<SeriesQuery, String> {
    let body = object(body, TIME_SERIES_KEYS)?;
    let attributes = match body.get("attributes") {
        None => None,
        Some(value) => Some(
            array("attributes", value, None)?
                .iter()
                .enumerate()
                .map(|(i, name)| key_text(&format!("attributes/{i}"), name))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let descending = match string(body, "order")? {
        None => false,
        Some(order) => {
            one_of("order", order, &["asc", "desc"])?;
            order == "desc"
        }
    };
    let resolution = number(body, "resolution")?;
    if resolution.is_some_and(|r| r < 1.0) {
        return Err("resolution must be at least 1 millisecond".to_owned());
    }
    Ok(SeriesQuery {
        start: number(body, "start")?,
        end: number(body, "end")?,
        duration: number(body, "duration")?,
        resolution,
        aggregation: aggregation(body.get("aggregation"))?,
        attributes,
        devices: selection(body)?,
        limit: number(body, "limit")?,
        descending,
    })
}

/// A `lastValueQuery` body: the attribute, the devices, and the time the values are
/// as of (`end`: absent, 0 or less is relative to now).
pub(crate) struct LastValue {
    pub(crate) attribute: Option<String>,
    pub(crate) devices: Selection,
    pub(crate) end: Option<f64>,
}

/// A `lastValueQuery` body.
pub(crate) fn last_value_query(body: &Value) -> Result<LastValue, String> {
    let body = object(body, LAST_VALUE_KEYS)?;
    let attribute = body
        .get("attribute")
        .map(|name| key_text("attribute", name))
        .transpose()?;
    Ok(LastValue {
        attribute,
        devices: selection(body)?,
        end: number(body, "end")?,
    })
}

/// A `filePost` body: the name, the parent directory, the type and the size.
pub(crate) fn file_post(body: &Value) -> Result<Map<String, Value>, String> {
    let body = object(body, FILE_KEYS)?;
    match string(body, "name")? {
        Some(name) if Pattern::FileName.matches(name) => {}
        Some(_) => {
            return Err("name must match pattern ^(?!\\.{1,2}$)[0-9a-zA-Z_.-]{1,255}$".to_owned());
        }
        None => return Err("body must have required property 'name'".to_owned()),
    }
    match string(body, "type")? {
        Some(kind) => one_of("type", kind, &["file", "directory"])?,
        None => return Err("body must have required property 'type'".to_owned()),
    }
    if let Some(parent) = string(body, "parentDirectory")? {
        length("parentDirectory", parent, 0, 1024)?;
    }
    match body.get("fileSize") {
        None => {}
        Some(Value::Number(n)) if n.as_u64().is_some() => {}
        Some(_) => return Err("fileSize must be an integer of at least 0".to_owned()),
    }
    if let Some(kind) = string(body, "contentType")? {
        length("contentType", kind, 0, 1024)?;
    }
    Ok(body.clone())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn states_take_every_time_form() {
        let now = 1_000;
        let states = readings(
            &json!([
                {"data": {"t": 1}},
                {"data": {"t": 2}, "time": 1_764_900_000_000_i64},
                {"data": {"t": 3}, "time": "2026-12-05T10:00:00.000Z"},
                {"data": {"t": 4}, "time": {"$date": "2026-12-05T10:00:01Z"}}
            ]),
            now,
        )
        .unwrap();
        let times: Vec<i64> = states.iter().map(|s| s.time).collect();
        assert_eq!(
            times,
            [
                1_000,
                1_764_900_000_000,
                1_796_464_800_000,
                1_796_464_801_000
            ]
        );
        assert_eq!(
            readings(&json!({"data": {"on": true}}), now).unwrap().len(),
            1
        );
    }

    #[test]
    fn bad_states_are_named() {
        for (body, message) in [
            (
                json!({"data": {"bad key": 1}}),
                "body/data must NOT have additional properties: bad key",
            ),
            (
                json!({"data": {"t": [1]}}),
                "body/data/t must be number,string,boolean",
            ),
            (
                json!([{"data": {}}, {"time": 1}]),
                "body/1 must have required property 'data'",
            ),
            (
                json!({"data": {}, "time": "yesterday"}),
                "body/time is not a date",
            ),
            (
                json!({"data": {}, "color": 1}),
                "body must NOT have additional properties: color",
            ),
        ] {
            let error = readings(&body, 0).unwrap_err();
            assert!(error.contains(message), "{body}: {error}");
        }
    }

    #[test]
    fn devices_are_checked_as_the_schema_says() {
        assert!(
            device(
                &json!({"name": "Pump", "tags": [{"key": "floor", "value": "2"}]}),
                true
            )
            .is_ok()
        );
        for (body, post, message) in [
            (json!({}), true, "required property 'name'"),
            (
                json!({"name": ""}),
                false,
                "name must NOT have fewer than 1 characters",
            ),
            (
                json!({"name": "p", "deviceClass": "robot"}),
                true,
                "deviceClass must be equal to one of",
            ),
            (
                json!({"tags": [{"key": "a b", "value": "x"}]}),
                false,
                "tags/0/key must match pattern",
            ),
            (
                json!({"attributes": [{"name": "t"}]}),
                false,
                "attributes/0 must have required property 'dataType'",
            ),
            (
                json!({"systemInterval": 2}),
                false,
                "systemInterval must be an integer from 5 to 3600",
            ),
        ] {
            let error = device(&body, post).unwrap_err();
            assert!(error.contains(message), "{body}: {error}");
        }
    }

    #[test]
    fn credentials_and_queries_are_checked() {
        let ok = credentials(&json!({"deviceId": "575ecf887ae143cd83dc4aa2", "key": "k", "secret": "s", "requestedScopes": ["device.sendState"]})).unwrap();
        assert_eq!(ok.scopes, ["device.sendState"]);
        let error = credentials(
            &json!({"deviceId": "575ecf887ae143cd83dc4aa2", "requestedScopes": ["device.delete"]}),
        )
        .map(|_| ())
        .unwrap_err();
        assert!(
            error.contains("requestedScopes/0 must be equal to one of"),
            "{error}"
        );
        let query = series_query(&json!({"aggregation": "MAX", "attributes": ["t"], "deviceTags": [{"key": "floor", "value": "2"}], "order": "desc"})).unwrap();
        assert_eq!(query.aggregation.1, "MAX");
        assert!(query.descending);
        assert_eq!(series_query(&json!({})).unwrap().aggregation.1, "MEAN");
        let error = series_query(&json!({"aggregation": "AVERAGE"})).unwrap_err();
        assert!(
            error.contains("aggregation must be equal to one of"),
            "{error}"
        );
        let error = series_query(&json!({"deviceQuery": {"colour": "red"}})).unwrap_err();
        assert!(
            error.contains("deviceQuery must NOT have additional properties: colour"),
            "{error}"
        );
    }
}
