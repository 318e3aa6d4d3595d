//! Queries of the stored device states, `/applications/{applicationId}/data`: a time
//! series aggregated over a resolution (`FIRST`, `LAST`, `COUNT`, `MAX`, `MIN`,
//! `MEDIAN`, `MEAN`, `SUM`, `STD_DEV`, or every point with `NONE`), and each device's
//! last value.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::Response;
use losant_core::{ApplicationId, DeviceId};
use serde_json::{Map, Number, Value, json};

use crate::auth::{Caller, LastValueQuery, TimeSeriesQuery};
use crate::checks::{self, Selection, SeriesQuery};
use crate::error::ApiError;
use crate::fleet::{Reading, StoredDevice, iso};
use crate::query::{DEVICE_QUERY, matches_query};
use crate::respond::{JsonBody, json};
use crate::store::{State, lock};

type Shared = Arc<State>;

/// The time range when the query gives no start or duration: a day.
const DEFAULT_DURATION: i64 = 86_400_000;
/// The resolution when the query gives none: a minute.
const DEFAULT_RESOLUTION: i64 = 60_000;
/// Most points one device's series may hold.
const MAX_POINTS: u32 = 10_000;
/// Points of a series without aggregation when the query gives no limit.
const DEFAULT_LIMIT: usize = 1_000;

/// Whether `device` is one the query selects (every device when it names none), and
/// one the caller may read (a device's token reads its own device only).
fn selected(
    id: &DeviceId,
    device: &StoredDevice,
    selection: &Selection,
    own: Option<DeviceId>,
) -> bool {
    if own.is_some_and(|own| own != *id) {
        return false;
    }
    if !selection.ids.is_empty() && !selection.ids.contains(id) {
        return false;
    }
    if !selection.tags.is_empty() {
        let tags = device.tags();
        let tagged = selection.tags.iter().any(|(key, value)| {
            tags.iter()
                .any(|(k, v)| k == key && value.as_ref().is_none_or(|value| value == v))
        });
        if !tagged {
            return false;
        }
    }
    selection
        .query
        .as_ref()
        .is_none_or(|query| matches_query(&DEVICE_QUERY, device, query))
}

fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A number as JSON; a whole one without a fraction, as JavaScript writes it.
fn to_json(number: f64) -> Value {
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        // Whole and within the range an f64 holds exactly.
        #[allow(clippy::cast_possible_truncation)]
        return Value::from(number as i64);
    }
    Number::from_f64(number).map_or(Value::Null, Value::Number)
}

/// `function` over the values of one attribute in one bucket, in time order.
fn aggregate(function: &str, values: &[&Value]) -> Option<Value> {
    let numbers = || values.iter().filter_map(|v| as_number(v));
    // Counts of readings are far below 2^52: exact as f64.
    #[allow(clippy::cast_precision_loss)]
    let count = |n: usize| n as f64;
    Some(match function {
        "FIRST" => (*values.first()?).clone(),
        "LAST" => (*values.last()?).clone(),
        "COUNT" => Value::from(values.len()),
        "MAX" => to_json(numbers().reduce(f64::max)?),
        "MIN" => to_json(numbers().reduce(f64::min)?),
        "SUM" => to_json(numbers().reduce(|a, b| a + b)?),
        "MEAN" => {
            let all: Vec<f64> = numbers().collect();
            if all.is_empty() {
                return None;
            }
            to_json(all.iter().sum::<f64>() / count(all.len()))
        }
        "MEDIAN" => {
            let mut all: Vec<f64> = numbers().collect();
            if all.is_empty() {
                return None;
            }
            all.sort_by(f64::total_cmp);
            let middle = all.len() / 2;
            to_json(if all.len().is_multiple_of(2) {
                f64::midpoint(all[middle - 1], all[middle])
            } else {
                all[middle]
            })
        }
        "STD_DEV" => {
            let all: Vec<f64> = numbers().collect();
            if all.is_empty() {
                return None;
            }
            let mean = all.iter().sum::<f64>() / count(all.len());
            let variance = all.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / count(all.len());
            to_json(variance.sqrt())
        }
        _ => return None,
    })
}

/// The attributes of `reading` the query asks for.
fn wanted<'a>(
    reading: &'a Reading,
    attributes: Option<&'a [String]>,
) -> impl Iterator<Item = (&'a String, &'a Value)> {
    reading
        .data
        .iter()
        .filter(move |(name, _)| attributes.is_none_or(|wanted| wanted.contains(name)))
}

/// One device's points between `start` and `end` (inclusive).
fn series(
    device: &StoredDevice,
    query: &SeriesQuery,
    start: i64,
    end: i64,
    resolution: Option<i64>,
) -> Vec<Value> {
    let attributes = query.attributes.as_deref();
    let readings = device
        .states
        .iter()
        .filter(|r| r.time >= start && r.time <= end);
    let mut points: Vec<Value> = match resolution {
        None => readings
            .filter_map(|reading| {
                let data: Map<String, Value> = wanted(reading, attributes)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                (!data.is_empty()).then(|| json!({"time": iso(reading.time), "data": data}))
            })
            .collect(),
        Some(resolution) => {
            let mut buckets: BTreeMap<i64, BTreeMap<&String, Vec<&Value>>> = BTreeMap::new();
            for reading in readings {
                let bucket = start + (reading.time - start) / resolution * resolution;
                let values = buckets.entry(bucket).or_default();
                for (name, value) in wanted(reading, attributes) {
                    values.entry(name).or_default().push(value);
                }
            }
            buckets
                .into_iter()
                .filter_map(|(time, values)| {
                    let data: Map<String, Value> = values
                        .into_iter()
                        .filter_map(|(name, values)| {
                            Some((name.clone(), aggregate(&query.aggregation.1, &values)?))
                        })
                        .collect();
                    (!data.is_empty()).then(|| json!({"time": iso(time), "data": data}))
                })
                .collect()
        }
    };
    if query.descending {
        points.reverse();
    }
    if resolution.is_none() {
        // A limit is a count of points, at most `MAX_POINTS`: its fraction is dropped.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let limit = query
            .limit
            .filter(|l| *l >= 1.0)
            .map_or(DEFAULT_LIMIT, |l| l.min(f64::from(MAX_POINTS)) as usize);
        points.truncate(limit);
    }
    points
}

/// A device's tags as the series answer shows them: each key with its values.
fn tags_object(device: &StoredDevice) -> Value {
    let mut tags: Map<String, Value> = Map::new();
    for (key, value) in device.tags() {
        if let Value::Array(values) = tags.entry(key).or_insert_with(|| json!([])) {
            values.push(Value::String(value));
        }
    }
    Value::Object(tags)
}

/// A query's time: absent is `now`; 0 or less is relative to `now`.
fn relative_to(now: i64, time: Option<i64>) -> i64 {
    match time {
        Some(time) if time > 0 => time,
        Some(relative) => now + relative,
        None => now,
    }
}

/// The range of a query: `end` (absent or not positive: relative to now), and
/// `start` (absent: `end` minus `duration`; not positive: relative to `end`).
fn range(query: &SeriesQuery, now: i64) -> Result<(i64, i64), ApiError> {
    // Milliseconds since the epoch fit an i64; a fraction is dropped.
    #[allow(clippy::cast_possible_truncation)]
    let ms = |value: f64| value as i64;
    let end = relative_to(now, query.end.map(ms));
    let start = match query.start.map(ms) {
        Some(start) if start > 0 => start,
        Some(relative) => end + relative,
        None => end - query.duration.map_or(DEFAULT_DURATION, ms),
    };
    if start > end {
        return Err(ApiError::validation("the query's start is after its end"));
    }
    Ok((start, end))
}

pub(crate) async fn time_series(
    AxumState(state): AxumState<Shared>,
    caller: Caller<TimeSeriesQuery>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let query = checks::series_query(&body.unwrap_or_default()).map_err(ApiError::validation)?;
    let (start, end) = range(&query, crate::store::now().as_millis())?;
    let resolution = if query.aggregation.1 == "NONE" {
        None
    } else {
        // A resolution is whole milliseconds: a fraction is dropped.
        #[allow(clippy::cast_possible_truncation)]
        let resolution = query
            .resolution
            .map_or(DEFAULT_RESOLUTION, |r| r as i64)
            .max(1);
        if (end - start) / resolution > i64::from(MAX_POINTS) {
            return Err(ApiError::validation(format!(
                "the query would give more than {MAX_POINTS} points per device: use a larger resolution"
            )));
        }
        Some(resolution)
    };
    let devices = read_devices(
        &state,
        &caller.app,
        &query.devices,
        caller.token.device,
        |device| {
            json!({
                "name": device.doc.get("name").cloned().unwrap_or_default(),
                "tags": tags_object(device),
                "points": series(device, &query, start, end, resolution),
            })
        },
    )?;
    let points: usize = devices
        .values()
        .map(|d| d["points"].as_array().map_or(0, Vec::len))
        .sum();
    let body = json!({
        "start": iso(start),
        "end": iso(end),
        "resolution": resolution,
        "aggregation": query.aggregation.0,
        "limit": if resolution.is_none() { query.limit.map(to_json) } else { None },
        "order": if query.descending { "desc" } else { "asc" },
        "devices": devices,
    });
    Ok(json(StatusCode::OK, body, points * 64).await)
}

/// `answer` for each device the selection names, by ID.
fn read_devices(
    state: &State,
    app: &ApplicationId,
    selection: &Selection,
    own: Option<DeviceId>,
    answer: impl Fn(&StoredDevice) -> Value,
) -> Result<Map<String, Value>, ApiError> {
    let application = state
        .application(app)
        .ok_or_else(|| ApiError::not_found("Application"))?;
    let application = lock(&application);
    Ok(application
        .fleet
        .iter()
        .filter(|(id, device)| selected(id, device, selection, own))
        .map(|(id, device)| (id.to_string(), answer(device)))
        .filter(|(_, value)| !value.is_null())
        .collect())
}

pub(crate) async fn last_value(
    AxumState(state): AxumState<Shared>,
    caller: Caller<LastValueQuery>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let query =
        checks::last_value_query(&body.unwrap_or_default()).map_err(ApiError::validation)?;
    let now = crate::store::now().as_millis();
    // Milliseconds since the epoch fit an i64; a fraction is dropped.
    #[allow(clippy::cast_possible_truncation)]
    let end = relative_to(now, query.end.map(|end| end as i64));
    let attribute = &query.attribute;
    let devices = read_devices(
        &state,
        &caller.app,
        &query.devices,
        caller.token.device,
        |device| {
            let upto = device.states.partition_point(|r| r.time <= end);
            let last = device
                .states
                .range(..upto)
                .rev()
                .find_map(|reading| match attribute {
                    None => Some((reading.time, reading.data.clone())),
                    Some(name) => reading.data.get(name).map(|value| {
                        let mut data = Map::new();
                        data.insert(name.clone(), value.clone());
                        (reading.time, data)
                    }),
                });
            last.map_or(
                Value::Null,
                |(time, data)| json!({"time": iso(time), "data": data}),
            )
        },
    )?;
    let len = devices.len() * 128;
    Ok(json(StatusCode::OK, Value::Object(devices), len).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(numbers: &[f64]) -> Vec<Value> {
        numbers.iter().map(|n| to_json(*n)).collect()
    }

    #[test]
    fn every_function_aggregates_as_documented() {
        let owned = values(&[3.0, 1.0, 4.0, 1.5]);
        let all: Vec<&Value> = owned.iter().collect();
        let cases = [
            ("FIRST", json!(3)),
            ("LAST", json!(1.5)),
            ("COUNT", json!(4)),
            ("MAX", json!(4)),
            ("MIN", json!(1)),
            ("SUM", json!(9.5)),
            ("MEAN", json!(2.375)),
            ("MEDIAN", json!(2.25)),
        ];
        for (function, expected) in cases {
            assert_eq!(aggregate(function, &all), Some(expected), "{function}");
        }
        let deviation = aggregate("STD_DEV", &all).unwrap().as_f64().unwrap();
        assert!((deviation - 1.1924).abs() < 1e-3, "{deviation}");
        let words = [json!("on"), json!("off")];
        let words: Vec<&Value> = words.iter().collect();
        assert_eq!(aggregate("MEAN", &words), None);
        assert_eq!(aggregate("LAST", &words), Some(json!("off")));
        assert_eq!(aggregate("COUNT", &words), Some(json!(2)));
    }
}
