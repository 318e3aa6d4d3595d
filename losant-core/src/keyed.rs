//! Lists Losant may answer as objects keyed by name: a device's `tags` and
//! `attributes` with `tagsAsObject` / `attributesAsObject` set. The generated models
//! read both forms into the same list (`deserialize_with`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// How an entry of the keyed form becomes an item of the list.
#[derive(Clone, Copy)]
enum Keyed {
    /// `{"floor": "2"}` or `{"floor": ["2", "3"]}` → `{"key": "floor", "value": "2"}`, ...
    Tags,
    /// `{"voltage": {"dataType": "number"}}` → `{"name": "voltage", "dataType": "number"}`.
    Named,
}

/// A device's `tags`: the list of `{key, value}`, or the object `tagsAsObject` gives
/// (each key with its value or its list of values).
pub fn tags<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    deserializer.deserialize_any(ListOrKeyed(Keyed::Tags, PhantomData))
}

/// A device's `attributes`: the list of attributes with their `name`, or the object
/// `attributesAsObject` gives (each name with the rest of its attribute).
pub fn named<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    deserializer.deserialize_any(ListOrKeyed(Keyed::Named, PhantomData))
}

struct ListOrKeyed<T>(Keyed, PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for ListOrKeyed<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list, or an object keyed by name")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(item) = seq.next_element::<T>()? {
            items.push(item);
        }
        Ok(Some(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            let item = |fields: Map<String, Value>| {
                serde_json::from_value::<T>(Value::Object(fields))
                    .map_err(|e| de::Error::custom(format!("`{key}`: {e}")))
            };
            match (self.0, value) {
                (Keyed::Tags, Value::Array(values)) => {
                    for value in values {
                        items.push(item(tag(&key, value))?);
                    }
                }
                (Keyed::Tags, value) => items.push(item(tag(&key, value))?),
                (Keyed::Named, Value::Object(mut fields)) => {
                    fields.insert("name".to_owned(), Value::String(key.clone()));
                    items.push(item(fields)?);
                }
                (Keyed::Named, other) => {
                    return Err(de::Error::custom(format!(
                        "`{key}`: expected an object, got {other}"
                    )));
                }
            }
        }
        Ok(Some(items))
    }
}

fn tag(key: &str, value: Value) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("key".to_owned(), Value::String(key.to_owned()));
    fields.insert("value".to_owned(), value);
    fields
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Tag {
        key: String,
        value: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Attribute {
        name: String,
        data_type: String,
    }

    #[derive(Debug, Deserialize)]
    struct Device {
        #[serde(default, deserialize_with = "super::tags")]
        tags: Option<Vec<Tag>>,
        #[serde(default, deserialize_with = "super::named")]
        attributes: Option<Vec<Attribute>>,
    }

    fn tag(key: &str, value: &str) -> Tag {
        Tag {
            key: key.into(),
            value: Some(value.into()),
        }
    }

    #[test]
    fn both_forms_read_into_one_list() {
        let listed: Device = crate::json::from_slice(
            br#"{"tags":[{"key":"floor","value":"2"}],"attributes":[{"name":"voltage","dataType":"number"}]}"#,
        )
        .unwrap();
        let keyed: Device = crate::json::from_slice(
            br#"{"tags":{"floor":"2"},"attributes":{"voltage":{"dataType":"number"}}}"#,
        )
        .unwrap();
        for device in [&listed, &keyed] {
            assert_eq!(device.tags.as_deref(), Some(&[tag("floor", "2")][..]));
            assert_eq!(device.attributes.as_ref().unwrap()[0].name, "voltage");
        }
        let multi: Device =
            crate::json::from_slice(br#"{"tags":{"floor":["2","3"]},"attributes":null}"#).unwrap();
        assert_eq!(multi.tags.unwrap(), [tag("floor", "2"), tag("floor", "3")]);
        assert!(multi.attributes.is_none());
        let absent: Device = crate::json::from_slice(b"{}").unwrap();
        assert!(absent.tags.is_none());
    }

    #[test]
    fn a_malformed_entry_names_its_key() {
        let error = crate::json::from_slice::<Device>(br#"{"attributes":{"voltage":3}}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("`voltage`: expected an object"), "{error}");
        let error = crate::json::from_slice::<Device>(br#"{"attributes":{"voltage":{}}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`voltage`: missing field `dataType`"),
            "{error}"
        );
    }
}
