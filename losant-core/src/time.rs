//! [`Time`]: a point in time as Losant takes it in requests.

use std::fmt;
use std::time::SystemTime;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::timestamp::Timestamp;

/// A point in time where Losant takes a date or epoch milliseconds: a device state's
/// `time`, the `start` and `end` of a data query or an export. Sent as epoch
/// milliseconds, which every such field accepts; read from a number, a date string
/// (`2016-06-13T04:00:00.000Z`) or Losant's `{"$date": "..."}`.
///
/// Made from a [`Timestamp`], a [`SystemTime`], or a number of milliseconds
/// ([`Time::from_millis`]). Some query fields read `0` and negative values as relative
/// to now (the action's docs say where); [`Time::from_millis`] takes those as they are.
///
/// ```
/// use losant_core::{Time, Timestamp};
///
/// let date: Timestamp = "2016-06-13T04:00:00.000Z".parse()?;
/// assert_eq!(Time::from(date), Time::from_millis(1_465_790_400_000));
/// assert_eq!(serde_json::to_string(&Time::from(date))?, "1465790400000");
/// let read: Time = serde_json::from_str(r#"{"$date":"2016-06-13T04:00:00.000Z"}"#)?;
/// assert_eq!(read.as_millis(), 1_465_790_400_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i64);

impl Time {
    /// The time `millis` milliseconds after the Unix epoch (before it when negative).
    #[must_use]
    pub const fn from_millis(millis: i64) -> Time {
        Time(millis)
    }

    /// Now, by the system clock.
    #[must_use]
    pub fn now() -> Time {
        Time::from(SystemTime::now())
    }

    /// Milliseconds since the Unix epoch.
    #[must_use]
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// As a [`Timestamp`], when it is one (years 0000 to 9999).
    #[must_use]
    pub fn to_timestamp(self) -> Option<Timestamp> {
        Timestamp::from_millis(self.0)
    }
}

impl From<Timestamp> for Time {
    fn from(timestamp: Timestamp) -> Time {
        Time(timestamp.as_millis())
    }
}

impl From<SystemTime> for Time {
    /// The time in whole milliseconds (saturating past ±292 million years).
    fn from(time: SystemTime) -> Time {
        let millis = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        Time(millis)
    }
}

impl From<i64> for Time {
    fn from(millis: i64) -> Time {
        Time(millis)
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_timestamp() {
            Some(timestamp) => write!(f, "Time({timestamp})"),
            None => write!(f, "Time({} ms)", self.0),
        }
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Time, D::Error> {
        deserializer.deserialize_any(TimeVisitor)
    }
}

struct TimeVisitor;

impl<'de> Visitor<'de> for TimeVisitor {
    type Value = Time;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("epoch milliseconds, a date string or {\"$date\": ...}")
    }

    fn visit_i64<E: de::Error>(self, millis: i64) -> Result<Time, E> {
        Ok(Time(millis))
    }

    fn visit_u64<E: de::Error>(self, millis: u64) -> Result<Time, E> {
        i64::try_from(millis)
            .map(Time)
            .map_err(|_| E::custom(format!("{millis} ms is too far in the future")))
    }

    fn visit_f64<E: de::Error>(self, millis: f64) -> Result<Time, E> {
        // Epoch milliseconds within ±2^63 convert exactly once their fraction is cut.
        #[allow(clippy::cast_possible_truncation)]
        if millis.is_finite() && millis.abs() < 9_223_372_036_854_775_808.0 {
            Ok(Time(millis.trunc() as i64))
        } else {
            Err(E::custom(format!("{millis} is not a time in milliseconds")))
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Time, E> {
        Timestamp::parse(text).map(Time::from).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Time, A::Error> {
        let mut date = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "$date" && date.is_none() {
                date = Some(map.next_value::<Time>()?);
            } else {
                return Err(de::Error::custom(format!(
                    "unexpected key `{key}` in a {{\"$date\": ...}} time"
                )));
            }
        }
        date.ok_or_else(|| de::Error::missing_field("$date"))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::Time;

    #[test]
    fn every_form_losant_writes_is_read() {
        for text in [
            "1465790400000",
            "1465790400000.0",
            r#""2016-06-13T04:00:00.000Z""#,
            r#"{"$date":"2016-06-13T04:00:00.000Z"}"#,
            r#"{"$date":1465790400000}"#,
        ] {
            let time: Time = serde_json::from_str(text).unwrap();
            assert_eq!(time.as_millis(), 1_465_790_400_000, "{text}");
        }
        for bad in [
            r#""yesterday""#,
            r#"{"$date":"x"}"#,
            r#"{"date":1}"#,
            "{}",
            "true",
            "1e300",
        ] {
            assert!(serde_json::from_str::<Time>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn system_times_on_both_sides_of_the_epoch() {
        let after = SystemTime::UNIX_EPOCH + Duration::from_millis(1500);
        let before = SystemTime::UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(Time::from(after).as_millis(), 1500);
        assert_eq!(Time::from(before).as_millis(), -1500);
        assert_eq!(serde_json::to_string(&Time::from_millis(-5)).unwrap(), "-5");
        assert_eq!(
            format!("{:?}", Time::from_millis(0)),
            "Time(1970-01-01T00:00:00.000Z)"
        );
        assert_eq!(
            format!("{:?}", Time::from_millis(i64::MAX)),
            format!("Time({} ms)", i64::MAX)
        );
    }
}
