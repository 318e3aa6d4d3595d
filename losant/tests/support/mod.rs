//! Instances of the API's JSON Schemas, built from the vendored schemas
//! themselves (not through the generator), and the round trip of a model.

#![allow(unreachable_pub)]

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/losant-1.30.0")
}

/// The schema `name` (`schemas/name.json`).
pub fn schema(name: &str) -> Value {
    let path = spec_dir().join("schemas").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The API reference's example documents, by schema name.
pub fn examples() -> &'static BTreeMap<String, Value> {
    static EXAMPLES: OnceLock<BTreeMap<String, Value>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let text = std::fs::read_to_string(spec_dir().join("apiExamples.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    })
}

const ID: &str = "575ec8687ae143cd83dc4a97";
const TIME: &str = "2016-06-13T04:00:00.000Z";
/// [`TIME`] in epoch milliseconds.
const TIME_MILLIS: i64 = 1_465_790_400_000;

/// A string matching one of the API's patterns.
fn matching(pattern: &str) -> &'static str {
    match pattern {
        r"^[A-Fa-f\d]{24}$" => ID,
        "^[0-9a-zA-Z_-]{1,255}$" | "^[0-9a-zA-Z_-]{1,255}" | "^[A-Za-z0-9_-]+$" => "key_1",
        r"^(?!\.{1,2}$)[0-9a-zA-Z_.-]{1,255}$" => "file.txt",
        "^[0-9a-z-]*$" => "my-slug",
        r"^(0|([1-9]\d*))\.(0|([1-9]\d*))\.(0|([1-9]\d*))$" => "1.20.3",
        r"^data:image/(jpg|jpeg|png|svg\+xml);base64,[0-9a-zA-Z+/=]*$" => {
            "data:image/png;base64,iVBORw0K"
        }
        ".*{{.+}}.*" => "{{ data.value }}",
        "^(?=.*[A-Z])(?=.*[^A-Za-z0-9])(?=.*[0-9])(?=.*[a-z]).{12,}$" => "Abcdefghij1!",
        _ => "value",
    }
}

/// The schema a whole schema written as an object's `properties` means (one such
/// mistake is in the description).
fn misnested(properties: &Map<String, Value>) -> Option<&Value> {
    let nested = properties.get("properties")?;
    (properties.get("type").and_then(Value::as_str) == Some("object")
        && properties.values().any(|v| !v.is_object()))
    .then_some(nested)
}

/// A valid instance of `schema` with every property present: the first listed
/// value of an enum, the first alternative of a `oneOf`, one item per list (or as
/// many as `minItems` asks), one entry per map.
pub fn instance(schema: &Value, depth: usize) -> Value {
    let Some(node) = schema.as_object() else {
        return Value::Null;
    };
    if let Some(name) = node.get("$ref").and_then(Value::as_str) {
        let name = name.trim_start_matches("#/definitions/");
        if depth > 3 {
            return json!({});
        }
        return instance(&self::schema(name), depth + 1);
    }
    if let Some(Value::Array(alternatives)) = node.get("oneOf").or_else(|| node.get("anyOf")) {
        // A date or epoch milliseconds (`losant::Time`), which is written back as
        // milliseconds.
        if alternatives
            .iter()
            .any(|a| a.pointer("/properties/$date").is_some())
        {
            return json!(TIME_MILLIS);
        }
        let first = alternatives
            .iter()
            .find(|a| a.is_object() && a.get("type").and_then(Value::as_str) != Some("null"));
        return first.map_or(Value::Null, |a| instance(a, depth + 1));
    }
    if let Some(Value::Array(values)) = node.get("enum")
        && let Some(first) = values.iter().find(|v| !v.is_null())
    {
        return first.clone();
    }
    let ty = match node.get("type") {
        Some(Value::String(ty)) => ty.as_str(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if node.contains_key("properties") => "object",
        _ => return json!({}),
    };
    match ty {
        "string" => string(node),
        "integer" => {
            let min = node.get("minimum").and_then(Value::as_f64);
            let max = node.get("maximum").and_then(Value::as_f64);
            let value = match (min, max) {
                (Some(min), _) if min > 1.0 => min,
                (_, Some(max)) if max < 1.0 => max,
                _ => 1.0,
            };
            // Schema bounds are whole numbers well inside `i64`.
            #[allow(clippy::cast_possible_truncation)]
            let value = value as i64;
            json!(value)
        }
        "number" => {
            let min = node.get("minimum").and_then(Value::as_f64);
            let max = node.get("maximum").and_then(Value::as_f64);
            let value = match (min, max) {
                (Some(min), _) if min > 1.5 => min,
                (_, Some(max)) if max < 1.5 => max,
                _ => 1.5,
            };
            json!(value)
        }
        "boolean" => json!(true),
        "null" => Value::Null,
        "array" => {
            let min = node
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1);
            let max = node
                .get("maxItems")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            let count = min.min(max);
            if depth > 8 {
                return json!([]);
            }
            let item = node
                .get("items")
                .map_or(json!("item"), |items| instance(items, depth + 1));
            Value::Array((0..count).map(|_| item.clone()).collect())
        }
        _ => object(node, depth),
    }
}

fn string(node: &Map<String, Value>) -> Value {
    match node.get("format").and_then(Value::as_str) {
        Some("date-time") => return json!(TIME),
        Some("email") => return json!("user@example.com"),
        Some("uri") => return json!("https://example.com/path"),
        _ => {}
    }
    if let Some(pattern) = node.get("pattern").and_then(Value::as_str) {
        return json!(matching(pattern));
    }
    let min = node
        .get("minLength")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1);
    let max = node
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    json!("x".repeat(usize::try_from(min.min(max)).unwrap()))
}

fn object(node: &Map<String, Value>, depth: usize) -> Value {
    if depth > 8 {
        return json!({});
    }
    let mut out = Map::new();
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        if let Some(meant) = misnested(properties) {
            let mut fixed = properties.clone();
            fixed.insert("properties".to_owned(), meant.clone());
            return object(&fixed, depth);
        }
        for (name, schema) in properties {
            // The `start` and `end` of queries and exports are whole milliseconds
            // (`losant::Time`).
            let value = if matches!(name.as_str(), "start" | "end")
                && schema.get("type").and_then(Value::as_str) == Some("number")
            {
                json!(TIME_MILLIS)
            } else {
                instance(schema, depth + 1)
            };
            out.insert(name.clone(), value);
        }
        return Value::Object(out);
    }
    let entry = node
        .get("patternProperties")
        .and_then(Value::as_object)
        .and_then(|patterns| patterns.iter().next())
        .map(|(pattern, schema)| (matching(pattern), schema))
        .or_else(|| {
            node.get("additionalProperties")
                .filter(|schema| schema.is_object())
                .map(|schema| ("key_1", schema))
        });
    if let Some((key, schema)) = entry {
        out.insert(key.to_owned(), instance(schema, depth + 1));
    }
    Value::Object(out)
}

/// Where two JSON values first differ, or `None`.
pub fn first_difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{path}.{key}");
                match b.get(key) {
                    None => return Some(format!("{here} was lost")),
                    Some(other) => {
                        if let Some(diff) = first_difference(value, other, &here) {
                            return Some(diff);
                        }
                    }
                }
            }
            b.keys()
                .find(|key| !a.contains_key(*key))
                .map(|key| format!("{path}.{key} was added"))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]"))),
        // JSON has one kind of number: `1` and `1.0` are the same value.
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path}: {a} became {b}")),
    }
}

/// Collects the models that fail, so that one run lists them all.
#[derive(Default)]
pub struct Report {
    failures: Vec<String>,
    checked: usize,
    examples: usize,
}

impl Report {
    /// An instance of the schema `name` decodes into `T` and encodes back to the same
    /// JSON; the API reference's example of it, if any, decodes too.
    pub fn round_trip<T: DeserializeOwned + Serialize + Debug>(&mut self, name: &str) {
        self.checked += 1;
        let instance = instance(&schema(name), 0);
        match serde_json::from_value::<T>(instance.clone()) {
            Err(error) => self.failures.push(format!(
                "{name}: the instance does not decode: {error}\n  {instance}"
            )),
            Ok(model) => {
                let back = serde_json::to_value(&model).unwrap();
                if let Some(diff) = first_difference(&instance, &back, name) {
                    self.failures.push(format!("{name}: {diff}"));
                }
            }
        }
        if let Some(example) = examples().get(name) {
            self.examples += 1;
            if let Err(error) = serde_json::from_value::<T>(example.clone()) {
                self.failures.push(format!(
                    "{name}: the API's example does not decode: {error}"
                ));
            }
        }
    }

    /// Fails with every failure found; returns how many schemas and examples were
    /// checked.
    pub fn finish(self) -> (usize, usize) {
        assert!(
            self.failures.is_empty(),
            "{} of {} models fail:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
        (self.checked, self.examples)
    }
}
