//! [`Timestamp`]: the date-times of the Losant API.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};

/// A date-time of the Losant API: an instant in UTC, written as Losant writes it,
/// with milliseconds and `Z` (`2016-06-13T04:00:00.000Z`).
///
/// Decoding takes that form on a fast path (a tenth of the cost of a general date
/// parser) and any other RFC 3339 date-time (another offset, other fractional digits)
/// on the general one; encoding always writes Losant's form, so a decoded model
/// encodes back to the same JSON. Converts to and from [`chrono::DateTime<Utc>`] and
/// [`SystemTime`].
///
/// ```
/// use losant_core::Timestamp;
///
/// let created: Timestamp = "2016-06-13T04:00:00.000Z".parse()?;
/// assert_eq!(created.to_string(), "2016-06-13T04:00:00.000Z");
/// assert_eq!(created.as_millis(), 1_465_790_400_000);
/// let shifted: Timestamp = "2016-06-13T06:00:00+02:00".parse()?;
/// assert_eq!(shifted, created);
/// assert_eq!(serde_json::to_string(&created)?, r#""2016-06-13T04:00:00.000Z""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// The current time, to the millisecond.
    #[must_use]
    pub fn now() -> Self {
        Timestamp(Utc::now().trunc_subsecs(3))
    }

    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z; `None` out of
    /// the representable range.
    #[must_use]
    pub fn from_millis(millis: i64) -> Option<Self> {
        DateTime::from_timestamp_millis(millis).map(Timestamp)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub fn as_millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    /// The instant as a `chrono` date-time.
    #[must_use]
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// The instant written with a `strftime`-like format (`chrono`'s specifiers):
    /// `format("%Y-%m-%d")`.
    #[must_use]
    pub fn format<'a>(&self, format: &'a str) -> impl fmt::Display + 'a {
        self.0.format(format)
    }

    /// Parses Losant's form, or any RFC 3339 date-time.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        if let Some(fast) = parse_losant_form(text.as_bytes()) {
            return Ok(Timestamp(fast));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|date| Timestamp(date.with_timezone(&Utc)))
            .map_err(|_| TimestampError {
                input: text.chars().take(40).collect(),
            })
    }
}

/// `digits` decimal digits of `bytes` from `from`.
fn number(bytes: &[u8], from: usize, digits: usize) -> Option<u32> {
    bytes[from..from + digits]
        .iter()
        .try_fold(0u32, |value, &byte| {
            let digit = byte.wrapping_sub(b'0');
            (digit <= 9).then(|| value * 10 + u32::from(digit))
        })
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, exactly as Losant writes it; `None` for any other
/// form (left to the general parser) and for an invalid date.
fn parse_losant_form(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let separators = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
        (23, b'Z'),
    ];
    if bytes.len() != 24 || separators.iter().any(|&(at, byte)| bytes[at] != byte) {
        return None;
    }
    let year = i32::try_from(number(bytes, 0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(bytes, 5, 2)?, number(bytes, 8, 2)?)?;
    let time = date.and_hms_milli_opt(
        number(bytes, 11, 2)?,
        number(bytes, 14, 2)?,
        number(bytes, 17, 2)?,
        number(bytes, 20, 3)?,
    )?;
    Some(time.and_utc())
}

/// A text that is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date-time `{input}`: expected RFC 3339, like `2016-06-13T04:00:00.000Z`")]
pub struct TimestampError {
    input: String,
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(text)
    }
}

impl fmt::Display for Timestamp {
    /// Losant's form: milliseconds and `Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(date: DateTime<Utc>) -> Self {
        Timestamp(date)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.0
    }
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        Timestamp(DateTime::<Utc>::from(time))
    }
}

impl From<Timestamp> for SystemTime {
    fn from(timestamp: Timestamp) -> Self {
        SystemTime::from(timestamp.0)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time, like `2016-06-13T04:00:00.000Z`")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Timestamp::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losants_form_round_trips() {
        for text in [
            "2016-06-13T04:00:00.000Z",
            "2026-11-26T23:59:59.999Z",
            "2024-02-29T12:00:00.001Z",
            "0001-01-01T00:00:00.000Z",
        ] {
            let timestamp: Timestamp = text.parse().unwrap();
            assert_eq!(timestamp.to_string(), text);
            let json = format!("\"{text}\"");
            let decoded: Timestamp = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
        }
    }

    #[test]
    fn other_rfc_3339_forms_are_read_and_written_as_losant_does() {
        let cases = [
            ("2016-06-13T04:00:00Z", "2016-06-13T04:00:00.000Z"),
            ("2016-06-13T04:00:00.5Z", "2016-06-13T04:00:00.500Z"),
            ("2016-06-13T04:00:00.123456Z", "2016-06-13T04:00:00.123Z"),
            ("2016-06-13T06:00:00.000+02:00", "2016-06-13T04:00:00.000Z"),
            ("2016-06-13t04:00:00.000z", "2016-06-13T04:00:00.000Z"),
        ];
        for (input, written) in cases {
            assert_eq!(
                Timestamp::parse(input).unwrap().to_string(),
                written,
                "{input}"
            );
        }
    }

    #[test]
    fn invalid_dates_are_refused_on_both_paths() {
        for bad in [
            "2016-02-30T04:00:00.000Z",
            "2016-13-01T04:00:00.000Z",
            "2016-06-13T24:00:00.000Z",
            "2016-06-13T04:00:00.00xZ",
            "2016-06-13",
            "yesterday",
            "",
        ] {
            let error = Timestamp::parse(bad).unwrap_err();
            assert!(error.to_string().contains("invalid date-time"), "{bad}");
        }
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }

    #[test]
    fn conversions_keep_the_instant() {
        let t = Timestamp::from_millis(1_465_790_400_123).unwrap();
        assert_eq!(t.as_millis(), 1_465_790_400_123);
        assert_eq!(Timestamp::from(SystemTime::from(t)), t);
        assert_eq!(Timestamp::from(t.as_datetime()), t);
        assert!(Timestamp::now() > t);
        assert_eq!(format!("{t:?}"), "Timestamp(2016-06-13T04:00:00.123Z)");
        assert_eq!(t.format("%Y-%m-%d %H:%M").to_string(), "2016-06-13 04:00");
    }
}
