//! [`Timestamp`]: the date-times of the Losant API.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, SubsecRound, Utc};

/// A date-time of the Losant API: an instant in UTC, written as Losant writes it,
/// with milliseconds and `Z` (`2016-06-13T04:00:00.000Z`).
///
/// Decoding takes that form on a fast path (a tenth of the cost of a general date
/// parser) and any other RFC 3339 date-time (another offset, other fractional digits)
/// on the general one; encoding always writes Losant's form, so a decoded model
/// encodes back to the same JSON. Converts to and from [`chrono::DateTime<Utc>`] and
/// [`SystemTime`].
///
/// It holds what that form can write and JavaScript's `Date` (the server's) can
/// read: instants of the years 0000 to 9999 in UTC, to the millisecond, without leap
/// seconds. Finer fractions are cut to the millisecond, as `Date` cuts them; a
/// date-time outside those years once in UTC, or a leap second (`23:59:60`), is
/// refused. So every value round-trips, through its text and through
/// [`as_millis`](Self::as_millis) and [`from_millis`](Self::from_millis).
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
        // The system clock as chrono's `Utc::now` reads it, without the `clock` feature
        // (and its time-zone crates), which UTC does not need.
        Timestamp(DateTime::<Utc>::from(SystemTime::now()).trunc_subsecs(3))
    }

    /// The earliest instant: `0000-01-01T00:00:00.000Z`.
    pub const MIN_MILLIS: i64 = -62_167_219_200_000;
    /// The latest instant: `9999-12-31T23:59:59.999Z`.
    pub const MAX_MILLIS: i64 = 253_402_300_799_999;

    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z; `None` outside
    /// the years 0000 to 9999 ([`MIN_MILLIS`](Self::MIN_MILLIS) to
    /// [`MAX_MILLIS`](Self::MAX_MILLIS)).
    #[must_use]
    pub fn from_millis(millis: i64) -> Option<Self> {
        if !(Self::MIN_MILLIS..=Self::MAX_MILLIS).contains(&millis) {
            return None;
        }
        DateTime::from_timestamp_millis(millis).map(Timestamp)
    }

    /// `date`, cut to the millisecond, if the type can hold it.
    fn held(date: DateTime<Utc>) -> Result<Self, Unheld> {
        if date.timestamp_subsec_nanos() >= 1_000_000_000 {
            return Err(Unheld::LeapSecond);
        }
        if !(0..=9999).contains(&date.year()) {
            return Err(Unheld::OutOfRange);
        }
        Ok(Timestamp(date.trunc_subsecs(3)))
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

    /// Parses Losant's form, or any RFC 3339 date-time of the years 0000 to 9999
    /// in UTC, without a leap second.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        if let Some(fast) = parse_losant_form(text.as_bytes()) {
            return Ok(Timestamp(fast));
        }
        let error = |reason| TimestampError {
            input: text.chars().take(40).collect(),
            reason,
        };
        let date = DateTime::parse_from_rfc3339(text).map_err(|_| error(Unheld::NotRfc3339))?;
        Self::held(date.with_timezone(&Utc)).map_err(error)
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

/// A text or an instant that is not a [`Timestamp`]: not an RFC 3339 date-time,
/// outside the years 0000 to 9999 in UTC, or a leap second.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date-time `{input}`: {reason}")]
pub struct TimestampError {
    input: String,
    reason: Unheld,
}

/// Why a date-time is not a [`Timestamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
enum Unheld {
    #[error("expected RFC 3339, like `2016-06-13T04:00:00.000Z`")]
    NotRfc3339,
    #[error("outside the years 0000 to 9999 in UTC, which RFC 3339 and the API can write")]
    OutOfRange,
    #[error("a leap second, which the API's dates (JavaScript's) do not have")]
    LeapSecond,
}

impl TimestampError {
    fn of(date: impl fmt::Debug, reason: Unheld) -> Self {
        TimestampError {
            input: format!("{date:?}").chars().take(40).collect(),
            reason,
        }
    }
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

impl TryFrom<DateTime<Utc>> for Timestamp {
    type Error = TimestampError;

    /// `date`, cut to the millisecond; refused outside the years 0000 to 9999 and
    /// on a leap second.
    fn try_from(date: DateTime<Utc>) -> Result<Self, TimestampError> {
        Self::held(date).map_err(|reason| TimestampError::of(date, reason))
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.0
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimestampError;

    /// `time`, cut to the millisecond; refused after the year 9999 (or before 0000).
    fn try_from(time: SystemTime) -> Result<Self, TimestampError> {
        let millis = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).ok(),
            // Before 1970: the millisecond at or before it.
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_millis()).ok();
                let rest = before.as_nanos() % 1_000_000 != 0;
                whole.map(|ms| -ms - i64::from(rest))
            }
        };
        millis
            .and_then(Timestamp::from_millis)
            .ok_or_else(|| TimestampError::of(time, Unheld::OutOfRange))
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
        assert_eq!(Timestamp::try_from(SystemTime::from(t)), Ok(t));
        assert_eq!(Timestamp::try_from(t.as_datetime()), Ok(t));
        assert!(Timestamp::now() > t);
        assert_eq!(format!("{t:?}"), "Timestamp(2016-06-13T04:00:00.123Z)");
        assert_eq!(t.format("%Y-%m-%d %H:%M").to_string(), "2016-06-13 04:00");
    }

    #[test]
    fn every_value_round_trips_through_text_and_millis() {
        let edges = [
            Timestamp::MIN_MILLIS,
            Timestamp::MIN_MILLIS + 1,
            -1,
            0,
            1,
            1_465_790_400_123,
            Timestamp::MAX_MILLIS - 1,
            Timestamp::MAX_MILLIS,
        ];
        for millis in edges {
            let t = Timestamp::from_millis(millis).unwrap();
            assert_eq!(t.as_millis(), millis);
            assert_eq!(Timestamp::parse(&t.to_string()), Ok(t), "{t}");
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
            assert_eq!(Timestamp::try_from(SystemTime::from(t)), Ok(t));
        }
        assert_eq!(
            Timestamp::from_millis(Timestamp::MIN_MILLIS)
                .unwrap()
                .to_string(),
            "0000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            Timestamp::from_millis(Timestamp::MAX_MILLIS)
                .unwrap()
                .to_string(),
            "9999-12-31T23:59:59.999Z"
        );
        for outside in [
            Timestamp::MIN_MILLIS - 1,
            Timestamp::MAX_MILLIS + 1,
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(Timestamp::from_millis(outside), None, "{outside}");
        }
    }

    #[test]
    fn what_the_type_cannot_hold_is_refused() {
        for (text, reason) in [
            (
                "0000-01-01T00:00:00.000+23:59",
                "outside the years 0000 to 9999",
            ),
            (
                "9999-12-31T23:59:59.999-00:01",
                "outside the years 0000 to 9999",
            ),
            ("2016-12-31T23:59:60.000Z", "leap second"),
            ("2016-12-31T23:59:60Z", "leap second"),
        ] {
            let error = Timestamp::parse(text).unwrap_err().to_string();
            assert!(error.contains(reason), "{text}: {error}");
        }
        let year_10000 = DateTime::from_timestamp_millis(Timestamp::MAX_MILLIS + 1).unwrap();
        assert!(Timestamp::try_from(year_10000).is_err());
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .unwrap()
            .and_utc();
        assert!(Timestamp::try_from(leap).is_err());
        let far = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(400_000_000_000);
        assert!(Timestamp::try_from(far).is_err());
    }

    #[test]
    fn finer_fractions_are_cut_to_the_millisecond() {
        let t = Timestamp::parse("2016-06-13T04:00:00.123999Z").unwrap();
        assert_eq!(Timestamp::from_millis(t.as_millis()), Some(t));
        let before_1970 = SystemTime::UNIX_EPOCH - std::time::Duration::from_micros(1_500);
        assert_eq!(Timestamp::try_from(before_1970).unwrap().as_millis(), -2);
    }
}
