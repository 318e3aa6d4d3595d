//! [`Aggregation`]: how a time series query combines the readings of each bucket
//! (the `aggregation` of `timeSeriesQuery`, echoed in `timeSeriesData`).

use serde::de::Error as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::StringEnum;
use crate::validate::{Checker, Validate};

/// Longest text an aggregation by value compares with, in characters.
pub const MAX_AGGREGATION_VALUE_CHARS: usize = 255;

/// A function that combines the readings of one bucket into one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StringEnum)]
#[string_enum(crate = crate)]
pub enum AggregationFunction {
    /// `FIRST`: the first reading.
    #[value = "FIRST"]
    First,
    /// `LAST`: the last reading.
    #[value = "LAST"]
    Last,
    /// `COUNT`: how many readings.
    #[value = "COUNT"]
    Count,
    /// `MAX`: the largest reading.
    #[value = "MAX"]
    Max,
    /// `MIN`: the smallest reading.
    #[value = "MIN"]
    Min,
    /// `MEDIAN`: the median reading.
    #[value = "MEDIAN"]
    Median,
    /// `MEAN`: the mean of the readings.
    #[value = "MEAN"]
    Mean,
    /// `SUM`: the sum of the readings.
    #[value = "SUM"]
    Sum,
    /// `STD_DEV`: the standard deviation of the readings.
    #[value = "STD_DEV"]
    StdDev,
    /// `NONE`: every reading, not combined.
    #[value = "NONE"]
    None,
    /// A value this version does not know, kept as sent.
    Other(String),
}

/// The value an aggregation by value ([`Aggregation::TimeAtValue`]) looks for.
#[derive(Debug, Clone, PartialEq)]
pub enum AggregationValue {
    /// A text, of at most [`MAX_AGGREGATION_VALUE_CHARS`] characters.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

/// How a time series query combines the readings in each bucket of its resolution.
///
/// The schema has three forms: a function's name (`"MEAN"`), the same as an object
/// (`{"type": "MEAN"}`), and the time spent at a value
/// (`{"type": "TIMEATVALUE", "options": {"value": "on"}}`). A function is sent by its
/// name; both function forms are read back as [`Function`](Self::Function).
///
/// ```
/// use losant_core::{Aggregation, AggregationFunction};
///
/// let mean = Aggregation::from(AggregationFunction::Mean);
/// assert_eq!(serde_json::to_string(&mean)?, r#""MEAN""#);
/// let on = Aggregation::time_at_value("on");
/// assert_eq!(
///     serde_json::to_string(&on)?,
///     r#"{"type":"TIMEATVALUE","options":{"value":"on"}}"#
/// );
/// let read: Aggregation = serde_json::from_str(r#"{"type":"MAX","options":{}}"#)?;
/// assert_eq!(read, Aggregation::Function(AggregationFunction::Max));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Aggregation {
    /// One function over each bucket's readings.
    Function(AggregationFunction),
    /// The time in each bucket the attribute held this value (`TIMEATVALUE`), in
    /// milliseconds.
    TimeAtValue(AggregationValue),
}

/// The `type` of the time-at-value form.
const TIME_AT_VALUE: &str = "TIMEATVALUE";

impl Aggregation {
    /// The time in each bucket the attribute held `value`.
    pub fn time_at_value(value: impl Into<AggregationValue>) -> Self {
        Aggregation::TimeAtValue(value.into())
    }
}

impl From<AggregationFunction> for Aggregation {
    fn from(function: AggregationFunction) -> Self {
        Aggregation::Function(function)
    }
}

impl From<&str> for AggregationValue {
    fn from(text: &str) -> Self {
        AggregationValue::Text(text.to_owned())
    }
}

impl From<String> for AggregationValue {
    fn from(text: String) -> Self {
        AggregationValue::Text(text)
    }
}

impl From<f64> for AggregationValue {
    fn from(number: f64) -> Self {
        AggregationValue::Number(number)
    }
}

impl From<i32> for AggregationValue {
    fn from(number: i32) -> Self {
        AggregationValue::Number(number.into())
    }
}

impl From<bool> for AggregationValue {
    fn from(flag: bool) -> Self {
        AggregationValue::Bool(flag)
    }
}

impl Serialize for AggregationValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AggregationValue::Text(text) => serializer.serialize_str(text),
            AggregationValue::Number(number) => serializer.serialize_f64(*number),
            AggregationValue::Bool(flag) => serializer.serialize_bool(*flag),
        }
    }
}

impl<'de> Deserialize<'de> for AggregationValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(AggregationValue::Text(text)),
            Value::Bool(flag) => Ok(AggregationValue::Bool(flag)),
            Value::Number(number) => number
                .as_f64()
                .map(AggregationValue::Number)
                .ok_or_else(|| D::Error::custom("a number out of range")),
            other => Err(D::Error::custom(format_args!(
                "an aggregation value is a string, number or boolean, not {other}"
            ))),
        }
    }
}

impl Serialize for Aggregation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Options<'a> {
            value: &'a AggregationValue,
        }
        #[derive(Serialize)]
        struct ByValue<'a> {
            r#type: &'static str,
            options: Options<'a>,
        }
        match self {
            Aggregation::Function(function) => serializer.serialize_str(function.as_str()),
            Aggregation::TimeAtValue(value) => ByValue {
                r#type: TIME_AT_VALUE,
                options: Options { value },
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Aggregation {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut form = match Value::deserialize(deserializer)? {
            Value::String(name) => {
                return Ok(Aggregation::Function(AggregationFunction::from(
                    name.as_str(),
                )));
            }
            Value::Object(form) => form,
            other => {
                return Err(D::Error::custom(format_args!(
                    "an aggregation is a function's name or an object, not {other}"
                )));
            }
        };
        let Some(Value::String(kind)) = form.remove("type") else {
            return Err(D::Error::custom("an aggregation object needs a `type`"));
        };
        if kind != TIME_AT_VALUE {
            return Ok(Aggregation::Function(AggregationFunction::from(
                kind.as_str(),
            )));
        }
        let value = match form.remove("options") {
            Some(Value::Object(mut options)) => options.remove("value"),
            _ => None,
        }
        .ok_or_else(|| D::Error::custom("a `TIMEATVALUE` aggregation needs `options.value`"))?;
        AggregationValue::deserialize(value)
            .map(Aggregation::TimeAtValue)
            .map_err(D::Error::custom)
    }
}

impl Validate for Aggregation {
    /// A function this version knows; a value's text at most 255 characters.
    fn check(&self, at: &mut Checker) {
        match self {
            Aggregation::Function(function) => at.known(function),
            Aggregation::TimeAtValue(AggregationValue::Text(text)) => {
                at.chars(text, 0, MAX_AGGREGATION_VALUE_CHARS);
            }
            Aggregation::TimeAtValue(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_form_of_the_schema_reads() {
        for (wire, expected) in [
            (
                json!("SUM"),
                Aggregation::Function(AggregationFunction::Sum),
            ),
            (
                json!({"type": "STD_DEV"}),
                Aggregation::Function(AggregationFunction::StdDev),
            ),
            (
                json!({"type": "NONE", "options": {}}),
                Aggregation::Function(AggregationFunction::None),
            ),
            (
                json!({"type": "TIMEATVALUE", "options": {"value": 3}}),
                Aggregation::TimeAtValue(AggregationValue::Number(3.0)),
            ),
            (
                json!({"type": "TIMEATVALUE", "options": {"value": false}}),
                Aggregation::time_at_value(false),
            ),
        ] {
            assert_eq!(
                serde_json::from_value::<Aggregation>(wire.clone()).unwrap(),
                expected,
                "{wire}"
            );
        }
        for wrong in [
            json!(5),
            json!({"options": {}}),
            json!({"type": "TIMEATVALUE"}),
            json!({"type": "TIMEATVALUE", "options": {"value": [1]}}),
        ] {
            assert!(
                serde_json::from_value::<Aggregation>(wrong.clone()).is_err(),
                "{wrong}"
            );
        }
    }

    #[test]
    fn limits_are_checked() {
        assert!(
            Aggregation::from(AggregationFunction::Median)
                .validate()
                .is_ok()
        );
        let unknown = Aggregation::Function(AggregationFunction::Other("AVG".into()));
        assert!(unknown.validate().unwrap_err().reason().contains("AVG"));
        let long = Aggregation::time_at_value("x".repeat(256));
        assert!(
            long.validate()
                .unwrap_err()
                .reason()
                .contains("at most 255 characters")
        );
        assert_eq!(
            serde_json::to_value(Aggregation::time_at_value(1)).unwrap(),
            json!({"type": "TIMEATVALUE", "options": {"value": 1.0}})
        );
    }
}
